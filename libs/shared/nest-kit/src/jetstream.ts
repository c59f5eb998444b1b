import { Logger } from '@nestjs/common';
import { headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { EventEnvelopeSchema, LinliError, type EventContract } from '@linli/contracts';
import { DEAD_LETTER_DOMAIN, EVENT_DOMAINS, type Subjects } from './subjects.js';
import type { SqlExecutor, TransactionalSql } from './sql.js';
import { SpanKind, extractTraceContext, inSpan } from './telemetry.js';

export interface StreamOptions {
  /** Replicas per stream: 1 on one machine, 3 on a JetStream cluster. */
  replicas?: number;
  maxAgeDays?: number;
}

/** Creates (or updates) one stream per event domain and the dead-letter stream. Idempotent. */
export async function ensureStreams(nc: NatsConnection, subjects: Subjects, options: StreamOptions = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const domains = [...EVENT_DOMAINS, DEAD_LETTER_DOMAIN];
  for (const domain of domains) {
    const config = {
      name: subjects.stream(domain),
      subjects: [subjects.of(`${domain}.>`)],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      num_replicas: options.replicas ?? 1,
      duplicate_window: nanos(2 * 60 * 1000),
      max_age: nanos((options.maxAgeDays ?? 30) * 24 * 3600 * 1000),
    };
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch (error) {
      if (!/not found/i.test(error instanceof Error ? error.message : String(error))) throw error;
      try {
        await jsm.streams.add(config);
      } catch (addError) {
        // Another service created it at the same moment.
        if (!/already in use|exists/i.test(addError instanceof Error ? addError.message : String(addError))) throw addError;
      }
    }
  }
}

/** Thrown by a handler to ask for a later retry without counting it as a failure of the code (e.g. an unknown user not yet seen). */
export class RetryLater extends Error {
  constructor(message: string, readonly delayMs = 5_000) {
    super(message);
    this.name = 'RetryLater';
  }
}

export interface ReceivedEvent<D = unknown> {
  id: string;
  subject: string;
  occurredAt: string;
  source: string;
  data: D;
  deliveryCount: number;
}

export interface ConsumerSpec<Tx extends SqlExecutor = SqlExecutor> {
  /** Durable name, unique per consuming service and purpose (e.g. `orders-pickup-points`). */
  durable: string;
  /** Stream domain the events come from (e.g. `leader-ops`). */
  domain: string;
  contracts: EventContract[];
  /** Runs in the same transaction that records the event id as processed. */
  handle(event: ReceivedEvent, tx: Tx): Promise<void>;
  /** Deliveries before a failing message is parked in the dead-letter stream. */
  maxDeliveries?: number;
  /** Base of the exponential retry delay. */
  backoffMs?: number;
  /**
   * Up to this many messages that have already arrived are handled in one transaction (default 1:
   * one transaction per message). Nothing waits for a batch to fill: a batch is what is buffered when
   * the consumer gets to it, so a quiet stream still sees one message at a time. A batch whose
   * transaction fails is rolled back and its messages are handled one at a time, so a retry or a
   * dead letter concerns only the failing message. Only for handlers whose every effect is in `tx`.
   */
  batch?: number;
  /**
   * Handles a batch's new events together (e.g. one statement for all of them), in order, in the
   * transaction that records their ids. Without it, `handle` runs for each. A message handled alone
   * (a batch of one, or after a failed batch) always goes through `handle`.
   */
  handleMany?(events: ReceivedEvent[], tx: Tx): Promise<void>;
}

/**
 * Runs durable, idempotent JetStream consumers. Each message is handled inside a database
 * transaction that also inserts `(consumer, event id)` into `processed_events`; a redelivered
 * message whose id is already there is acknowledged without running the handler again. Failures are
 * retried with exponential backoff; invalid payloads and messages that keep failing are published
 * to the dead-letter stream with the reason and then terminated.
 */
export class EventConsumers<Tx extends SqlExecutor = SqlExecutor> {
  private readonly logger = new Logger('EventConsumers');
  private readonly running: { messages: ConsumerMessages; done: Promise<void> }[] = [];
  private readonly js: JetStreamClient;

  constructor(
    private readonly nc: NatsConnection,
    private readonly db: TransactionalSql<Tx>,
    private readonly subjects: Subjects,
  ) {
    this.js = jetstream(nc);
  }

  async start(spec: ConsumerSpec<Tx>): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const stream = this.subjects.stream(spec.domain);
    const bySubject = new Map(spec.contracts.map((contract) => [contract.subject, contract]));
    await jsm.consumers.add(stream, {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      // One filter subject (NATS < 2.10 has no `filter_subjects`): the contract's subject, or the
      // whole domain when several are consumed; subjects not asked for are acknowledged and skipped.
      filter_subject: spec.contracts.length === 1 ? this.subjects.of(spec.contracts[0]!.subject) : this.subjects.of(`${spec.domain}.>`),
      ack_wait: nanos(30_000),
      max_deliver: -1,
    });
    const consumer = await this.js.consumers.get(stream, spec.durable);
    const batchSize = Math.max(1, Math.floor(spec.batch ?? 1));
    const messages = await consumer.consume({ max_messages: Math.max(64, batchSize * 2) });
    const done = (async () => {
      let pending: JsMsg[] = [];
      let settling: Promise<void> = Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      // Batches settle one after another, in arrival order.
      const flush = (): Promise<void> => {
        clearTimeout(timer);
        const batch = pending;
        pending = [];
        if (batch.length > 0) settling = settling.then(() => this.settle(spec, bySubject, batch));
        return settling;
      };
      for await (const msg of messages) {
        pending.push(msg);
        if (pending.length < batchSize && messages.getPending() > 0) {
          // More is buffered: take it into this batch. The count can include the client's own
          // bookkeeping, so a batch still waiting when the event loop comes round settles then.
          clearTimeout(timer);
          timer = setTimeout(() => void flush(), 0);
          continue;
        }
        await flush();
      }
      await flush();
    })();
    this.running.push({ messages, done });
  }

  private async settle(spec: ConsumerSpec<Tx>, bySubject: Map<string, EventContract>, batch: JsMsg[]): Promise<void> {
    const decoded: { msg: JsMsg; event: ReceivedEvent }[] = [];
    for (const msg of batch) {
      try {
        const event = await this.decode(spec, bySubject, msg);
        if (event) decoded.push({ msg, event });
      } catch (error) {
        this.settleFailed(spec, msg, error);
      }
    }
    if (decoded.length > 1) {
      if (await this.processMany(spec, decoded)) return;
    }
    for (const { msg, event } of decoded) {
      try {
        await this.process(spec, msg, event);
      } catch (error) {
        this.settleFailed(spec, msg, error);
      }
    }
  }

  /** E.g. the dead-letter stream could not take the message. Keep consuming; it comes back later. */
  private settleFailed(spec: ConsumerSpec<Tx>, msg: JsMsg, error: unknown): void {
    this.logger.error(`${spec.durable}: could not settle ${msg.subject}, retrying later: ${error instanceof Error ? error.message : String(error)}`);
    msg.nak(Math.min(60_000, (spec.backoffMs ?? 500) * 2 ** Math.min(msg.info.deliveryCount, 7)));
  }

  /** The message's event, or null when it was settled here (a subject not consumed, or unreadable and parked). */
  private async decode(spec: ConsumerSpec<Tx>, bySubject: Map<string, EventContract>, msg: JsMsg): Promise<ReceivedEvent | null> {
    const subject = this.subjects.strip(msg.subject);
    if (!bySubject.has(subject)) {
      msg.ack();
      return null;
    }
    try {
      const envelope = EventEnvelopeSchema.parse(msg.json());
      const contract = bySubject.get(subject);
      if (!contract) throw new Error(`no contract for ${subject}`);
      return { ...envelope, data: contract.data.parse(envelope.data), deliveryCount: msg.info.deliveryCount };
    } catch (error) {
      await this.park(spec, msg, `invalid event: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  /**
   * A batch in one transaction: every id recorded in one statement, the new events handled in order.
   * True when the batch committed (every message acknowledged); false after a rollback, when the
   * caller handles the messages one at a time.
   */
  private async processMany(spec: ConsumerSpec<Tx>, batch: { msg: JsMsg; event: ReceivedEvent }[]): Promise<boolean> {
    try {
      await inSpan(`jetstream consume batch ${spec.durable}`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.consumer.group.name': spec.durable, 'messaging.batch.message_count': batch.length } }, () =>
        this.db.$transaction(async (tx) => {
          const rows = await tx.$queryRawUnsafe<{ event_id: string }[]>(
            'INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id',
            spec.durable,
            batch.map((b) => b.event.id),
          );
          const fresh = new Set(rows.map((r) => r.event_id.toLowerCase()));
          const events: ReceivedEvent[] = [];
          for (const { event } of batch) {
            const id = event.id.toLowerCase();
            if (!fresh.delete(id)) continue; // processed before, or twice in this batch
            events.push(event);
          }
          if (events.length === 0) return;
          if (spec.handleMany) await spec.handleMany(events, tx);
          else for (const event of events) await spec.handle(event, tx);
        }, { timeout: 30_000 }),
      );
    } catch (error) {
      this.logger.warn(`${spec.durable}: a batch of ${batch.length} failed, handling its messages one at a time: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    for (const { msg } of batch) msg.ack();
    return true;
  }

  private async process(spec: ConsumerSpec<Tx>, msg: JsMsg, event: ReceivedEvent): Promise<void> {
    const maxDeliveries = spec.maxDeliveries ?? 8;
    const subject = this.subjects.strip(msg.subject);
    const parent = extractTraceContext(msg.headers ? { get: (k) => msg.headers!.get(k) || undefined, set: () => undefined } : undefined);
    try {
      await inSpan(`jetstream consume ${subject}`, { kind: SpanKind.CONSUMER, parent, attributes: { 'messaging.system': 'nats', 'messaging.consumer.group.name': spec.durable, 'messaging.message.id': event.id } }, () =>
        this.db.$transaction(async (tx) => {
          const inserted = await tx.$executeRawUnsafe(
            'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING',
            spec.durable,
            event.id,
          );
          if (inserted === 0) return; // already processed: idempotent
          await spec.handle(event, tx);
        }, { timeout: 30_000 }),
      );
      msg.ack();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof RetryLater) {
        if (msg.info.deliveryCount >= maxDeliveries * 4) {
          await this.park(spec, msg, `gave up waiting: ${reason}`);
          return;
        }
        msg.nak(error.delayMs);
        return;
      }
      if (msg.info.deliveryCount >= maxDeliveries) {
        await this.park(spec, msg, `failed ${msg.info.deliveryCount} times: ${reason}`);
        return;
      }
      const delay = Math.min(60_000, (spec.backoffMs ?? 500) * 2 ** (msg.info.deliveryCount - 1));
      this.logger.warn(`${spec.durable}: ${subject} failed (delivery ${msg.info.deliveryCount}), retry in ${delay} ms: ${reason}`);
      msg.nak(delay);
    }
  }

  private async park(spec: ConsumerSpec<Tx>, msg: JsMsg, reason: string): Promise<void> {
    this.logger.error(`${spec.durable}: parking ${msg.subject} in the dead-letter stream: ${reason}`);
    const h = natsHeaders();
    h.set('Linli-Original-Subject', msg.subject);
    h.set('Linli-Consumer', spec.durable);
    h.set('Linli-Reason', reason.slice(0, 1000).replace(/[\r\n]+/g, ' '));
    h.set('Linli-Deliveries', String(msg.info.deliveryCount));
    await this.js.publish(this.subjects.of(`${DEAD_LETTER_DOMAIN}.${spec.durable}`), msg.data, { headers: h });
    msg.term(reason.slice(0, 200));
  }

  /** Stops fetching and waits for the message in hand to finish. */
  async stop(): Promise<void> {
    for (const { messages } of this.running) await messages.close().catch(() => undefined);
    await Promise.allSettled(this.running.map((r) => r.done));
    this.running.length = 0;
  }
}

export function deadLetterReason(msg: JsMsg): string | undefined {
  return msg.headers?.get('Linli-Reason') || undefined;
}

export { LinliError };
