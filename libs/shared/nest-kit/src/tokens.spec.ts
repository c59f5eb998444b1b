import { LinliError } from '@linli/contracts';
import { issueAccessToken, verifyAccessToken } from './tokens.js';

const secret = 's'.repeat(32);
const user = { userId: '7d7f5f0e-8a57-4c55-9a3c-9f1c6f3f9b01', roles: ['resident' as const], sessionId: '0b5e6a0c-7f57-4d55-8a3c-1f1c6f3f9b02' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof LinliError ? error.code : 'not-a-linli-error';
  }
  return undefined;
}

describe('access tokens', () => {
  it('round-trips claims', () => {
    const { token } = issueAccessToken({ ...user, ttlSeconds: 60 }, secret);
    const claims = verifyAccessToken(token, secret);
    expect(claims.sub).toBe(user.userId);
    expect(claims.roles).toEqual(['resident']);
  });

  it('rejects a token signed with another secret', () => {
    const { token } = issueAccessToken({ ...user, ttlSeconds: 60 }, 'x'.repeat(32));
    expect(codeOf(() => verifyAccessToken(token, secret))).toBe('AUTH.TOKEN_INVALID');
  });

  it('rejects tampered claims (role escalation)', () => {
    const { token } = issueAccessToken({ ...user, ttlSeconds: 60 }, secret);
    const [v, body, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    claims.roles = ['ops'];
    const forged = `${v}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    expect(codeOf(() => verifyAccessToken(forged, secret))).toBe('AUTH.TOKEN_INVALID');
  });

  it('rejects an expired token', () => {
    const { token } = issueAccessToken({ ...user, ttlSeconds: 60, now: new Date('2026-01-01T00:00:00Z') }, secret);
    expect(codeOf(() => verifyAccessToken(token, secret, new Date('2026-01-01T00:01:01Z')))).toBe('AUTH.TOKEN_EXPIRED');
  });

  it('rejects garbage', () => {
    expect(codeOf(() => verifyAccessToken('garbage', secret))).toBe('AUTH.TOKEN_INVALID');
    expect(codeOf(() => verifyAccessToken('v1.e30.AAAA', secret))).toBe('AUTH.TOKEN_INVALID');
  });
});
