import { ConfigError } from '@linli/nest-kit';
import { ordersConfig } from './config.js';

const secret = 'w'.repeat(40);

describe('orders config', () => {
  it('applies defaults', () => {
    const config = ordersConfig({ DATABASE_URL: 'postgresql://u@h/linli_orders', PAYMENT_WEBHOOK_SECRET: secret });
    expect(config).toMatchObject({ PAYMENT_PROVIDER: 'dev', ORDER_PAYMENT_TIMEOUT_SECONDS: 900, ORDER_STOCK_BUCKETS: 16, ORDER_PLACEMENT_BATCH: 32, ORDER_SCHEDULER_INTERVAL_MS: 1000, ORDER_COMPLAINT_WINDOW_HOURS: 48 });
  });

  it('names bad keys without printing their values', () => {
    let error: unknown;
    try {
      ordersConfig({ DATABASE_URL: 'postgresql://u@h/db', PAYMENT_WEBHOOK_SECRET: 'tiny-secret', PAYMENT_PROVIDER: 'stripe', ORDER_STOCK_BUCKETS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).keys.sort()).toEqual(['ORDER_STOCK_BUCKETS', 'PAYMENT_PROVIDER', 'PAYMENT_WEBHOOK_SECRET']);
    expect((error as Error).message).not.toContain('tiny-secret');
  });
});
