import type { Prisma } from './generated/prisma/client.js';
import type { OrdersDb } from './orders-data.module.js';

/** An interactive transaction of the orders client. */
export type OrdersTx = Prisma.TransactionClient;
/** What a repository method runs on: the client itself or a transaction of it. */
export type OrdersClient = OrdersTx | OrdersDb;

/** JSON columns arrive parsed or as text depending on the driver path. */
export const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/**
 * A merge in a per-user copy (`table`, keyed by `user_id`): the surviving account keeps its own row, or
 * takes the merged account's when it has none; the merged account's row goes. `columns` are copied.
 */
export async function keepSurvivorRow(tx: { $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number> }, table: 'resident_profiles' | 'resident_bindings', columns: readonly string[], sourceUserId: string, targetUserId: string): Promise<void> {
  const list = columns.join(', ');
  await tx.$executeRawUnsafe(
    `INSERT INTO ${table} (user_id, ${list}, updated_at) SELECT $2::uuid, ${list}, now() FROM ${table} WHERE user_id = $1::uuid ON CONFLICT (user_id) DO NOTHING`,
    sourceUserId,
    targetUserId,
  );
  await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE user_id = $1::uuid`, sourceUserId);
}
