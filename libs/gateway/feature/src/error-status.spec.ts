import { ERROR_CODES, type ErrorCode } from '@linli/contracts';
import { assertUnreachable, errorStatus } from './error-status.js';

describe('error code → HTTP status', () => {
  it.each(ERROR_CODES.map((code) => [code]))('%s has an error status', (code) => {
    const status = errorStatus(code);
    expect(Number.isInteger(status)).toBe(true);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
  });

  it('keeps the statuses clients depend on', () => {
    const expected: Partial<Record<ErrorCode, number>> = {
      'COMMON.VALIDATION_FAILED': 400,
      'COMMON.MALFORMED_JSON': 400,
      'COMMON.PAYLOAD_TOO_LARGE': 413,
      'COMMON.ROUTE_NOT_FOUND': 404,
      'COMMON.RATE_LIMITED': 429,
      'COMMON.UNAVAILABLE': 503,
      'COMMON.TIMEOUT': 504,
      'COMMON.INTERNAL': 500,
      'AUTH.UNAUTHENTICATED': 401,
      'AUTH.TOKEN_EXPIRED': 401,
      'AUTH.TOKEN_INVALID': 401,
      'AUTH.FORBIDDEN': 403,
      'IDENTITY.OTP_INVALID': 400,
      'IDENTITY.REFRESH_TOKEN_INVALID': 401,
      'IDENTITY.OTP_RATE_LIMITED': 429,
    };
    for (const [code, status] of Object.entries(expected)) expect([code, errorStatus(code as ErrorCode)]).toEqual([code, status]);
  });

  it('keeps 401 for credentials only (session tokens, and partner API keys under /v1/partner/), so a client that refreshes on 401 cannot loop', () => {
    const unauthorised = ERROR_CODES.filter((code) => errorStatus(code) === 401);
    expect(unauthorised.sort()).toEqual([
      'AUTH.SESSION_REVOKED',
      'AUTH.TOKEN_EXPIRED',
      'AUTH.TOKEN_INVALID',
      'AUTH.UNAUTHENTICATED',
      'IDENTITY.REFRESH_TOKEN_INVALID',
      'LOCAL_SERVICES.API_KEY_INVALID',
      'LOCAL_SERVICES.API_KEY_MISSING',
      'LOCAL_SERVICES.API_KEY_REVOKED',
    ]);
  });

  it('fails loudly on a code that is not in the contracts', () => {
    expect(() => errorStatus('NOPE.NOT_A_CODE' as ErrorCode)).toThrow('NOPE.NOT_A_CODE');
    expect(() => assertUnreachable('x' as never)).toThrow();
  });
});
