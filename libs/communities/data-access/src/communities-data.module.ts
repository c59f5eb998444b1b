import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseProviders, serviceDatabase, type ServiceDatabase } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The communities service's Prisma client (with query tracing). Inject it by this class. */
export abstract class CommunitiesDb extends PrismaClient {}

export interface CommunitiesDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

/** The service's Prisma client and raw SQL on the client's pool (see `serviceDatabase`). */
export function createCommunitiesDb(options: CommunitiesDataOptions): ServiceDatabase<CommunitiesDb> {
  return serviceDatabase({ url: options.databaseUrl, poolSize: options.poolSize }, (adapter) => new PrismaClient({ adapter }) as unknown as CommunitiesDb);
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
