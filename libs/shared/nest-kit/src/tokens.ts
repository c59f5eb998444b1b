import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { LinliError, RoleSchema, type Role } from '@linli/contracts';

/** Claims of an access token. Access tokens are short-lived and verified without a round trip. */
export const AccessClaimsSchema = z.object({
  sub: z.string().uuid(),
  roles: z.array(RoleSchema).min(1),
  sid: z.string().uuid(),
  iat: z.number().int(),
  exp: z.number().int(),
  typ: z.literal('access'),
});
export type AccessClaims = z.infer<typeof AccessClaimsSchema>;

const b64 = (buffer: Buffer) => buffer.toString('base64url');

function sign(body: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

export function issueAccessToken(
  input: { userId: string; roles: Role[]; sessionId: string; ttlSeconds: number; now?: Date },
  secret: string,
): { token: string; expiresAt: Date } {
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const claims: AccessClaims = { sub: input.userId, roles: input.roles, sid: input.sessionId, iat, exp: iat + input.ttlSeconds, typ: 'access' };
  const body = `v1.${b64(Buffer.from(JSON.stringify(claims)))}`;
  return { token: `${body}.${b64(sign(body, secret))}`, expiresAt: new Date(claims.exp * 1000) };
}

/** Verifies signature, shape and expiry. Throws AUTH.TOKEN_INVALID or AUTH.TOKEN_EXPIRED. */
export function verifyAccessToken(token: string, secret: string, now: Date = new Date()): AccessClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') throw new LinliError('AUTH.TOKEN_INVALID', 'access token is malformed');
  const body = `${parts[0]}.${parts[1]}`;
  const expected = sign(body, secret);
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new LinliError('AUTH.TOKEN_INVALID', 'access token signature is invalid');
  }
  let claims: AccessClaims;
  try {
    claims = AccessClaimsSchema.parse(JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')));
  } catch {
    throw new LinliError('AUTH.TOKEN_INVALID', 'access token claims are invalid');
  }
  if (claims.exp * 1000 <= now.getTime()) throw new LinliError('AUTH.TOKEN_EXPIRED', 'access token has expired');
  return claims;
}
