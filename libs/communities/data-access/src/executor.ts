import type { Prisma } from './generated/prisma/client.js';

/** What every repository method runs on: the service's client or an interactive transaction. */
export type Executor = Prisma.TransactionClient;

/** True for a unique violation (Prisma P2002, or PostgreSQL 23505 through raw SQL). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { code?: string }; cause?: { code?: string } } | null;
  return e?.code === 'P2002' || e?.code === '23505' || e?.meta?.code === '23505' || /unique constraint|duplicate key/i.test(String((error as Error | null)?.message ?? ''));
}

/** Serialises work on one key (a user, an event) across replicas until the transaction ends. */
export async function lockKey(tx: Executor, key: string): Promise<void> {
  await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', key);
}
