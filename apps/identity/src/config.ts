import { z } from 'zod';
import { baseConfigFragment, databaseConfigFragment, loadConfig, tokenConfigFragment } from '@linli/nest-kit';

export const IdentityConfigSchema = z.object({
  ...baseConfigFragment,
  ...databaseConfigFragment,
  ...tokenConfigFragment,
  SMS_ADAPTER: z.enum(['log']).default('log'),
  WECHAT_ADAPTER: z.enum(['dev']).default('dev'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** SMS send budgets (anti-pumping): codes one client may have sent per hour, codes per 7-digit number prefix per hour, codes per day platform-wide. */
  OTP_BUDGET_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).default(30),
  OTP_BUDGET_PER_PREFIX_PER_HOUR: z.coerce.number().int().min(1).default(100),
  OTP_BUDGET_PER_DAY: z.coerce.number().int().min(1).default(50_000),
});
export type IdentityConfig = z.infer<typeof IdentityConfigSchema>;

export function identityConfig(env: Record<string, string | undefined>): IdentityConfig {
  return loadConfig(IdentityConfigSchema, env);
}
