import { Module, type DynamicModule } from '@nestjs/common';
import { LinliKitModule } from '@linli/nest-kit';
import { RecommendationsModule } from '@linli/recommendations-feature';
import type { RecommendationsConfig } from './config.js';

@Module({})
export class AppModule {
  static forRoot(config: RecommendationsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LinliKitModule.fromConfig('recommendations', config),
        RecommendationsModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          databasePoolSize: config.DATABASE_POOL_SIZE,
          fitMode: config.RECS_FIT_MODE,
          historyDays: config.RECS_HISTORY_DAYS,
          refreshDebounceMs: config.RECS_REFRESH_DEBOUNCE_MS,
          refreshMaxWaitMs: config.RECS_REFRESH_MAX_WAIT_MS,
          refreshMinIntervalMs: config.RECS_REFRESH_MIN_INTERVAL_MS,
          tifuNeighbours: config.RECS_TIFU_NEIGHBOURS,
          assetsIntervalMs: config.ASSETS_REFRESH_INTERVAL_MS,
          backtestIntervalMs: config.BACKTEST_INTERVAL_MS,
          backtestHoldoutDays: config.BACKTEST_HOLDOUT_DAYS,
          parkReleaseAfterMs: config.PARK_RELEASE_AFTER_MS,
          parkSweepIntervalMs: config.PARK_SWEEP_INTERVAL_MS,
          clvMonths: config.CLV_MONTHS,
          clvMonthlyDiscount: config.CLV_MONTHLY_DISCOUNT,
          reportingTimeZone: config.REPORTING_TIME_ZONE,
        }),
      ],
    };
  }
}
