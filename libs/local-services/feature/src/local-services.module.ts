import { Module, type DynamicModule } from '@nestjs/common';
import { LocalServicesDataModule } from '@linli/local-services-data-access';
import { LocalServicesPersonalDataHandlers } from './personal-data.handlers.js';

export interface LocalServicesModuleOptions {
  databaseUrl: string;
  databasePoolSize?: number;
}

/** The local-services service. It owns its database and answers its health subject; its domain grows here. */
@Module({})
export class LocalServicesModule {
  static forRoot(options: LocalServicesModuleOptions): DynamicModule {
    return {
      module: LocalServicesModule,
      imports: [LocalServicesDataModule.forRoot({ databaseUrl: options.databaseUrl, poolSize: options.databasePoolSize })],
      providers: [LocalServicesPersonalDataHandlers],
    };
  }
}
