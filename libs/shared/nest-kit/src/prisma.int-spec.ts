/**
 * Raw SQL on a service's pool (`PgSql`): the interface of a Prisma client's raw methods and
 * transactions, against the real PostgreSQL; and `serviceDatabase`, whose Prisma client shares that pool.
 */
import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTestDatabase, type TestDatabase } from '@linli/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { initTelemetry, type Telemetry } from './telemetry.js';
import { databasePool, serviceDatabase } from './prisma.js';
import { PgSql, fixtureMigrations, sleep } from '../test-fixtures/support.js';

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
let db: TestDatabase;
let sql: PgSql;

beforeAll(async () => {
  telemetry = initTelemetry({ serviceName: 'nest-kit-test', exporter });
  db = await createTestDatabase('nest-kit', fixtureMigrations);
  sql = new PgSql(db.url);
});

afterAll(async () => {
  await sql?.end();
  await db?.drop();
  await telemetry?.shutdown();
});

const note = (body: string) => sql.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), body);
const notes = (body: string) => sql.count('notes', 'body = $1', body);

describe('PgSql', () => {
  it('answers rows as pg parses them and statements with the rows they touched', async () => {
    const body = `rows-${randomUUID()}`;
    expect(await note(body)).toBe(1);
    const [row] = await sql.$queryRawUnsafe<{ body: string; created_at: Date; doc: { n: number }; ids: string[] }[]>(
      `SELECT body, created_at, json_build_object('n', 1) AS doc, ARRAY[$2::uuid]::text[] AS ids FROM notes WHERE body = $1`,
      body,
      '3f1c2a9e-5b7d-4c1e-9a2b-1c2d3e4f5a6b',
    );
    expect(row).toEqual({ body, created_at: expect.any(Date), doc: { n: 1 }, ids: ['3f1c2a9e-5b7d-4c1e-9a2b-1c2d3e4f5a6b'] });
    expect(await sql.$executeRawUnsafe('UPDATE notes SET body = body WHERE body = $1', `none-${randomUUID()}`)).toBe(0);
  });

  it('commits a transaction whose work resolves and rolls back one whose work throws', async () => {
    const body = `tx-${randomUUID()}`;
    expect(await sql.$transaction(async (tx) => (await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), body)) + 1)).toBe(2);
    await expect(
      sql.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), body);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // A failed statement also rolls back, and the connection goes back to the pool usable.
    await expect(
      sql.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), body);
        await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, NULL)', randomUUID());
      }),
    ).rejects.toThrow(/null value/);
    expect(await notes(body)).toBe(1);
    expect(sql.pool.idleCount + sql.pool.waitingCount).toBeGreaterThan(0);
  });

  it('rolls back a transaction past its timeout, closes its connection and refuses its later statements', async () => {
    const body = `expired-${randomUUID()}`;
    let later: Promise<unknown> | undefined;
    const backends = async () => (await sql.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'"))[0]!.n;
    await expect(
      sql.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), body);
          await sleep(400);
          later = tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), body);
        },
        { timeout: 150 },
      ),
    ).rejects.toThrow('transaction expired after 150 ms');
    await sleep(500);
    await expect(later).rejects.toThrow('transaction expired');
    expect(await notes(body)).toBe(0);
    expect(await backends()).toBe(0);
  });

  it('traces each statement as a client span of the database', async () => {
    exporter.reset();
    await sql.$transaction((tx) => tx.$queryRawUnsafe('SELECT 1'));
    await sql.$queryRawUnsafe('SELECT 2');
    const spans = exporter.getFinishedSpans().map((span) => [span.name, span.attributes['db.namespace'], span.attributes['db.operation.name']]);
    expect(spans).toEqual([
      ['postgresql $queryRawUnsafe', 'nest-kit-test', '$queryRawUnsafe'],
      ['postgresql $queryRawUnsafe', 'nest-kit-test', '$queryRawUnsafe'],
    ]);
  });
});

describe('serviceDatabase', () => {
  it('gives the Prisma client and the raw SQL one pool, which disconnecting the client ends', async () => {
    let adapter: PrismaPg | undefined;
    const database = serviceDatabase({ url: db.url, poolSize: 3 }, (made) => {
      adapter = made;
      // A stand-in for a generated client: what `withQueryTracing` needs, and a way to disconnect.
      return { $extends: () => ({ $disconnect: async () => (await made.connect()).dispose() }) };
    });
    expect(adapter).toBeInstanceOf(PrismaPg);
    expect(database.sql.pool.options.max).toBe(3);
    expect(await database.sql.$queryRawUnsafe<{ one: number }[]>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await (database.client as unknown as { $disconnect(): Promise<void> }).$disconnect();
    expect(database.sql.pool.ended).toBe(true);
  });
});

describe('databasePool', () => {
  it('runs the queries sent at once on one connection in turn, in order, never queueing them inside pg (deprecated there)', async () => {
    const pool = databasePool({ url: db.url, poolSize: 1 });
    try {
      const client = await pool.connect();
      // pg warns "Calling client.query() when the client is already executing a query is deprecated"
      // whenever its own queue is not empty as a query arrives.
      const pgQueue = () => (client as unknown as { _queryQueue: unknown[] })._queryQueue.length;
      try {
        await client.query('BEGIN');
        const order: number[] = [];
        const pending = [3, 1, 2].map((n) => client.query('SELECT $1::int AS n, pg_sleep($2::float8 / 100)', [n, n]).then((r) => (order.push(n), r.rows[0].n as number)));
        expect(pgQueue()).toBe(0);
        expect(await Promise.all(pending)).toEqual([3, 1, 2]);
        expect(order).toEqual([3, 1, 2]);
        // A failed query fails alone; the next one still runs (here: refused inside the aborted transaction).
        const failed = await Promise.allSettled([client.query('SELECT 1 / 0'), client.query('SELECT 1 AS one')]);
        expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
        await client.query('ROLLBACK');
        expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        client.release();
      }
      expect((await pool.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await pool.end();
    }
  });
});
