import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseProviders, serviceDatabase, type ServiceDatabase } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The local-services service's Prisma client (with query tracing). Inject it by this class. */
export abstract class LocalServicesDb extends PrismaClient {}

export interface LocalServicesDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

/** The service's Prisma client and raw SQL on the client's pool (see `serviceDatabase`). */
export function createLocalServicesDb(options: LocalServicesDataOptions): ServiceDatabase<LocalServicesDb> {
  return serviceDatabase({ url: options.databaseUrl, poolSize: options.poolSize }, (adapter) => new PrismaClient({ adapter }) as unknown as LocalServicesDb);
}

@Module({})
export class LocalServicesDataModule {
  static forRoot(options: LocalServicesDataOptions): DynamicModule {
    return {
      module: LocalServicesDataModule,
      providers: databaseProviders(LocalServicesDb, () => createLocalServicesDb(options)),
      exports: databaseExports(LocalServicesDb),
    };
  }
}
