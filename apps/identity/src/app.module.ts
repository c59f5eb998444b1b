import { Module, type DynamicModule } from '@nestjs/common';
import { LinliKitModule } from '@linli/nest-kit';
import { IdentityModule } from '@linli/identity-feature';
import type { IdentityConfig } from './config.js';

@Module({})
export class AppModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LinliKitModule.fromConfig('identity', config),
        IdentityModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          databasePoolSize: config.DATABASE_POOL_SIZE,
          tokenSecret: config.AUTH_TOKEN_SECRET,
          smsAdapter: config.SMS_ADAPTER,
          wechatAdapter: config.WECHAT_ADAPTER,
          accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
          refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
          smsBudget: {
            perClientPerHour: config.OTP_BUDGET_PER_CLIENT_PER_HOUR,
            perPrefixPerHour: config.OTP_BUDGET_PER_PREFIX_PER_HOUR,
            perDay: config.OTP_BUDGET_PER_DAY,
          },
        }),
      ],
    };
  }
}
