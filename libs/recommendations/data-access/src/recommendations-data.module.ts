import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseProviders, serviceDatabase, type ServiceDatabase } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The recommendations service's Prisma client (with query tracing). Inject it by this class. */
export abstract class RecommendationsDb extends PrismaClient {}

export interface RecommendationsDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

/** The service's Prisma client and raw SQL on the client's pool (see `serviceDatabase`). */
export function createRecommendationsDb(options: RecommendationsDataOptions): ServiceDatabase<RecommendationsDb> {
  return serviceDatabase({ url: options.databaseUrl, poolSize: options.poolSize }, (adapter) => new PrismaClient({ adapter }) as unknown as RecommendationsDb);
}

@Module({})
export class RecommendationsDataModule {
  static forRoot(options: RecommendationsDataOptions): DynamicModule {
    return {
      module: RecommendationsDataModule,
      providers: databaseProviders(RecommendationsDb, () => createRecommendationsDb(options)),
      exports: databaseExports(RecommendationsDb),
    };
  }
}
