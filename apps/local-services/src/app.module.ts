import { Module, type DynamicModule } from '@nestjs/common';
import { LinliKitModule } from '@linli/nest-kit';
import { LocalServicesModule } from '@linli/local-services-feature';
import type { LocalServicesConfig } from './config.js';

@Module({})
export class AppModule {
  static forRoot(config: LocalServicesConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LinliKitModule.fromConfig('local-services', config),
        LocalServicesModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          databasePoolSize: config.DATABASE_POOL_SIZE,
          paymentWebhookSecret: config.PAYMENT_WEBHOOK_SECRET,
          paymentProvider: config.PAYMENT_PROVIDER,
          devPaymentDelayMs: config.DEV_PAYMENT_CALLBACK_DELAY_MS,
          leaderFeeBps: config.LOCAL_SERVICES_LEADER_FEE_BPS,
          paymentTimeoutSeconds: config.BOOKING_PAYMENT_TIMEOUT_SECONDS,
          expiryIntervalMs: config.BOOKING_EXPIRY_INTERVAL_MS,
          webhooks: {
            intervalMs: config.WEBHOOK_DISPATCH_INTERVAL_MS,
            backoffBaseMs: config.WEBHOOK_BACKOFF_BASE_MS,
            maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
            timeoutMs: config.WEBHOOK_TIMEOUT_MS,
          },
        }),
      ],
    };
  }
}
