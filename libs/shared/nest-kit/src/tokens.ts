import crypto from 'node:crypto';
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
  return crypto.createHmac('sha256', secret).update(body).digest();
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

const expired = (claims: AccessClaims, now: Date) => claims.exp * 1000 <= now.getTime();

/** Verifies signature, shape and expiry. Throws AUTH.TOKEN_INVALID or AUTH.TOKEN_EXPIRED. */
export function verifyAccessToken(token: string, secret: string, now: Date = new Date()): AccessClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') throw new LinliError('AUTH.TOKEN_INVALID', 'access token is malformed');
  const body = `${parts[0]}.${parts[1]}`;
  const expected = sign(body, secret);
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new LinliError('AUTH.TOKEN_INVALID', 'access token signature is invalid');
  }
  let claims: AccessClaims;
  try {
    claims = AccessClaimsSchema.parse(JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')));
  } catch {
    throw new LinliError('AUTH.TOKEN_INVALID', 'access token claims are invalid');
  }
  if (expired(claims, now)) throw new LinliError('AUTH.TOKEN_EXPIRED', 'access token has expired');
  return claims;
}

/**
 * {@link verifyAccessToken} that remembers the tokens it verified, up to `maxEntries` (oldest forgotten
 * first), so a client sending the same token on every request pays for its signature and claims once.
 * Only verified tokens are kept, and a remembered token is still checked for expiry at every use; a
 * token that fails is checked in full every time. The answer for a token string never changes but by
 * expiry; a session that ends early (sign-out) is refused by the gateway's revoked-session set on top.
 */
export class AccessTokenVerifier {
  private readonly verified = new Map<string, AccessClaims>();

  constructor(
    private readonly secret: string,
    private readonly maxEntries = 10_000,
  ) {}

  /** Tokens remembered now. */
  get size(): number {
    return this.verified.size;
  }

  verify(token: string, now: Date = new Date()): AccessClaims {
    const known = this.verified.get(token);
    if (known) {
      if (!expired(known, now)) return known;
      this.verified.delete(token);
    }
    const claims = verifyAccessToken(token, this.secret, now);
    // Shared by every request that sends the token: nobody may change it.
    Object.freeze(claims.roles);
    Object.freeze(claims);
    if (this.verified.size >= this.maxEntries) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims);
    return claims;
  }
}
