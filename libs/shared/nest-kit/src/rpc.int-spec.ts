/**
 * RpcServer and RpcClient against the machine's NATS: handler discovery, the error envelope for
 * every kind of failure, and W3C trace context carried across the request.
 */
import { Injectable, Logger, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ErrorEnvelopeSchema, LinliError, RpcReplySchema, defineBatchRpc, defineRpc, health } from '@linli/contracts';
import { connectTestNats, createTestDatabase, deleteTestStreams, errorOf, natsTestUrl, testSubjectPrefix, type TestDatabase } from '@linli/testing';
import { LinliKitModule } from './kit.module.js';
import { RpcClient, RpcServer, bind, rpcBindings } from './rpc.js';
import { Subjects } from './subjects.js';
import { initTelemetry, type Telemetry } from './telemetry.js';
import { PgSql, fixtureMigrations } from '../test-fixtures/support.js';

const echo = defineRpc(
  'rpc.kit-test.echo.v1',
  z.object({ text: z.string().min(1).max(20), times: z.number().int().min(1).default(1) }).strict(),
  z.object({ echoed: z.string(), traceId: z.string() }),
);
const fail = defineRpc(
  'rpc.kit-test.fail.v1',
  z.object({ mode: z.enum(['linli', 'plain', 'bad-response']) }).strict(),
  z.object({ ok: z.boolean() }),
);
const echoBatch = defineBatchRpc(echo, 4);
const failBatch = defineBatchRpc(fail, 8);
const slow = defineRpc('rpc.kit-test.slow.v1', z.object({ ms: z.number().int() }).strict(), z.object({ slept: z.number() }));
const note = defineRpc('rpc.kit-test.note.v1', z.object({ body: z.string().min(1) }).strict(), z.object({ id: z.string().uuid() }));
const nobody = defineRpc('rpc.kit-test.nobody.v1', z.object({}).strict(), z.object({}));

const SECRET = 'password=hunter2 at line 42';

/** A provider the bindings below are given, as a service's would be. */
@Injectable()
class NoteStore {
  static sql: PgSql;

  async add(body: string): Promise<string> {
    const id = randomUUID();
    await NoteStore.sql.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', id, body);
    return id;
  }
}

let slowStarted = 0;

const KitTestHandlers = rpcBindings('kit-test', [NoteStore], (notes) => [
  bind(echo, (request, ctx) => ({ echoed: request.text.repeat(request.times), traceId: ctx.traceId })),
  bind(fail, (request) => {
    if (request.mode === 'linli') throw new LinliError('ORDERS.STOCK_EXHAUSTED', 'sold out', { skuId: 'sku-1', remaining: 0 });
    if (request.mode === 'plain') throw new Error(SECRET);
    return { ok: 'yes' };
  }),
  bind(slow, async (request) => {
    slowStarted += 1;
    await new Promise((resolve) => setTimeout(resolve, request.ms));
    return { slept: request.ms };
  }),
  bind(note, async (request) => ({ id: await notes.add(request.body) })),
]);

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
let db: TestDatabase;
let sql: PgSql;
let app: INestApplicationContext;
let nc: NatsConnection;
let prefix: string;
let rpc: RpcClient;
const encoder = new TextEncoder();

/** Sends raw bytes (bypassing the client's own validation) and returns the parsed reply. */
async function rawRequest(subject: string, body: string) {
  const msg = await nc.request(new Subjects(prefix).of(subject), encoder.encode(body), { timeout: 5_000 });
  return RpcReplySchema.parse(msg.json());
}

beforeAll(async () => {
  telemetry = initTelemetry({ serviceName: 'nest-kit-test', exporter });
  db = await createTestDatabase('nest-kit', fixtureMigrations);
  sql = new PgSql(db.url);
  NoteStore.sql = sql;
  prefix = testSubjectPrefix();
  const moduleRef = await Test.createTestingModule({
    imports: [LinliKitModule.forRoot({ service: 'orders', natsUrl: natsTestUrl(), rpcTimeoutMs: 5_000, rpcMaxInFlight: 2, healthPort: 0, subjectPrefix: prefix })],
    providers: [NoteStore, KitTestHandlers],
  }).compile();
  moduleRef.useLogger(false);
  app = await moduleRef.init();
  rpc = app.get(RpcClient);
  nc = await connectTestNats('nest-kit-rpc-test');
});

afterAll(async () => {
  await app?.close();
  if (nc) {
    await deleteTestStreams(nc, prefix);
    await nc.close();
  }
  await sql?.end();
  await db?.drop();
  await telemetry?.shutdown();
});

beforeEach(() => exporter.reset());

describe('RpcServer and RpcClient', () => {
  it('serves every rpcBindings table, with its injected providers, next to the health subject', async () => {
    await expect(rpc.request(echo, { text: 'hi', times: 2 })).resolves.toMatchObject({ echoed: 'hihi' });
    const { id } = await rpc.request(note, { body: 'written by a discovered handler' });
    expect(await sql.count('notes', 'id = $1::uuid', id)).toBe(1);
    await expect(rpc.request(health.orders, {})).resolves.toMatchObject({ service: 'orders', status: 'up', checks: { nats: 'up' } });
  });

  it('answers an invalid request with COMMON.VALIDATION_FAILED naming each bad field', async () => {
    const reply = await rawRequest(echo.subject, JSON.stringify({ text: '', times: 0, extra: true }));
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('COMMON.VALIDATION_FAILED');
    expect(reply.error.traceId).toMatch(/^[0-9a-f]{32}$/);
    const fields = (reply.error.details as { fields: { path: string; message: string }[] }).fields;
    expect(fields.map((f) => f.path).sort()).toEqual(['(root)', 'text', 'times']);
    for (const field of fields) expect(field.message).toEqual(expect.any(String));
  });

  it('answers a body that is not JSON with COMMON.MALFORMED_JSON', async () => {
    const reply = await rawRequest(echo.subject, '{"text": ');
    expect(reply).toMatchObject({ ok: false, error: { code: 'COMMON.MALFORMED_JSON' } });
  });

  it('carries a LinliError code, message and details back to the caller', async () => {
    const error = await errorOf(rpc.request(fail, { mode: 'linli' }));
    expect(error.code).toBe('ORDERS.STOCK_EXHAUSTED');
    expect(error.message).toBe('sold out');
    expect(error.details).toEqual({ skuId: 'sku-1', remaining: 0 });
    expect(error.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('turns an unknown error into COMMON.INTERNAL with an error id that is logged, never the message or stack', async () => {
    const logged: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(String(message)));
    try {
      const reply = await rawRequest(fail.subject, JSON.stringify({ mode: 'plain' }));
      expect(reply.ok).toBe(false);
      if (reply.ok) return;
      expect(ErrorEnvelopeSchema.parse(reply.error).code).toBe('COMMON.INTERNAL');
      const errorId = (reply.error.details as { errorId: string }).errorId;
      expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(reply.error.message).toContain(errorId);
      const wire = JSON.stringify(reply);
      expect(wire).not.toContain('hunter2');
      expect(wire).not.toMatch(/\bat .*\.(ts|js):\d+/);
      // The operator finds the whole story in the log under the same id.
      expect(logged.some((line) => line.includes(errorId) && line.includes(SECRET) && line.includes('rpc.int-spec'))).toBe(true);

      const thrown = await errorOf(rpc.request(fail, { mode: 'plain' }));
      expect(thrown.code).toBe('COMMON.INTERNAL');
      expect(thrown.message).not.toContain('hunter2');
    } finally {
      spy.mockRestore();
    }
  });

  it('treats a handler answering outside its response schema as its own fault (COMMON.INTERNAL), not the caller’s', async () => {
    const error = await errorOf(rpc.request(fail, { mode: 'bad-response' }));
    expect(error.code).toBe('COMMON.INTERNAL');
  });

  it('reports COMMON.UNAVAILABLE when no service answers the subject', async () => {
    const started = Date.now();
    const error = await errorOf(rpc.request(nobody, {}));
    expect(error.code).toBe('COMMON.UNAVAILABLE');
    expect(error.message).toContain(nobody.subject);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports COMMON.TIMEOUT when the answer does not come in time', async () => {
    const started = Date.now();
    const error = await errorOf(rpc.request(slow, { ms: 1_000 }, { timeoutMs: 200 }));
    expect(error.code).toBe('COMMON.TIMEOUT');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('queues requests beyond its limit in arrival order and drops those whose caller gave up before any work', async () => {
    const server = app.get(RpcServer);
    const expiredBefore = server.expired;
    const startedBefore = slowStarted;
    // Both slots (rpcMaxInFlight: 2) busy for 600 ms.
    const busy = [rpc.request(slow, { ms: 600 }), rpc.request(slow, { ms: 600 })];
    await new Promise((resolve) => setTimeout(resolve, 50));
    // These callers stop waiting after 150 ms, long before a slot frees up; this one waits long enough.
    const impatient = [1, 2, 3].map(() => errorOf(rpc.request(slow, { ms: 1 }, { timeoutMs: 150 })));
    const patient = rpc.request(slow, { ms: 1 }, { timeoutMs: 5_000 });
    // Health is not queued behind them: a busy service still answers whether it is alive.
    const asked = Date.now();
    await expect(rpc.request(health.orders, {})).resolves.toMatchObject({ service: 'orders' });
    expect(Date.now() - asked).toBeLessThan(400);
    expect((await Promise.all(impatient)).map((error) => error.code)).toEqual(['COMMON.TIMEOUT', 'COMMON.TIMEOUT', 'COMMON.TIMEOUT']);
    expect(await Promise.all(busy)).toEqual([{ slept: 600 }, { slept: 600 }]);
    expect(await patient).toEqual({ slept: 1 });
    // The three expired requests never reached the handler: only the two busy ones and the patient one did.
    expect(slowStarted - startedBefore).toBe(3);
    expect(server.expired - expiredBefore).toBe(3);
  });

  it('carries the trace context: the server span is a child of the client span in the same trace', async () => {
    const reply = await rpc.request(echo, { text: 'trace' });
    const spans = exporter.getFinishedSpans();
    const client = spans.find((span) => span.name === `nats request ${echo.subject}`);
    const server = spans.find((span) => span.name === `nats handle ${echo.subject}`);
    expect(client?.kind).toBe(SpanKind.CLIENT);
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server!.spanContext().traceId).toBe(client!.spanContext().traceId);
    expect(server!.parentSpanContext?.spanId).toBe(client!.spanContext().spanId);
    // The handler sees the same trace id, and so does an error envelope.
    expect(reply.traceId).toBe(client!.spanContext().traceId);
    exporter.reset();
    const error = await errorOf(rpc.request(fail, { mode: 'linli' }));
    const failedClient = exporter.getFinishedSpans().find((span) => span.name === `nats request ${fail.subject}`);
    expect(error.traceId).toBe(failedClient!.spanContext().traceId);
  });
  it('sends requests of one turn of the event loop as one batch, each answered as if alone; a lone request goes as it is', async () => {
    expect(echoBatch.subject).toBe('rpc.kit-test.echo.batch.v1');
    const subjects = new Subjects(prefix);
    const seen: string[] = [];
    const listen = (subject: string) => {
      const sub = nc.subscribe(subjects.of(subject), { callback: (_e, msg) => seen.push(`${subject} ${(msg.json() as { items?: unknown[] }).items?.length ?? 1}`) });
      return sub;
    };
    const subs = [listen(echo.subject), listen(echoBatch.subject)];
    await nc.flush();

    const texts = ['a', 'b', '', 'd', 'e', 'f'];
    const settled = await Promise.allSettled(texts.map((text) => rpc.requestBatched(echo, { text })));
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value.echoed : (r.reason as LinliError).code))).toEqual(['a', 'b', 'COMMON.VALIDATION_FAILED', 'd', 'e', 'f']);
    await expect(rpc.requestBatched(echo, { text: 'alone', times: 2 })).resolves.toMatchObject({ echoed: 'alonealone' });
    await nc.flush();
    expect(seen.sort()).toEqual([`${echo.subject} 1`, `${echoBatch.subject} 2`, `${echoBatch.subject} 4`].sort());
    for (const sub of subs) sub.unsubscribe();
  });

  it('carries each batch item its own error: codes and details of a LinliError, COMMON.INTERNAL for the unknown', async () => {
    expect(failBatch.maxItems).toBe(8);
    const [linli, plain, fine] = await Promise.allSettled([
      rpc.requestBatched(fail, { mode: 'linli' }),
      rpc.requestBatched(fail, { mode: 'plain' }),
      rpc.requestBatched(echo, { text: 'ok' }),
    ]);
    expect(linli.status === 'rejected' && linli.reason).toMatchObject({ code: 'ORDERS.STOCK_EXHAUSTED', details: { skuId: 'sku-1', remaining: 0 } });
    expect(plain.status === 'rejected' && plain.reason).toMatchObject({ code: 'COMMON.INTERNAL' });
    expect(String(plain.status === 'rejected' && (plain.reason as Error).message)).not.toContain('hunter2');
    expect(fine).toMatchObject({ status: 'fulfilled', value: { echoed: 'ok' } });
  });

  it('refuses a batch over its size or with no items as a whole', async () => {
    const tooMany = await rawRequest(echoBatch.subject, JSON.stringify({ items: Array.from({ length: 5 }, () => ({ text: 'x' })) }));
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'COMMON.VALIDATION_FAILED' } });
    const none = await rawRequest(echoBatch.subject, JSON.stringify({ items: [] }));
    expect(none).toMatchObject({ ok: false, error: { code: 'COMMON.VALIDATION_FAILED' } });
  });
  it('asks an idempotent request once more when it got no answer, and passes a real answer through', async () => {
    const before = slowStarted;
    await expect(rpc.requestIdempotent(slow, { ms: 400 }, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'COMMON.TIMEOUT' });
    expect(slowStarted - before).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 450)); // let both finish before the next test
    await expect(rpc.requestIdempotent(fail, { mode: 'linli' })).rejects.toMatchObject({ code: 'ORDERS.STOCK_EXHAUSTED' });
    await expect(rpc.requestIdempotent(echo, { text: 'once' })).resolves.toMatchObject({ echoed: 'once' });
  });
});
