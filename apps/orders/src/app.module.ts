import { Module, type DynamicModule } from '@nestjs/common';
import { LinliKitModule } from '@linli/nest-kit';
import { OrdersModule } from '@linli/orders-feature';
import type { OrdersConfig } from './config.js';

@Module({})
export class AppModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LinliKitModule.fromConfig('orders', config),
        OrdersModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          databasePoolSize: config.DATABASE_POOL_SIZE,
          paymentWebhookSecret: config.PAYMENT_WEBHOOK_SECRET,
          paymentProvider: config.PAYMENT_PROVIDER,
          paymentTimeoutSeconds: config.ORDER_PAYMENT_TIMEOUT_SECONDS,
          stockBuckets: config.ORDER_STOCK_BUCKETS,
          placementBatch: config.ORDER_PLACEMENT_BATCH,
          schedulerIntervalMs: config.ORDER_SCHEDULER_INTERVAL_MS,
          complaintWindowHours: config.ORDER_COMPLAINT_WINDOW_HOURS,
          refundPolicy: {
            instantMaxCentsPerOrder: config.REFUND_INSTANT_MAX_CENTS_PER_ORDER,
            instantMaxCentsPerResidentPerMonth: config.REFUND_INSTANT_MAX_CENTS_PER_RESIDENT_PER_MONTH,
          },
          devPayment: {
            callbackDelayMs: config.DEV_PAYMENT_CALLBACK_DELAY_MS,
            duplicateRate: config.DEV_PAYMENT_DUPLICATE_RATE,
            failureRate: config.DEV_PAYMENT_FAILURE_RATE,
            lateRate: config.DEV_PAYMENT_LATE_RATE,
            lateDelayMs: config.DEV_PAYMENT_LATE_DELAY_MS,
          },
        }),
      ],
    };
  }
}
