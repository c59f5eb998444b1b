import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseProviders, serviceDatabase, type ServiceDatabase } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The leader-ops service's Prisma client (with query tracing). Inject it by this class. */
export abstract class LeaderOpsDb extends PrismaClient {}

export interface LeaderOpsDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

/** The service's Prisma client and raw SQL on the client's pool (see `serviceDatabase`). */
export function createLeaderOpsDb(options: LeaderOpsDataOptions): ServiceDatabase<LeaderOpsDb> {
  return serviceDatabase({ url: options.databaseUrl, poolSize: options.poolSize }, (adapter) => new PrismaClient({ adapter }) as unknown as LeaderOpsDb);
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
