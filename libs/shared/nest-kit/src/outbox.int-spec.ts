/**
 * Transactional outbox against real PostgreSQL and JetStream: an event exists exactly when its
 * transaction commits, the relay publishes it with the event id as message id (so the stream
 * drops a second copy), and a failed publish is recorded and retried.
 */
import { Logger } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { EventEnvelopeSchema, identity } from '@linli/contracts';
import { connectTestNats, createTestDatabase, deleteTestStreams, testSubjectPrefix, waitUntil, type TestDatabase } from '@linli/testing';
import { ensureStreams } from './jetstream.js';
import { OUTBOX_CLAIM_SETTINGS_SQL, OUTBOX_CLAIM_SQL, OutboxRelay, enqueueEvent } from './outbox.js';
import { Subjects } from './subjects.js';
import { PgSql, fixtureMigrations } from '../test-fixtures/support.js';

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Shared Hit Blocks': number; 'Shared Read Blocks': number; Plans?: PlanNode[] };

const USER = '3f1c2a9e-5b7d-4c1e-9a2b-1c2d3e4f5a6b';
const erased = () => ({ userId: USER, erasedAt: new Date().toISOString() });

let db: TestDatabase;
let sql: PgSql;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const prefixes: string[] = [];

/** A prefix (and so a set of streams) per test, so stream counts start at zero. */
async function freshSubjects(withStreams = true): Promise<Subjects> {
  const prefix = testSubjectPrefix();
  prefixes.push(prefix);
  const subjects = new Subjects(prefix);
  if (withStreams) await ensureStreams(nc, subjects);
  return subjects;
}

async function streamMessages(subjects: Subjects, domain = 'identity'): Promise<number> {
  return (await jsm.streams.info(subjects.stream(domain))).state.messages;
}

interface Row {
  id: string;
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
}
async function outboxRow(id: string): Promise<Row | undefined> {
  const rows = await sql.$queryRawUnsafe<Row[]>('SELECT id::text, published_at, attempts, last_error FROM outbox_events WHERE id = $1::uuid', id);
  return rows[0];
}

beforeAll(async () => {
  db = await createTestDatabase('nest-kit', fixtureMigrations);
  sql = new PgSql(db.url);
  nc = await connectTestNats('nest-kit-outbox-test');
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
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

beforeEach(async () => {
  await sql.$executeRawUnsafe('TRUNCATE outbox_events, notes');
});

describe('enqueueEvent', () => {
  it('writes the event row only when the transaction commits', async () => {
    const subjects = await freshSubjects();
    const relay = new OutboxRelay(sql, js, subjects, { source: 'identity' });

    await expect(
      sql.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), 'rolled back');
        await enqueueEvent(tx, identity.userErased, erased());
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await sql.count('outbox_events')).toBe(0);
    expect(await relay.publishBatch()).toBe(0);
    expect(await streamMessages(subjects)).toBe(0);

    const id = await sql.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('INSERT INTO notes (id, body) VALUES ($1::uuid, $2)', randomUUID(), 'committed');
      return enqueueEvent(tx, identity.userErased, erased());
    });
    expect(await sql.count('outbox_events', 'id = $1::uuid AND published_at IS NULL', id)).toBe(1);
    expect(await sql.count('notes')).toBe(1);
  });

  it('validates the payload against the contract before writing', async () => {
    await expect(
      sql.$transaction((tx) => enqueueEvent(tx, identity.userErased, { userId: 'not-a-uuid', erasedAt: 'yesterday' })),
    ).rejects.toThrow();
    expect(await sql.count('outbox_events')).toBe(0);
  });
});

describe('OutboxRelay', () => {
  it('publishes each committed row with its event id as the JetStream message id, then marks it', async () => {
    const subjects = await freshSubjects();
    const relay = new OutboxRelay(sql, js, subjects, { source: 'identity' });
    const data = erased();
    const id = await sql.$transaction((tx) => enqueueEvent(tx, identity.userErased, data));

    expect(await relay.publishBatch()).toBe(1);
    const stored = await jsm.streams.getMessage(subjects.stream('identity'), { last_by_subj: subjects.of(identity.userErased.subject) });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(id);
    const envelope = EventEnvelopeSchema.parse(stored!.json());
    expect(envelope).toMatchObject({ id, subject: identity.userErased.subject, source: 'identity' });
    expect(identity.userErased.data.parse(envelope.data)).toEqual(data);
    const row = await outboxRow(id);
    expect(row?.published_at).toBeInstanceOf(Date);
    expect(row?.attempts).toBe(1);
    expect(await relay.publishBatch()).toBe(0);
  });

  it('claims at a cost of its batch, not of every event published before it', async () => {
    const subjects = await freshSubjects();
    const relay = new OutboxRelay(sql, js, subjects, { source: 'identity' });
    // 2,000 events published, as a busy service leaves them between two vacuums.
    await sql.$executeRawUnsafe(
      `INSERT INTO outbox_events (id, subject, payload) SELECT gen_random_uuid(), $1, $2::jsonb FROM generate_series(1, 2000)`,
      identity.userErased.subject,
      JSON.stringify(erased()),
    );
    while ((await relay.publishBatch()) > 0);
    const claim = () =>
      sql.$transaction(async (tx) => {
        await tx.$queryRawUnsafe(OUTBOX_CLAIM_SETTINGS_SQL);
        const [row] = await tx.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${OUTBOX_CLAIM_SQL}`, 200);
        return row!['QUERY PLAN'][0].Plan;
      });
    await claim();
    const plan = await claim();
    const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
    expect(nodes(plan).find((node) => node['Relation Name'] === 'outbox_events')).toMatchObject({ 'Node Type': 'Index Scan', 'Index Name': 'outbox_events_unpublished_seq_idx' });
    // The first claim passed the 2,000 entries left behind and marked them dead; this one skips them.
    expect(plan['Shared Hit Blocks'] + plan['Shared Read Blocks']).toBeLessThan(50);
  });

  it('lets the stream drop a row published twice (a crash between publish and mark)', async () => {
    const subjects = await freshSubjects();
    const relay = new OutboxRelay(sql, js, subjects, { source: 'identity' });
    const id = await sql.$transaction((tx) => enqueueEvent(tx, identity.userErased, erased()));
    expect(await relay.publishBatch()).toBe(1);

    // As if the mark had been lost: the relay publishes the same row again.
    await sql.$executeRawUnsafe('UPDATE outbox_events SET published_at = NULL WHERE id = $1::uuid', id);
    expect(await relay.publishBatch()).toBe(1);
    expect(await streamMessages(subjects)).toBe(1);

    // What the stream answers for a second copy of the same message id.
    const ack = await js.publish(subjects.of(identity.userErased.subject), JSON.stringify({ again: true }), { msgID: id });
    expect(ack.duplicate).toBe(true);
    expect(await streamMessages(subjects)).toBe(1);
  });

  it('publishes in commit order even when a transaction that began first commits last', async () => {
    const subjects = await freshSubjects();
    const relay = new OutboxRelay(sql, js, subjects, { source: 'identity' });
    const early = randomUUID();
    const late = randomUUID();
    let begun!: () => void;
    const hasBegun = new Promise<void>((resolve) => (begun = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The first transaction starts (so its now() is earlier), then waits, as if for a lock.
    const first = sql.$transaction(async (tx) => {
      await tx.$queryRawUnsafe('SELECT now()');
      begun();
      await released;
      return enqueueEvent(tx, identity.userErased, { userId: early, erasedAt: new Date().toISOString() });
    });
    await hasBegun;
    await sql.$transaction((tx) => enqueueEvent(tx, identity.userErased, { userId: late, erasedAt: new Date().toISOString() }));
    release();
    await first;

    expect(await relay.publishBatch()).toBe(2);
    const stream = subjects.stream('identity');
    const published = await Promise.all([1, 2].map(async (seq) => EventEnvelopeSchema.parse((await jsm.streams.getMessage(stream, { seq }))!.json())));
    expect(published.map((e) => (e.data as { userId: string }).userId)).toEqual([late, early]);
  });

  it('lets rows announced in quick succession gather into one batch, and still stops promptly', async () => {
    const subjects = await freshSubjects();
    const relay = new OutboxRelay(sql, js, subjects, { source: 'identity', pollIntervalMs: 5_000, lingerMs: 300 });
    const batches: number[] = [];
    const publishBatch = relay.publishBatch.bind(relay);
    jest.spyOn(relay, 'publishBatch').mockImplementation(async () => {
      const published = await publishBatch();
      if (published > 0) batches.push(published);
      return published;
    });
    relay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50)); // the first (empty) batch, then asleep
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(await sql.$transaction((tx) => enqueueEvent(tx, identity.userErased, erased())));
        relay.notify();
      }
      await waitUntil(async () => (await Promise.all(ids.map(outboxRow))).every((row) => row?.published_at != null), 5_000, 'the five events');
      expect(batches).toEqual([5]);
      // Stopped in the middle of a linger, it does not sit it out.
      await sql.$transaction((tx) => enqueueEvent(tx, identity.userErased, erased()));
      relay.notify();
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      const stopping = Date.now();
      await relay.stop();
      expect(Date.now() - stopping).toBeLessThan(250);
    }
    expect(await streamMessages(subjects)).toBe(5);
  });

  it('records a failed publish and retries until it goes through', async () => {
    // No streams yet: JetStream has nowhere to put the event, so publishing fails.
    const subjects = await freshSubjects(false);
    const relay = new OutboxRelay(sql, js, subjects, { source: 'identity', pollIntervalMs: 25 });
    const id = await sql.$transaction((tx) => enqueueEvent(tx, identity.userErased, erased()));

    await expect(relay.publishBatch()).rejects.toThrow('1 of 1 events could not be published');
    const failed = await outboxRow(id);
    expect(failed?.published_at).toBeNull();
    expect(failed?.attempts).toBe(1);
    expect(failed?.last_error).toEqual(expect.any(String));

    relay.start();
    try {
      await waitUntil(async () => ((await outboxRow(id))?.attempts ?? 0) >= 2, 5_000, 'a retry');
      await ensureStreams(nc, subjects);
      await waitUntil(async () => (await outboxRow(id))?.published_at != null, 10_000, 'the retried publish');
    } finally {
      await relay.stop();
    }
    expect(await streamMessages(subjects)).toBe(1);
  });

  it('publishes what commits while it runs, and stops promptly', async () => {
    const subjects = await freshSubjects();
    const relay = new OutboxRelay(sql, js, subjects, { source: 'identity', pollIntervalMs: 5_000 });
    relay.start();
    try {
      const id = await sql.$transaction((tx) => enqueueEvent(tx, identity.userErased, erased()));
      relay.notify();
      await waitUntil(async () => (await outboxRow(id))?.published_at != null, 5_000, 'the publish after notify');
    } finally {
      const stopping = Date.now();
      await relay.stop();
      expect(Date.now() - stopping).toBeLessThan(1_000);
    }
    // Stopped while its first batch is still running, it does not sleep out the poll interval.
    const busy = new OutboxRelay(sql, js, subjects, { source: 'identity', pollIntervalMs: 5_000 });
    busy.start();
    const stopping = Date.now();
    await busy.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
  });
});
