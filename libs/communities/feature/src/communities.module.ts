import { Module, type DynamicModule } from '@nestjs/common';
import { CommunitiesDataModule } from '@linli/communities-data-access';
import { CommunitiesPersonalDataHandlers } from './personal-data.handlers.js';

export interface CommunitiesModuleOptions {
  databaseUrl: string;
  databasePoolSize?: number;
}

/** The communities service. It owns its database and answers its health subject; its domain grows here. */
@Module({})
export class CommunitiesModule {
  static forRoot(options: CommunitiesModuleOptions): DynamicModule {
    return {
      module: CommunitiesModule,
      imports: [CommunitiesDataModule.forRoot({ databaseUrl: options.databaseUrl, poolSize: options.databasePoolSize })],
      providers: [CommunitiesPersonalDataHandlers],
    };
  }
}
