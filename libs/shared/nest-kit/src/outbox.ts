import { Logger } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { EventContract, EventEnvelope } from '@linli/contracts';
import type { SqlExecutor, TransactionalSql } from './sql.js';
import type { Subjects } from './subjects.js';
import { SpanKind, extractTraceContext, inSpan, injectTraceContext, recordCarrier, traceContextRecord } from './telemetry.js';

/** An outbox row ready to insert: the validated payload and the trace context, both as JSON text. */
export interface OutboxEventRow {
  id: string;
  subject: string;
  payload: string;
  traceContext: string;
}

/**
 * Validates an event against its contract and prepares its outbox row, for a caller that writes the
 * row inside a statement of its own (it must commit with the state change, as {@link enqueueEvent}
 * does). Columns: `outbox_events (id, subject, payload, trace_context)`.
 */
export function outboxEventRow<C extends EventContract>(contract: C, data: z.input<C['data']>, options: { id?: string } = {}): OutboxEventRow {
  const parsed = contract.data.parse(data);
  return {
    id: options.id ?? randomUUID(),
    subject: contract.subject,
    payload: JSON.stringify(parsed),
    traceContext: JSON.stringify(traceContextRecord()),
  };
}

/**
 * Writes an event row in the caller's transaction, so the event exists if and only if the state
 * change commits. Returns the event id (also the JetStream message id).
 */
export async function enqueueEvent<C extends EventContract>(
  tx: SqlExecutor,
  contract: C,
  data: z.input<C['data']>,
  options: { id?: string } = {},
): Promise<string> {
  const row = outboxEventRow(contract, data, options);
  await tx.$executeRawUnsafe(
    'INSERT INTO outbox_events (id, subject, payload, trace_context) VALUES ($1::uuid, $2, $3::jsonb, $4::jsonb)',
    row.id,
    row.subject,
    row.payload,
    row.traceContext,
  );
  return row.id;
}

/**
 * Erasure of a person from the outbox: events already published that mention `userId` have done their
 * job (they are on the stream), so their payload is replaced by a marker. Events not yet published
 * (the erasure event itself among them) are left to be delivered. Returns the rows redacted.
 */
export async function redactPublishedEvents(tx: SqlExecutor, userId: string): Promise<number> {
  return tx.$executeRawUnsafe(
    `UPDATE outbox_events SET payload = jsonb_build_object('redacted', true) WHERE published_at IS NOT NULL AND payload::text LIKE '%' || $1::text || '%'`,
    userId,
  );
}

/**
 * Settings of the relay's transaction. The mark need not wait for its WAL flush: a mark lost in a
 * crash only means the row goes out again, and the stream drops the copy (same message id); one
 * fsync less per batch. And the claim reads the partial index of unpublished rows with a plain index
 * scan, never a bitmap scan: each event leaves the entry of its unpublished version behind until
 * vacuum, an index scan marks such entries dead as it passes them (so the next claim skips them),
 * and a bitmap scan does not (so every claim would visit every event published since the last vacuum).
 */
export const OUTBOX_CLAIM_SETTINGS_SQL = "SELECT set_config('synchronous_commit', 'off', true), set_config('enable_bitmapscan', 'off', true)";

/** Claims up to $1 unpublished rows in insertion order, skipping rows another relay holds. */
export const OUTBOX_CLAIM_SQL = `SELECT id::text AS id, subject, payload, trace_context, created_at FROM outbox_events
  WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`;

interface OutboxRow {
  id: string;
  subject: string;
  payload: unknown;
  trace_context: Record<string, string> | null;
  created_at: Date;
}

export interface OutboxRelayOptions {
  source: string;
  /** Rows claimed per batch (default 200). */
  batchSize?: number;
  /** How often an idle relay looks for rows nobody announced with {@link OutboxRelay.notify} (default 200 ms). */
  pollIntervalMs?: number;
  /**
   * How long rows may gather before a batch that follows a partial one or a wake-up (default 10 ms):
   * under a steady stream of writes, batches of many rows instead of one transaction per event.
   */
  lingerMs?: number;
}

/**
 * Publishes committed outbox rows to JetStream with the row id as message id (so a row that is
 * published twice — a crash between publish and mark — is de-duplicated by the stream), then marks
 * them published. Rows go out in insertion order (`seq`, not `created_at`: `now()` is the time the
 * transaction began, so a transaction that waited for a lock would otherwise overtake the one it
 * waited for). Events a service writes under one lock therefore reach the stream in commit order.
 * Several relays may run (rows are claimed with `FOR UPDATE SKIP LOCKED`); only one keeps that order.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private halt?: () => void;
  private failures = 0;

  constructor(
    private readonly db: TransactionalSql,
    private readonly js: JetStreamClient,
    private readonly subjects: Subjects,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 200;
  }

  /** Asks the relay to look for new rows now instead of at its next poll. */
  notify(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.halt?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 200;
    const linger = this.options.lingerMs ?? 10;
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        this.logger.warn(`outbox publish failed (${this.failures} in a row): ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!this.running) break;
      if (published >= this.batchSize && this.failures === 0) continue;
      if (published > 0 && this.failures === 0) {
        // A partial batch: let the next rows gather for a moment rather than claiming them one by one.
        await this.sleep(linger, false);
        continue;
      }
      const delay = this.failures > 0 ? Math.min(30_000, poll * 2 ** this.failures) : poll;
      if ((await this.sleep(delay)) === 'woken' && this.running) await this.sleep(linger, false);
    }
  }

  /** Sleeps `ms`, or until {@link stop} — or {@link notify}, unless it is a linger (which notices would cut short at once). */
  private async sleep(ms: number, notifiable = true): Promise<'slept' | 'woken'> {
    if (ms <= 0) return 'slept';
    const outcome = await new Promise<'slept' | 'woken'>((resolve) => {
      const timer = setTimeout(() => resolve('slept'), ms);
      const wake = () => {
        clearTimeout(timer);
        resolve('woken');
      };
      this.halt = wake;
      if (notifiable) this.wake = wake;
    });
    this.wake = undefined;
    this.halt = undefined;
    return outcome;
  }

  /** Publishes one batch; returns how many rows were published. */
  async publishBatch(): Promise<number> {
    // The failure is thrown after the commit, so the attempts and last_error of the rows that failed
    // (and the marks of those that went out) are kept rather than rolled back with it.
    const outcome = await this.db.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(OUTBOX_CLAIM_SETTINGS_SQL);
      const rows = await tx.$queryRawUnsafe<OutboxRow[]>(OUTBOX_CLAIM_SQL, this.batchSize);
      if (rows.length === 0) return { published: 0, failed: 0, total: 0 };
      const results = await Promise.allSettled(rows.map((row) => this.publish(row)));
      const done = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((row) => row.id);
      const failed = rows.filter((_, i) => results[i]!.status === 'rejected');
      if (done.length > 0) {
        await tx.$executeRawUnsafe('UPDATE outbox_events SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])', done);
      }
      for (const row of failed) {
        const reason = (results[rows.indexOf(row)] as PromiseRejectedResult).reason;
        await tx.$executeRawUnsafe(
          'UPDATE outbox_events SET attempts = attempts + 1, last_error = $2 WHERE id = $1::uuid',
          row.id,
          reason instanceof Error ? reason.message : String(reason),
        );
      }
      return { published: done.length, failed: failed.length, total: rows.length };
    }, { timeout: 30_000 });
    if (outcome.failed > 0) throw new Error(`${outcome.failed} of ${outcome.total} events could not be published`);
    return outcome.published;
  }

  private async publish(row: OutboxRow): Promise<void> {
    const parent = extractTraceContext(recordCarrier(row.trace_context ?? {}));
    await inSpan(`jetstream publish ${row.subject}`, { kind: SpanKind.PRODUCER, parent, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': row.subject, 'messaging.message.id': row.id } }, async () => {
      const envelope: EventEnvelope = {
        id: row.id,
        subject: row.subject,
        occurredAt: new Date(row.created_at).toISOString(),
        source: this.options.source,
        data: row.payload,
      };
      const h = natsHeaders();
      injectTraceContext({ get: (k) => h.get(k), set: (k, v) => h.set(k, v) });
      await this.js.publish(this.subjects.of(row.subject), JSON.stringify(envelope), { msgID: row.id, headers: h });
    });
  }
}
