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

/** DDL every service's first migration contains (the Prisma models mirror it). */
export const OUTBOX_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS outbox_events (
  id uuid PRIMARY KEY,
  subject text NOT NULL,
  payload jsonb NOT NULL,
  trace_context jsonb NOT NULL DEFAULT '{}',
  seq bigserial NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  published_at timestamptz(3),
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX IF NOT EXISTS outbox_events_unpublished_seq_idx ON outbox_events (seq) WHERE published_at IS NULL;
CREATE TABLE IF NOT EXISTS processed_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);`;
