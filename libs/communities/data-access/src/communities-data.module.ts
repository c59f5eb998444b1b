import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseName, databaseProviders, prismaAdapter, withQueryTracing } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The communities service's Prisma client (with query tracing). Inject it by this class. */
export abstract class CommunitiesDb extends PrismaClient {}

export interface CommunitiesDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

export function createCommunitiesDb(options: CommunitiesDataOptions): CommunitiesDb {
  const client = new PrismaClient({ adapter: prismaAdapter({ url: options.databaseUrl, poolSize: options.poolSize }) });
  return withQueryTracing(client, databaseName(options.databaseUrl)) as unknown as CommunitiesDb;
}

@Module({})
export class CommunitiesDataModule {
  static forRoot(options: CommunitiesDataOptions): DynamicModule {
    return {
      module: CommunitiesDataModule,
      providers: databaseProviders(CommunitiesDb, () => createCommunitiesDb(options)),
      exports: databaseExports(CommunitiesDb),
    };
  }
}
