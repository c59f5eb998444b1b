import { Module, type DynamicModule } from '@nestjs/common';
import { LinliKitModule } from '@linli/nest-kit';
import { LeaderOpsModule } from '@linli/leader-ops-feature';
import { customersConfig, type LeaderOpsConfig } from './config.js';

@Module({})
export class AppModule {
  static forRoot(config: LeaderOpsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LinliKitModule.fromConfig('leader-ops', config),
        LeaderOpsModule.forRoot({ databaseUrl: config.DATABASE_URL, databasePoolSize: config.DATABASE_POOL_SIZE, customers: customersConfig(config) }),
      ],
    };
  }
}
