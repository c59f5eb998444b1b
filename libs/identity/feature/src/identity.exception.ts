import { LinliError, type Actor } from '@linli/contracts';

const SMS_BUDGET_SCOPES = { client: 'from this client', 'number-prefix': 'to numbers of this prefix', 'platform-daily': 'today' } as const;

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
  smsBudgetExhausted: (scope: 'client' | 'number-prefix' | 'platform-daily', retryAfterSeconds: number) =>
    new LinliError('IDENTITY.SMS_BUDGET_EXHAUSTED', `too many codes were sent ${SMS_BUDGET_SCOPES[scope]}; try again later`, { scope, retryAfterSeconds }),
  memberCardUnprovable: (why: string) =>
    new LinliError('IDENTITY.MEMBER_CARD_UNPROVABLE', `${why}: ask your leader to scan the card at the pickup point for a one-time code`),
  mergeApprovalRequired: (mergeRequestId: string | null, reasons: string[]) =>
    new LinliError(
      'IDENTITY.MERGE_APPROVAL_REQUIRED',
      `linking this identity merges another account, which needs ops approval (${reasons.join('; ')}); the request is queued`,
      { mergeRequestId, reasons },
    ),
  mergeRequestNotFound: (mergeRequestId: string) => new LinliError('IDENTITY.MERGE_REQUEST_NOT_FOUND', 'no such merge request', { mergeRequestId }),
  mergeRequestDecided: (mergeRequestId: string, status: string) =>
    new LinliError('IDENTITY.MERGE_REQUEST_DECIDED', `the merge request was already ${status}`, { mergeRequestId, status }),
};

/** Residents act on themselves; ops may act on anyone. */
export function assertSelfOrOps(actor: Actor, userId: string): void {
  if (actor.userId !== userId && !actor.roles.includes('ops')) throw IdentityErrors.forbidden();
}
