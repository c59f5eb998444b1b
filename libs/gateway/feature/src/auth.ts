import { LinliError, type Actor } from '@linli/contracts';
import type { AccessTokenVerifier } from '@linli/nest-kit';
import type { RevokedSessions } from './revocations.js';
import { isPublic, type PublicAuth, type RoleAuth } from './route.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The caller of a route: `undefined` on public routes; otherwise the verified access token's user,
 * who must hold one of the route's roles. Throws AUTH.UNAUTHENTICATED (no bearer token),
 * AUTH.TOKEN_INVALID / AUTH.TOKEN_EXPIRED (from the token check), AUTH.SESSION_REVOKED (the token's
 * session was signed out or otherwise ended) or AUTH.FORBIDDEN (role).
 */
export function authenticate(
  auth: PublicAuth | RoleAuth,
  authorization: string | undefined,
  tokens: AccessTokenVerifier,
  now: Date = new Date(),
  revoked?: RevokedSessions,
): Actor | undefined {
  if (isPublic(auth)) return undefined;
  const match = authorization ? BEARER.exec(authorization) : null;
  if (!match) throw new LinliError('AUTH.UNAUTHENTICATED', 'sign in first: this route needs an "Authorization: Bearer <access token>" header');
  const claims = tokens.verify(match[1]!, now);
  if (revoked?.isRevoked(claims.sid, now.getTime())) throw new LinliError('AUTH.SESSION_REVOKED', 'this session has ended (signed out); sign in again');
  const actor: Actor = { userId: claims.sub, roles: claims.roles };
  if (auth.roles !== 'any-signed-in' && !auth.roles.some((role) => actor.roles.includes(role))) {
    throw new LinliError('AUTH.FORBIDDEN', `this route needs one of the roles: ${auth.roles.join(', ')}`);
  }
  return actor;
}
