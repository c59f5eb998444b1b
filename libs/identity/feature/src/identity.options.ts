export const IDENTITY_OPTIONS = Symbol.for('linli.identity-options');

export interface IdentityOptions {
  tokenSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  otpTtlSeconds: number;
  otpMaxAttempts: number;
  otpResendSeconds: number;
  otpMaxPerHour: number;
  /** Budgets against SMS pumping: one client, one number prefix, the whole platform. */
  smsBudget: { perClientPerHour: number; perPrefixPerHour: number; perDay: number };
}

export const DEFAULT_IDENTITY_OPTIONS: Omit<IdentityOptions, 'tokenSecret'> = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlDays: 30,
  otpTtlSeconds: 5 * 60,
  otpMaxAttempts: 5,
  otpResendSeconds: 60,
  otpMaxPerHour: 10,
  smsBudget: { perClientPerHour: 30, perPrefixPerHour: 100, perDay: 50_000 },
};
