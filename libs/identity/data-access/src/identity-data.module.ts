import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseProviders, serviceDatabase, type ServiceDatabase } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The identity service's Prisma client (with query tracing). Inject it by this class. */
export abstract class IdentityDb extends PrismaClient {}

export interface IdentityDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

/** The service's Prisma client and raw SQL on the client's pool (see `serviceDatabase`). */
export function createIdentityDb(options: IdentityDataOptions): ServiceDatabase<IdentityDb> {
  return serviceDatabase({ url: options.databaseUrl, poolSize: options.poolSize }, (adapter) => new PrismaClient({ adapter }) as unknown as IdentityDb);
}

@Module({})
export class IdentityDataModule {
  static forRoot(options: IdentityDataOptions): DynamicModule {
    return {
      module: IdentityDataModule,
      providers: databaseProviders(IdentityDb, () => createIdentityDb(options)),
      exports: databaseExports(IdentityDb),
    };
  }
}
