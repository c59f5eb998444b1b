import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseName, databaseProviders, prismaAdapter, withQueryTracing } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The leader-ops service's Prisma client (with query tracing). Inject it by this class. */
export abstract class LeaderOpsDb extends PrismaClient {}

export interface LeaderOpsDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

export function createLeaderOpsDb(options: LeaderOpsDataOptions): LeaderOpsDb {
  const client = new PrismaClient({ adapter: prismaAdapter({ url: options.databaseUrl, poolSize: options.poolSize }) });
  return withQueryTracing(client, databaseName(options.databaseUrl)) as unknown as LeaderOpsDb;
}

/** Provides {@link LeaderOpsDb} (also under the kit's `DATABASE` token), the outbox relay and durable consumers. */
@Module({})
export class LeaderOpsDataModule {
  static forRoot(options: LeaderOpsDataOptions): DynamicModule {
    return {
      module: LeaderOpsDataModule,
      providers: databaseProviders(LeaderOpsDb, () => createLeaderOpsDb(options)),
      exports: databaseExports(LeaderOpsDb),
    };
  }
}
