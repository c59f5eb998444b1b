import { PrismaPg } from '@prisma/adapter-pg';
import { SpanKind } from '@opentelemetry/api';
import pg from 'pg';
import type { SqlExecutor, TransactionalSql } from './sql.js';
import { inSpan } from './telemetry.js';

export interface PrismaConnectionOptions {
  url: string;
  poolSize?: number;
}

/**
 * A service's connection pool, shared by its Prisma client and its {@link PgSql}. Pooled connections
 * stay open when idle (`pg` closes them after 10 s by default): a fresh connection costs a backend
 * start and loses the plans PostgreSQL cached for our PL/pgSQL functions, and a pool that shrinks
 * between bursts pays that on every burst.
 */
export function databasePool(options: PrismaConnectionOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, idleTimeoutMillis: 0 });
  pool.on('connect', (client) => serializeQueries(client));
  return pool;
}

/**
 * Queues a connection's promise-style queries one after another ourselves. Prisma's engine-free
 * client sends the queries of one operation (a relation load, say) on a transaction's connection at
 * once; `pg` runs them in turn either way, but warns that queueing them inside the client is
 * deprecated (removed in pg 9). Callback-style and submittable queries (the pool's own `query`,
 * cursors) pass through unchanged.
 */
export function serializeQueries(client: pg.PoolClient | pg.Client): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let tail: Promise<unknown> = Promise.resolve();
  (client as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const first = args[0] as { submit?: unknown } | undefined;
    if (typeof args[args.length - 1] === 'function' || typeof first?.submit === 'function') return query(...args);
    const run = tail.then(() => query(...args));
    tail = run.catch(() => undefined);
    return run;
  };
}

/** The driver adapter of a service's Prisma client (engine-free client) over its pool; disconnecting the client ends the pool. */
export function prismaAdapter(pool: pg.Pool): PrismaPg {
  return new PrismaPg(pool, { disposeExternalPool: true });
}

/** A client span around one database call, named and described alike for Prisma and raw SQL on the pool. */
function querySpan<T>(dbName: string, operation: string, run: () => Promise<T>, model?: string): Promise<T> {
  return inSpan(
    `postgresql ${model ? `${model}.` : ''}${operation}`,
    { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.namespace': dbName, 'db.operation.name': operation } },
    run,
  );
}

/**
 * Adds a client span around every Prisma operation (model queries and raw SQL), so a trace shows
 * each database call under the NATS handler that made it.
 */
export function withQueryTracing<T extends object>(client: T, dbName: string): T {
  const extendable = client as unknown as { $extends(extension: unknown): unknown };
  return extendable.$extends({
    name: 'linli-tracing',
    query: {
      async $allOperations({ model, operation, args, query }: { model?: string; operation: string; args: unknown; query: (args: unknown) => Promise<unknown> }) {
        return querySpan(dbName, operation, () => query(args), model);
      },
    },
  }) as T;
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

function executor(target: Queryable, dbName: string): SqlExecutor {
  return {
    $queryRawUnsafe: <T>(query: string, ...values: unknown[]) => querySpan(dbName, '$queryRawUnsafe', async () => (await target.query(query, values)).rows as T),
    $executeRawUnsafe: (query: string, ...values: unknown[]) => querySpan(dbName, '$executeRawUnsafe', async () => (await target.query(query, values)).rowCount ?? 0),
  };
}

/**
 * Raw SQL straight on a service's pool (the one its Prisma client uses), with the same interface as
 * the client's raw methods and the same spans. For the few statements whose rate makes the client's
 * own work per call count: measured here at about 0.3 ms of CPU per raw call through the client,
 * against 0.06 ms on the pool. Rows come as `pg` parses them (json as objects, timestamps as Dates,
 * int8 and numeric as strings). Schema, migrations and every other query stay with Prisma.
 */
export class PgSql implements TransactionalSql {
  private readonly direct: SqlExecutor;

  constructor(
    readonly pool: pg.Pool,
    private readonly dbName: string,
  ) {
    this.direct = executor(pool, dbName);
  }

  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return this.direct.$queryRawUnsafe<T>(query, ...values) as Promise<T>;
  }

  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return this.direct.$executeRawUnsafe(query, ...values) as Promise<number>;
  }

  /**
   * Runs `work` in a transaction on one connection: committed when it resolves, rolled back when it
   * throws. Past `timeout` (default 5 s, as Prisma's) the call rejects and the connection is closed
   * rather than returned to the pool, so PostgreSQL rolls the transaction back; statements the work
   * issues afterwards reject too.
   */
  async $transaction<R>(work: (tx: SqlExecutor) => Promise<R>, options: { timeout?: number } = {}): Promise<R> {
    const timeoutMs = options.timeout ?? 5_000;
    const client = await this.pool.connect();
    let expired = false;
    let settled = false;
    const guarded: Queryable = {
      query: ((text: string, values?: unknown[]) => {
        if (expired) return Promise.reject(new Error(`transaction expired after ${timeoutMs} ms`));
        return client.query(text, values);
      }) as pg.PoolClient['query'],
    };
    const tx = executor(guarded, this.dbName);
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(new Error(`transaction expired after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      await client.query('BEGIN');
      const running = work(tx);
      running.catch(() => undefined); // once expired, its rejection is no longer anyone's answer
      const result = await Promise.race([running, expiry]);
      await client.query('COMMIT');
      settled = true;
      return result;
    } catch (error) {
      if (!expired) {
        try {
          await client.query('ROLLBACK');
          settled = true;
        } catch {
          // the connection is unusable: released below as broken
        }
      }
      throw error;
    } finally {
      clearTimeout(timer);
      // A connection whose transaction expired (or whose rollback failed) may still run a statement
      // or hold the transaction open: close it rather than hand it to the next caller.
      client.release(settled ? undefined : new Error('transaction did not finish'));
    }
  }
}

/** A service's database: its Prisma client (with query tracing) and raw SQL on the same pool. */
export interface ServiceDatabase<C> {
  client: C;
  sql: PgSql;
}

/** Builds a service's {@link ServiceDatabase}; `makeClient` constructs its generated Prisma client on the adapter. */
export function serviceDatabase<C extends object>(options: PrismaConnectionOptions, makeClient: (adapter: PrismaPg) => C): ServiceDatabase<C> {
  const pool = databasePool(options);
  const name = databaseName(options.url);
  return { client: withQueryTracing(makeClient(prismaAdapter(pool)), name), sql: new PgSql(pool, name) };
}

/** Database name from a postgres URL (for span attributes and logs). */
export function databaseName(url: string): string {
  try {
    return new URL(url).pathname.replace(/^\//, '') || 'postgres';
  } catch {
    return 'unknown';
  }
}
