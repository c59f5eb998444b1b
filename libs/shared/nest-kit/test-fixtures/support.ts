/**
 * Fixtures for nest-kit's integration tests: the migrations folder (outbox tables plus a demo
 * `notes` table) and a small `TransactionalSql` over `pg` that behaves like the parts of a Prisma
 * client the outbox and consumers use, so these tests need no generated client.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { SqlExecutor, TransactionalSql } from '../src/sql.js';

export const fixtureMigrations = fileURLToPath(new URL('./migrations', import.meta.url));

/** One connection inside an open transaction (what Prisma hands to `$transaction` callbacks). */
export class PgTx implements SqlExecutor {
  constructor(private readonly client: pg.PoolClient) {}

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    const result = await this.client.query(query, values);
    return result.rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    const result = await this.client.query(query, values);
    return result.rows as T;
  }
}

/** `$executeRawUnsafe` → affected rows, `$queryRawUnsafe` → rows, `$transaction(fn)` → commit or roll back. */
export class PgSql implements TransactionalSql<PgTx> {
  readonly pool: pg.Pool;
  private readonly open = new Set<pg.Client>();

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 8 });
    this.pool.on('connect', (client) => {
      this.open.add(client);
      client.once('end', () => this.open.delete(client));
    });
  }

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    const result = await this.pool.query(query, values);
    return result.rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    const result = await this.pool.query(query, values);
    return result.rows as T;
  }

  async $transaction<R>(fn: (tx: PgTx) => Promise<R>, options: { timeout?: number } = {}): Promise<R> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (options.timeout) await client.query(`SET LOCAL statement_timeout = ${Math.floor(options.timeout)}`);
      try {
        const result = await fn(new PgTx(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    } finally {
      client.release();
    }
  }

  async count(table: string, where = 'true', ...values: unknown[]): Promise<number> {
    const rows = await this.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, ...values);
    return rows[0]!.n;
  }

  /**
   * Ends the pool and waits until every connection has closed. `pool.end()` alone resolves as soon as
   * the connections are out of the pool, while they may still be closing: a `DROP DATABASE … WITH
   * (FORCE)` right after would terminate them, and the pool would re-throw that as an unhandled error.
   */
  async end(): Promise<void> {
    const closing = [...this.open].map((client) => new Promise<void>((resolve) => client.once('end', () => resolve())));
    await this.pool.end();
    await Promise.all(closing);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise with its resolve function, to let a test wait for a handler to reach a point. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
