import { z } from 'zod';
import { baseConfigFragment, databaseConfigFragment, loadConfig } from '@linli/nest-kit';

export const LocalServicesConfigSchema = z.object({
  ...baseConfigFragment,
  ...databaseConfigFragment,
  /** HMAC-SHA256 key of payment notifications (shared with the provider). */
  PAYMENT_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters'),
  PAYMENT_PROVIDER: z.enum(['dev']).default('dev'),
  DEV_PAYMENT_CALLBACK_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(300),
  /** The resident's leader's share of a completed booking's price, in basis points. */
  /** Unpaid bookings are cancelled (seat and points released) after this long. */
  BOOKING_PAYMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  BOOKING_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  LOCAL_SERVICES_LEADER_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(500),
  WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});
export type LocalServicesConfig = z.infer<typeof LocalServicesConfigSchema>;

export function localServicesConfig(env: Record<string, string | undefined>): LocalServicesConfig {
  return loadConfig(LocalServicesConfigSchema, env);
}
