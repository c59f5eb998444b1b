import { z } from 'zod';
import { baseConfigFragment, databaseConfigFragment, loadConfig } from '@linli/nest-kit';

const ms = z.coerce.number().int().min(0);

/** The recommendations service's own keys (see libs/recommendations/feature/README.md). */
export const recommendationsConfigFragment = {
  RECS_FIT_MODE: z.enum(['worker', 'inline']).default('worker'),
  /** 0 = the whole history. */
  RECS_HISTORY_DAYS: z.coerce.number().int().min(0).max(36500).default(365),
  RECS_REFRESH_DEBOUNCE_MS: ms.default(2_000),
  RECS_REFRESH_MAX_WAIT_MS: ms.default(30_000),
  RECS_REFRESH_MIN_INTERVAL_MS: ms.default(10_000),
  RECS_TIFU_NEIGHBOURS: z.coerce.number().int().min(0).max(1000).default(0),
  ASSETS_REFRESH_INTERVAL_MS: ms.default(3_600_000),
  BACKTEST_INTERVAL_MS: ms.default(86_400_000),
  BACKTEST_HOLDOUT_DAYS: z.coerce.number().int().min(7).max(730).default(90),
  PARK_RELEASE_AFTER_MS: ms.default(900_000),
  PARK_SWEEP_INTERVAL_MS: ms.default(60_000),
  CLV_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
  CLV_MONTHLY_DISCOUNT: z.coerce.number().min(0).max(1).default(0.01),
  REPORTING_TIME_ZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone'),
};

export const RecommendationsConfigSchema = z.object({ ...baseConfigFragment, ...databaseConfigFragment, ...recommendationsConfigFragment });
export type RecommendationsConfig = z.infer<typeof RecommendationsConfigSchema>;

export function recommendationsConfig(env: Record<string, string | undefined>): RecommendationsConfig {
  return loadConfig(RecommendationsConfigSchema, env);
}
