import { Module, type DynamicModule } from '@nestjs/common';
import { LinliKitModule } from '@linli/nest-kit';
import { CommunitiesModule, parseGrowthRules } from '@linli/communities-feature';
import type { CommunitiesConfig } from './config.js';

@Module({})
export class AppModule {
  static forRoot(config: CommunitiesConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LinliKitModule.fromConfig('communities', config),
        CommunitiesModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          databasePoolSize: config.DATABASE_POOL_SIZE,
          postLimit: config.COMMUNITY_POST_LIMIT,
          postWindowSeconds: config.COMMUNITY_POST_WINDOW_SECONDS,
          npsIntervalDays: config.NPS_INTERVAL_DAYS,
          npsAnswerDays: config.NPS_ANSWER_DAYS,
          growth: { rules: config.GROWTH_RULES_JSON ? parseGrowthRules(config.GROWTH_RULES_JSON) : undefined, jobIntervalMs: config.GROWTH_JOB_INTERVAL_MS },
        }),
      ],
    };
  }
}
