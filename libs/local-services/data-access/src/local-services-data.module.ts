import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseName, databaseProviders, prismaAdapter, withQueryTracing } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The local-services service's Prisma client (with query tracing). Inject it by this class. */
export abstract class LocalServicesDb extends PrismaClient {}

export interface LocalServicesDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

export function createLocalServicesDb(options: LocalServicesDataOptions): LocalServicesDb {
  const client = new PrismaClient({ adapter: prismaAdapter({ url: options.databaseUrl, poolSize: options.poolSize }) });
  return withQueryTracing(client, databaseName(options.databaseUrl)) as unknown as LocalServicesDb;
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
