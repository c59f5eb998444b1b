import { z } from 'zod';
import { baseConfigFragment, databaseConfigFragment, loadConfig } from '@linli/nest-kit';

const rate = z.coerce.number().min(0).max(1);

export const OrdersConfigSchema = z.object({
  ...baseConfigFragment,
  ...databaseConfigFragment,
  /** HMAC-SHA256 key of payment notifications (shared with the provider). */
  PAYMENT_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters'),
  PAYMENT_PROVIDER: z.enum(['dev']).default('dev'),
  ORDER_PAYMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  ORDER_STOCK_BUCKETS: z.coerce.number().int().min(1).max(256).default(16),
  ORDER_PLACEMENT_BATCH: z.coerce.number().int().min(1).max(256).default(32),
  ORDER_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  ORDER_COMPLAINT_WINDOW_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(48),
  /** Quality complaints refunded at once, without review, up to this much per order (cents). */
  REFUND_INSTANT_MAX_CENTS_PER_ORDER: z.coerce.number().int().min(0).default(5_000),
  /** …and up to this much per resident per calendar month (China time, cents); beyond, a leader or ops reviews. */
  REFUND_INSTANT_MAX_CENTS_PER_RESIDENT_PER_MONTH: z.coerce.number().int().min(0).default(10_000),
  DEV_PAYMENT_CALLBACK_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(300),
  DEV_PAYMENT_DUPLICATE_RATE: rate.default(0.2),
  DEV_PAYMENT_FAILURE_RATE: rate.default(0),
  DEV_PAYMENT_LATE_RATE: rate.default(0),
  DEV_PAYMENT_LATE_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
});
export type OrdersConfig = z.infer<typeof OrdersConfigSchema>;

export function ordersConfig(env: Record<string, string | undefined>): OrdersConfig {
  return loadConfig(OrdersConfigSchema, env);
}
