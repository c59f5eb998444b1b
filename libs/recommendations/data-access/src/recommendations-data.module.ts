import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseName, databaseProviders, prismaAdapter, withQueryTracing } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The recommendations service's Prisma client (with query tracing). Inject it by this class. */
export abstract class RecommendationsDb extends PrismaClient {}

export interface RecommendationsDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

export function createRecommendationsDb(options: RecommendationsDataOptions): RecommendationsDb {
  const client = new PrismaClient({ adapter: prismaAdapter({ url: options.databaseUrl, poolSize: options.poolSize }) });
  return withQueryTracing(client, databaseName(options.databaseUrl)) as unknown as RecommendationsDb;
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
