import { z } from 'zod';
import { baseConfigFragment, databaseConfigFragment, loadConfig } from '@linli/nest-kit';

export const CommunitiesConfigSchema = z.object({
  ...baseConfigFragment,
  ...databaseConfigFragment,
  /** Posts a member may write per window, and the window (the per-member rate limit against spam). */
  COMMUNITY_POST_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),
  COMMUNITY_POST_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** The NPS question is offered at most once per resident in this many days, and may be answered for this many. */
  NPS_INTERVAL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  NPS_ANSWER_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** The growth system's rules as JSON (the whole set, with its own version); unset: the built-in rules. */
  GROWTH_RULES_JSON: z.string().min(2).optional(),
  /** How often growth's jobs run (points expiry, journey nudges, the monthly tier review); 0: off. */
  GROWTH_JOB_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
});
export type CommunitiesConfig = z.infer<typeof CommunitiesConfigSchema>;

export function communitiesConfig(env: Record<string, string | undefined>): CommunitiesConfig {
  return loadConfig(CommunitiesConfigSchema, env);
}
