import { Module, type DynamicModule } from '@nestjs/common';
import { databaseExports, databaseProviders, serviceDatabase, type ServiceDatabase } from '@linli/nest-kit';
import { PrismaClient } from './generated/prisma/client.js';

/** The orders service's Prisma client (with query tracing). Inject it by this class. */
export abstract class OrdersDb extends PrismaClient {}

export interface OrdersDataOptions {
  databaseUrl: string;
  poolSize?: number;
}

/** The service's Prisma client and raw SQL on the client's pool (see `serviceDatabase`). */
export function createOrdersDb(options: OrdersDataOptions): ServiceDatabase<OrdersDb> {
  return serviceDatabase({ url: options.databaseUrl, poolSize: options.poolSize }, (adapter) => new PrismaClient({ adapter }) as unknown as OrdersDb);
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
