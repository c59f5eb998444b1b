import type { Prisma } from './generated/prisma/client.js';
import type { OrdersDb } from './orders-data.module.js';

/** An interactive transaction of the orders client. */
export type OrdersTx = Prisma.TransactionClient;
/** What a repository method runs on: the client itself or a transaction of it. */
export type OrdersClient = OrdersTx | OrdersDb;

/** JSON columns arrive parsed or as text depending on the driver path. */
export const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));
