import { LinliError, type Actor } from '@linli/contracts';

/** Identity's error constructors; each carries a code from the contracts. */
export const IdentityErrors = {
  otpInvalid: () => new LinliError('IDENTITY.OTP_INVALID', 'the code is wrong'),
  otpExpired: () => new LinliError('IDENTITY.OTP_EXPIRED', 'the code has expired; request a new one'),
  otpUsed: () => new LinliError('IDENTITY.OTP_ALREADY_USED', 'the code was already used; request a new one'),
  otpTooManyAttempts: () => new LinliError('IDENTITY.OTP_TOO_MANY_ATTEMPTS', 'too many wrong attempts; request a new code'),
  otpRateLimited: (retryAfterSeconds: number) =>
    new LinliError('IDENTITY.OTP_RATE_LIMITED', 'too many codes requested for this number', { retryAfterSeconds }),
  refreshInvalid: () => new LinliError('IDENTITY.REFRESH_TOKEN_INVALID', 'refresh token is invalid, expired or revoked'),
  wechatCodeInvalid: () => new LinliError('IDENTITY.WECHAT_CODE_INVALID', 'the WeChat login code was rejected'),
  userNotFound: (userId: string) => new LinliError('IDENTITY.USER_NOT_FOUND', 'no such user', { userId }),
  userErased: (userId: string) => new LinliError('IDENTITY.USER_ERASED', 'the user has been erased', { userId }),
  mergeSelf: () => new LinliError('IDENTITY.MERGE_SELF', 'an account cannot be merged into itself'),
  identityConflict: (channel: string) =>
    new LinliError('IDENTITY.IDENTITY_CONFLICT', `this account already has a different ${channel} identity`, { channel }),
  forbidden: () => new LinliError('AUTH.FORBIDDEN', 'you may not act on this user'),
};

/** Residents act on themselves; ops may act on anyone. */
export function assertSelfOrOps(actor: Actor, userId: string): void {
  if (actor.userId !== userId && !actor.roles.includes('ops')) throw IdentityErrors.forbidden();
}
