import { LinliError } from '@linli/contracts';
import { AccessTokenVerifier, issueAccessToken } from '@linli/nest-kit';
import { authenticate } from './auth.js';
import { RevokedSessions } from './revocations.js';

const SECRET = 'revocations-spec-secret-'.padEnd(40, 'x');
const SESSION = '11111111-2222-4333-8444-555555555555';

describe('revoked sessions', () => {
  it('holds a session until its tokens expire, then forgets it', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(SESSION, 2_000, 1_000);
    expect(revoked.isRevoked(SESSION, 1_999)).toBe(true);
    expect(revoked.isRevoked(SESSION, 2_000)).toBe(false);
    expect(revoked.size).toBe(0);
    revoked.revoke(SESSION, 500, 1_000); // already expired: nothing to hold
    expect(revoked.size).toBe(0);
  });

  it('keeps the later expiry when a session is revoked twice, and sweeps only expired ones', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(SESSION, 5_000, 0);
    revoked.revoke(SESSION, 3_000, 0);
    revoked.revoke('other', 1_000, 0);
    revoked.sweep(2_000);
    expect(revoked.size).toBe(1);
    expect(revoked.isRevoked(SESSION, 4_000)).toBe(true);
  });

  it('makes authenticate refuse a verified token of a revoked session with AUTH.SESSION_REVOKED', () => {
    const now = new Date();
    const { token } = issueAccessToken({ userId: '3f1c2a9e-5b7d-4c1e-9a2b-1c2d3e4f5a6b', roles: ['resident'], sessionId: SESSION, ttlSeconds: 600, now }, SECRET);
    const tokens = new AccessTokenVerifier(SECRET);
    const revoked = new RevokedSessions();
    expect(authenticate({ roles: 'any-signed-in' }, `Bearer ${token}`, tokens, now, revoked)?.roles).toEqual(['resident']);
    revoked.revoke(SESSION, now.getTime() + 600_000, now.getTime());
    let error: unknown;
    try {
      authenticate({ roles: 'any-signed-in' }, `Bearer ${token}`, tokens, now, revoked);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LinliError);
    expect((error as LinliError).code).toBe('AUTH.SESSION_REVOKED');
    expect(authenticate({ public: true }, `Bearer ${token}`, tokens, now, revoked)).toBeUndefined();
  });
});
