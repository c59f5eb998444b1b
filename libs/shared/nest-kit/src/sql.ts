/**
 * The part of a Prisma client (or interactive transaction client) that the outbox and consumers
 * use. Kept structural so nest-kit does not depend on any service's generated client.
 */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

export interface TransactionalSql<Tx extends SqlExecutor = SqlExecutor> extends SqlExecutor {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { timeout?: number; maxWait?: number; isolationLevel?: never }): Promise<R>;
}

/**
 * The kernel's tables in every service database: the transactional outbox and the consumers'
 * processed-event ids. One source: `migrate()` applies it to every service database after the
 * service's own migrations (idempotently — the older services' migrations created the same tables,
 * which stay as history), and the services' Prisma schemas mirror it. A change here is written so
 * that it also upgrades an existing table (`ALTER TABLE … ADD COLUMN IF NOT EXISTS`, `CREATE INDEX
 * IF NOT EXISTS`, `DROP INDEX IF EXISTS`), since it runs over databases of every age.
 */
export const OUTBOX_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS "outbox_events" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "trace_context" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "seq" BIGSERIAL NOT NULL,
    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "outbox_events_unpublished_seq_idx" ON "outbox_events" ("seq") WHERE "published_at" IS NULL;
CREATE TABLE IF NOT EXISTS "processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer", "event_id")
);`;
