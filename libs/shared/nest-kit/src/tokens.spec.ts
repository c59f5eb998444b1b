import crypto from 'node:crypto';
import { codeOfCall } from '@linli/testing';
import { AccessTokenVerifier, issueAccessToken, verifyAccessToken } from './tokens.js';

const secret = 's'.repeat(32);
const user = { userId: '7d7f5f0e-8a57-4c55-9a3c-9f1c6f3f9b01', roles: ['resident' as const], sessionId: '0b5e6a0c-7f57-4d55-8a3c-1f1c6f3f9b02' };

describe('access tokens', () => {
  it('round-trips claims', () => {
    const { token } = issueAccessToken({ ...user, ttlSeconds: 60 }, secret);
    const claims = verifyAccessToken(token, secret);
    expect(claims.sub).toBe(user.userId);
    expect(claims.roles).toEqual(['resident']);
  });

  it('rejects a token signed with another secret', () => {
    const { token } = issueAccessToken({ ...user, ttlSeconds: 60 }, 'x'.repeat(32));
    expect(codeOfCall(() => verifyAccessToken(token, secret))).toBe('AUTH.TOKEN_INVALID');
  });

  it('rejects tampered claims (role escalation)', () => {
    const { token } = issueAccessToken({ ...user, ttlSeconds: 60 }, secret);
    const [v, body, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    claims.roles = ['ops'];
    const forged = `${v}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    expect(codeOfCall(() => verifyAccessToken(forged, secret))).toBe('AUTH.TOKEN_INVALID');
  });

  it('rejects an expired token', () => {
    const { token } = issueAccessToken({ ...user, ttlSeconds: 60, now: new Date('2026-01-01T00:00:00Z') }, secret);
    expect(codeOfCall(() => verifyAccessToken(token, secret, new Date('2026-01-01T00:01:01Z')))).toBe('AUTH.TOKEN_EXPIRED');
  });

  it('rejects garbage', () => {
    expect(codeOfCall(() => verifyAccessToken('garbage', secret))).toBe('AUTH.TOKEN_INVALID');
    expect(codeOfCall(() => verifyAccessToken('v1.e30.AAAA', secret))).toBe('AUTH.TOKEN_INVALID');
  });
});

describe('AccessTokenVerifier', () => {
  afterEach(() => jest.restoreAllMocks());
  const token = (ttlSeconds = 60, now = new Date('2026-01-01T00:00:00Z')) => issueAccessToken({ ...user, ttlSeconds, now }, secret).token;

  it('answers a token it verified before with the same claims, without verifying it again', () => {
    const verifier = new AccessTokenVerifier(secret);
    const now = new Date('2026-01-01T00:00:10Z');
    const sent = token();
    const first = verifier.verify(sent, now);
    const hmac = jest.spyOn(crypto, 'createHmac');
    expect(verifier.verify(sent, now)).toBe(first);
    expect(hmac).not.toHaveBeenCalled();
  });

  it('still refuses a remembered token once it has expired, and forgets it', () => {
    const verifier = new AccessTokenVerifier(secret);
    verifier.verify(token(60), new Date('2026-01-01T00:00:10Z'));
    expect(verifier.size).toBe(1);
    expect(codeOfCall(() => verifier.verify(token(60), new Date('2026-01-01T00:01:00Z')))).toBe('AUTH.TOKEN_EXPIRED');
    expect(verifier.size).toBe(0);
  });

  it('never remembers a token that fails, and keeps at most maxEntries tokens, forgetting the oldest', () => {
    const verifier = new AccessTokenVerifier(secret, 2);
    const forged = token().replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(codeOfCall(() => verifier.verify(forged, new Date('2026-01-01T00:00:10Z')))).toBe('AUTH.TOKEN_INVALID');
    expect(codeOfCall(() => verifier.verify(forged, new Date('2026-01-01T00:00:10Z')))).toBe('AUTH.TOKEN_INVALID');
    expect(verifier.size).toBe(0);
    const tokens = [1, 2, 3].map((i) => issueAccessToken({ ...user, ttlSeconds: 60 + i, now: new Date('2026-01-01T00:00:00Z') }, secret).token);
    for (const t of tokens) verifier.verify(t, new Date('2026-01-01T00:00:10Z'));
    expect(verifier.size).toBe(2);
    const hmac = jest.spyOn(crypto, 'createHmac');
    verifier.verify(tokens[2]!, new Date('2026-01-01T00:00:10Z'));
    expect(hmac).not.toHaveBeenCalled();
    verifier.verify(tokens[0]!, new Date('2026-01-01T00:00:10Z'));
    expect(hmac).toHaveBeenCalledTimes(1);
  });
});
