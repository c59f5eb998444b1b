import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseName, databaseProviders, prismaAdapter, withQueryTracing } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The identity service's Prisma client (with query tracing). Inject it by this class. */
export abstract class IdentityDb extends PrismaClient {}

export interface IdentityDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

export function createIdentityDb(options: IdentityDataOptions): IdentityDb {
  const client = new PrismaClient({ adapter: prismaAdapter({ url: options.databaseUrl, poolSize: options.poolSize }) });
  return withQueryTracing(client, databaseName(options.databaseUrl)) as unknown as IdentityDb;
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
