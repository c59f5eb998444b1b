import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseName, databaseProviders, prismaAdapter, withQueryTracing } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The orders service's Prisma client (with query tracing). Inject it by this class. */
export abstract class OrdersDb extends PrismaClient {}

export interface OrdersDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

export function createOrdersDb(options: OrdersDataOptions): OrdersDb {
  const client = new PrismaClient({ adapter: prismaAdapter({ url: options.databaseUrl, poolSize: options.poolSize }) });
  return withQueryTracing(client, databaseName(options.databaseUrl)) as unknown as OrdersDb;
}

@Module({})
export class OrdersDataModule {
  static forRoot(options: OrdersDataOptions): DynamicModule {
    return {
      module: OrdersDataModule,
      providers: databaseProviders(OrdersDb, () => createOrdersDb(options)),
      exports: databaseExports(OrdersDb),
    };
  }
}
