/**
 * Graceful shutdown: once `app.close()` starts, the service takes no new requests (queue-group
 * peers would), while the request it is working on finishes, writes and answers.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LinliError, defineRpc } from '@linli/contracts';
import { connectTestNats, createTestDatabase, deleteTestStreams, natsTestUrl, testSubjectPrefix, type TestDatabase } from '@linli/testing';
import { LinliKitModule } from './kit.module.js';
import { RpcClient, bind, rpcBindings } from './rpc.js';
import { Subjects } from './subjects.js';
import { PgSql, deferred, fixtureMigrations, sleep } from '../test-fixtures/support.js';

const slowNote = defineRpc(
  'rpc.kit-test.slow-note.v1',
  z.object({ body: z.string(), ms: z.number().int() }).strict(),
  z.object({ id: z.string().uuid() }),
);

const started = deferred();
let calls = 0;

let notesSql: PgSql;

const SlowHandlers = rpcBindings('kit-test-slow', [], () => [
  bind(slowNote, async (request) => {
    calls += 1;
    started.resolve();
    await sleep(request.ms);
    const id = randomUUID();
    await notesSql.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', id, request.body);
    return { id };
  }),
]);

let db: TestDatabase;
let sql: PgSql;
let app: INestApplicationContext | undefined;
let nc: NatsConnection;
let prefix: string;

beforeAll(async () => {
  db = await createTestDatabase('nest-kit', fixtureMigrations);
  sql = new PgSql(db.url);
  notesSql = sql;
  prefix = testSubjectPrefix();
  const moduleRef = await Test.createTestingModule({
    imports: [LinliKitModule.forRoot({ service: 'orders', natsUrl: natsTestUrl(), rpcTimeoutMs: 5_000, healthPort: 0, subjectPrefix: prefix })],
    providers: [SlowHandlers],
  }).compile();
  moduleRef.useLogger(false);
  app = await moduleRef.init();
  nc = await connectTestNats('nest-kit-shutdown-test');
});

afterAll(async () => {
  await app?.close();
  if (nc) {
    await deleteTestStreams(nc, prefix);
    await nc.close();
  }
  await sql?.end();
  await db?.drop();
});

describe('graceful shutdown', () => {
  it('finishes the request in flight after close() starts and takes no new ones', async () => {
    // The caller has its own connection, as another service would.
    const caller = new RpcClient(nc, new Subjects(prefix), 5_000);
    const inFlight = caller.request(slowNote, { body: 'in flight', ms: 1_000 });
    await started.promise;

    const closing = app!.close();
    let closed = false;
    void closing.then(() => (closed = true));
    await sleep(150);

    // A new request finds nobody: the subscription is gone while the slow one is still running.
    const late = await caller.request(slowNote, { body: 'too late', ms: 0 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(late).toBeInstanceOf(LinliError);
    expect((late as LinliError).code).toBe('COMMON.UNAVAILABLE');
    expect(calls).toBe(1);
    expect(closed).toBe(false);

    // The request in hand completes, commits and is answered before the app has closed.
    const { id } = await inFlight;
    expect(await sql.count('notes', 'id = $1::uuid AND body = $2', id, 'in flight')).toBe(1);
    await closing;
    app = undefined;
    expect(await sql.count('notes', 'body = $1', 'too late')).toBe(0);
  });
});
