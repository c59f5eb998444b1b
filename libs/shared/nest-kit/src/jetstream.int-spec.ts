/**
 * EventConsumers against real JetStream and PostgreSQL: idempotent handling by event id, retries
 * with backoff, the dead-letter stream for messages that keep failing or cannot be read, and
 * RetryLater.
 */
import { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { identity, type EventEnvelope } from '@linli/contracts';
import { connectTestNats, createTestDatabase, deleteTestStreams, testSubjectPrefix, waitUntil, type TestDatabase } from '@linli/testing';
import { EventConsumers, RetryLater, ensureStreams, type ConsumerSpec, type ReceivedEvent } from './jetstream.js';
import { DEAD_LETTER_DOMAIN, Subjects } from './subjects.js';
import { PgSql, fixtureMigrations, sleep, type PgTx } from '../test-fixtures/support.js';

const USER = '3f1c2a9e-5b7d-4c1e-9a2b-1c2d3e4f5a6b';

let db: TestDatabase;
let sql: PgSql;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const prefixes: string[] = [];
const running: EventConsumers<PgTx>[] = [];

interface Setup {
  subjects: Subjects;
  consumers: EventConsumers<PgTx>;
  calls: ReceivedEvent[];
  publish(envelope: Partial<EventEnvelope> & { data: unknown }, msgID?: string): Promise<string>;
}

/** Streams and consumers of their own for each test (a fresh subject prefix). */
async function setup(): Promise<Setup> {
  const prefix = testSubjectPrefix();
  prefixes.push(prefix);
  const subjects = new Subjects(prefix);
  await ensureStreams(nc, subjects);
  const consumers = new EventConsumers<PgTx>(nc, sql, subjects);
  running.push(consumers);
  return {
    subjects,
    consumers,
    calls: [],
    async publish(envelope, msgID) {
      const id = envelope.id ?? randomUUID();
      const full = { id, subject: identity.userErased.subject, occurredAt: new Date().toISOString(), source: 'identity', ...envelope };
      await js.publish(subjects.of(full.subject), JSON.stringify(full), msgID ? { msgID } : undefined);
      return id;
    },
  };
}

function spec(s: Setup, handle: ConsumerSpec<PgTx>['handle'], extra: Partial<ConsumerSpec<PgTx>> = {}): ConsumerSpec<PgTx> {
  return {
    durable: `kit-test-${randomUUID().slice(0, 8)}`,
    domain: 'identity',
    contracts: [identity.userErased],
    handle: async (event, tx) => {
      s.calls.push(event);
      await handle(event, tx);
    },
    backoffMs: 50,
    ...extra,
  };
}

const erasedData = () => ({ userId: USER, erasedAt: new Date().toISOString() });

async function consumerIdle(s: Setup, durable: string, delivered: number): Promise<void> {
  await waitUntil(
    async () => {
      const info = await jsm.consumers.info(s.subjects.stream('identity'), durable);
      return info.delivered.stream_seq >= delivered && info.num_ack_pending === 0 && info.num_pending === 0;
    },
    10_000,
    `consumer ${durable} to settle`,
  );
}

async function deadLetters(s: Setup, durable: string) {
  const stream = s.subjects.stream(DEAD_LETTER_DOMAIN);
  const count = (await jsm.streams.info(stream)).state.messages;
  if (count === 0) return [];
  const msg = await jsm.streams.getMessage(stream, { last_by_subj: s.subjects.of(`${DEAD_LETTER_DOMAIN}.${durable}`) });
  return msg ? [msg] : [];
}

beforeAll(async () => {
  db = await createTestDatabase('nest-kit', fixtureMigrations);
  sql = new PgSql(db.url);
  nc = await connectTestNats('nest-kit-consumers-test');
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  for (const level of ['warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
});

afterEach(async () => {
  for (const consumers of running.splice(0)) await consumers.stop();
});

afterAll(async () => {
  jest.restoreAllMocks();
  if (nc) {
    for (const prefix of prefixes) await deleteTestStreams(nc, prefix);
    await nc.close();
  }
  await sql?.end();
  await db?.drop();
});

describe('EventConsumers', () => {
  it('runs the handler once per event id, in the transaction that records the id', async () => {
    const s = await setup();
    const consumer = spec(s, async (event, tx) => {
      await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), `handled ${event.id}`);
    });
    await s.consumers.start(consumer);
    const id = randomUUID();
    const data = erasedData();
    // The same event arrives twice (e.g. published again after the stream's duplicate window).
    await s.publish({ id, data }, `${id}-first`);
    await s.publish({ id, data }, `${id}-second`);
    await consumerIdle(s, consumer.durable, 2);

    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]).toMatchObject({ id, subject: identity.userErased.subject, source: 'identity', data, deliveryCount: 1 });
    expect(await sql.count('notes', 'body = $1', `handled ${id}`)).toBe(1);
    expect(await sql.count('processed_events', 'consumer = $1 AND event_id = $2::uuid', consumer.durable, id)).toBe(1);
  });

  it('retries a failing handler with growing delays, then succeeds', async () => {
    const s = await setup();
    const at: number[] = [];
    const consumer = spec(s, async (event, tx) => {
      at.push(Date.now());
      await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), `attempt ${event.deliveryCount}`);
      if (event.deliveryCount < 3) throw new Error(`flaky ${event.deliveryCount}`);
    });
    await s.consumers.start(consumer);
    const id = await s.publish({ data: erasedData() });
    await waitUntil(() => s.calls.length >= 3, 10_000, 'three attempts');
    await consumerIdle(s, consumer.durable, 1);

    expect(s.calls.map((call) => call.deliveryCount)).toEqual([1, 2, 3]);
    // backoffMs 50: about 50 ms, then about 100 ms.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(40);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(90);
    // Failed attempts rolled back their writes and did not mark the event as processed.
    expect(await sql.count('notes', "body LIKE 'attempt %'")).toBe(1);
    expect(await sql.count('notes', 'body = $1', 'attempt 3')).toBe(1);
    expect(await sql.count('processed_events', 'event_id = $1::uuid', id)).toBe(1);
    expect(await deadLetters(s, consumer.durable)).toHaveLength(0);
  });

  it('parks a message that keeps failing in the dead-letter stream with the reason, after maxDeliveries', async () => {
    const s = await setup();
    const consumer = spec(
      s,
      async () => {
        throw new Error('the warehouse is on fire');
      },
      { maxDeliveries: 3, backoffMs: 20 },
    );
    await s.consumers.start(consumer);
    const id = await s.publish({ data: erasedData() });
    await waitUntil(async () => (await deadLetters(s, consumer.durable)).length === 1, 10_000, 'the dead letter');

    const [parked] = await deadLetters(s, consumer.durable);
    expect(parked!.json<EventEnvelope>().id).toBe(id);
    expect(parked!.header.get('Linli-Reason')).toBe('failed 3 times: the warehouse is on fire');
    expect(parked!.header.get('Linli-Original-Subject')).toBe(s.subjects.of(identity.userErased.subject));
    expect(parked!.header.get('Linli-Consumer')).toBe(consumer.durable);
    expect(parked!.header.get('Linli-Deliveries')).toBe('3');
    // Terminated: it is not delivered again.
    await sleep(300);
    expect(s.calls).toHaveLength(3);
    expect(await sql.count('processed_events', 'event_id = $1::uuid', id)).toBe(0);
  });

  it('sends an event it cannot read straight to the dead-letter stream, without calling the handler', async () => {
    const s = await setup();
    const consumer = spec(s, async () => undefined, { maxDeliveries: 5 });
    await s.consumers.start(consumer);
    await s.publish({ data: { userId: 'not-a-uuid' } });
    await waitUntil(async () => (await deadLetters(s, consumer.durable)).length === 1, 10_000, 'the dead letter');

    const [parked] = await deadLetters(s, consumer.durable);
    expect(parked!.header.get('Linli-Reason')).toMatch(/^invalid event: /);
    expect(parked!.header.get('Linli-Deliveries')).toBe('1');
    expect(s.calls).toHaveLength(0);

    // Not an envelope at all.
    const other = await setup();
    const second = spec(other, async () => undefined);
    await other.consumers.start(second);
    await js.publish(other.subjects.of(identity.userErased.subject), 'not json');
    await waitUntil(async () => (await deadLetters(other, second.durable)).length === 1, 10_000, 'the second dead letter');
    expect(other.calls).toHaveLength(0);
  });

  it('keeps consuming when the dead-letter stream cannot take a message, and parks it once it can', async () => {
    const s = await setup();
    await jsm.streams.delete(s.subjects.stream(DEAD_LETTER_DOMAIN));
    const consumer = spec(s, async () => undefined);
    await s.consumers.start(consumer);
    await s.publish({ data: { userId: 'not-a-uuid' } });
    await waitUntil(
      async () => (await jsm.consumers.info(s.subjects.stream('identity'), consumer.durable)).num_redelivered > 0,
      10_000,
      'a redelivery after the failed park',
    );
    await ensureStreams(nc, s.subjects);
    await waitUntil(async () => (await deadLetters(s, consumer.durable)).length === 1, 10_000, 'the dead letter');

    // The consumer is still alive for the next event.
    await s.publish({ data: erasedData() });
    await waitUntil(() => s.calls.length === 1, 10_000, 'the next event');
  });

  it('re-queues an event whose handler asks to RetryLater, without counting it as a failure', async () => {
    const s = await setup();
    const at: number[] = [];
    const consumer = spec(
      s,
      async (event) => {
        at.push(Date.now());
        if (event.deliveryCount < 3) throw new RetryLater('the user is not known here yet', 100);
      },
      { maxDeliveries: 1 },
    );
    await s.consumers.start(consumer);
    const id = await s.publish({ data: erasedData() });
    await waitUntil(() => s.calls.length >= 3, 10_000, 'the retried event');
    await consumerIdle(s, consumer.durable, 1);

    // maxDeliveries is 1, yet it was neither parked nor dropped: RetryLater is not a failure.
    expect(s.calls.map((call) => call.deliveryCount)).toEqual([1, 2, 3]);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(90);
    expect(await sql.count('processed_events', 'event_id = $1::uuid', id)).toBe(1);
    expect(await deadLetters(s, consumer.durable)).toHaveLength(0);
  });

  it('acknowledges subjects of its domain it did not ask for, without calling the handler', async () => {
    const s = await setup();
    const consumer = spec(s, async () => undefined, { contracts: [identity.userErased, identity.roleGranted] });
    await s.consumers.start(consumer);
    await s.publish({ subject: identity.userRegistered.subject, data: {} });
    await s.publish({ data: erasedData() });
    await consumerIdle(s, consumer.durable, 2);
    expect(s.calls.map((call) => call.subject)).toEqual([identity.userErased.subject]);
    expect(await deadLetters(s, consumer.durable)).toHaveLength(0);
  });
  it('handles messages that arrived together in one transaction, each new event id once', async () => {
    const s = await setup();
    const ids = Array.from({ length: 20 }, () => randomUUID());
    // Published before the consumer starts, so they arrive in one pull; one of them twice.
    for (const id of ids) await s.publish({ id, data: erasedData() }, `${id}-a`);
    await s.publish({ id: ids[3], data: erasedData() }, `${ids[3]}-b`);
    const batches: number[] = [];
    const consumer = spec(s, async () => undefined, {
      batch: 50,
      handleMany: async (events, tx) => {
        batches.push(events.length);
        for (const event of events) await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), `batched ${event.id}`);
      },
    });
    await s.consumers.start(consumer);
    await consumerIdle(s, consumer.durable, 21);

    expect(batches.reduce((a, b) => a + b, 0)).toBe(20);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    for (const id of ids) expect(await sql.count('notes', 'body = $1', `batched ${id}`)).toBe(1);
    expect(await sql.count('processed_events', 'consumer = $1', consumer.durable)).toBe(20);
  });

  it('rolls a failing batch back and handles its messages one at a time: only the failing one is retried and parked', async () => {
    const s = await setup();
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const bad = ids[6]!;
    for (const id of ids) await s.publish({ id, data: erasedData() }, id);
    const batches: number[] = [];
    const consumer = spec(
      s,
      async (event, tx) => {
        await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), `single ${event.id}`);
        if (event.id === bad) throw new Error('this one always fails');
      },
      {
        batch: 50,
        maxDeliveries: 2,
        handleMany: async (events, tx) => {
          batches.push(events.length);
          for (const event of events) {
            await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), `batched ${event.id}`);
            if (event.id === bad) throw new Error('this one always fails');
          }
        },
      },
    );
    await s.consumers.start(consumer);
    await waitUntil(async () => (await deadLetters(s, consumer.durable)).length === 1, 10_000, 'the dead letter');
    await waitUntil(async () => (await sql.count('processed_events', 'consumer = $1', consumer.durable)) === 9, 10_000, 'the good events');

    expect(Math.max(...batches)).toBeGreaterThan(1);
    // Nothing of the rolled-back batch stayed; every good event was applied exactly once, alone.
    for (const id of ids) expect(await sql.count('notes', 'body = $1', `batched ${id}`)).toBe(0);
    for (const id of ids.filter((i) => i !== bad)) expect(await sql.count('notes', 'body = $1', `single ${id}`)).toBe(1);
    expect(await sql.count('notes', 'body = $1', `single ${bad}`)).toBe(0);
    expect(await sql.count('processed_events', 'consumer = $1', consumer.durable)).toBe(9);
    const [parked] = await deadLetters(s, consumer.durable);
    expect(JSON.parse(new TextDecoder().decode(parked!.data)).id).toBe(bad);
  });
});
