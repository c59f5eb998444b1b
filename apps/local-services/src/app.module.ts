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
        LocalServicesModule.forRoot({ databaseUrl: config.DATABASE_URL, databasePoolSize: config.DATABASE_POOL_SIZE }),
      ],
    };
  }
}
