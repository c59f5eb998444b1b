/**
 * Fixtures for nest-kit's integration tests: the migrations folder (outbox tables plus a demo
 * `notes` table) and the services' raw SQL over `pg` (`PgSql`, which has the interface of the parts
 * of a Prisma client the outbox and consumers use), so these tests need no generated client.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PgSql as PoolSql } from '../src/prisma.js';
import type { SqlExecutor } from '../src/sql.js';

export const fixtureMigrations = fileURLToPath(new URL('./migrations', import.meta.url));

/** What `$transaction` callbacks get: statements on the transaction's one connection. */
export type PgTx = SqlExecutor;

/** The services' own {@link PoolSql} on a pool of its own, with a row count helper and a clean `end()`. */
export class PgSql extends PoolSql {
  private readonly open = new Set<pg.Client>();

  constructor(url: string) {
    super(new pg.Pool({ connectionString: url, max: 8 }), 'nest-kit-test');
    this.pool.on('connect', (client) => {
      this.open.add(client);
      client.once('end', () => this.open.delete(client));
    });
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
