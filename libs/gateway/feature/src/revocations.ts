import { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import { EventEnvelopeSchema, identity } from '@linli/contracts';
import type { Subjects } from '@linli/nest-kit';

/**
 * Sessions that ended before their access tokens did, each kept until the latest expiry of its
 * tokens (after which the token check refuses them anyway). Memory is bounded by the sessions revoked
 * within one access-token lifetime.
 */
export class RevokedSessions {
  private readonly until = new Map<string, number>();
  private writes = 0;

  /** Refuses the session's tokens until `untilMs` (a later expiry for the same session wins). */
  revoke(sessionId: string, untilMs: number, nowMs = Date.now()): void {
    if (untilMs <= nowMs) return;
    const known = this.until.get(sessionId);
    if (known === undefined || known < untilMs) this.until.set(sessionId, untilMs);
    if (++this.writes % 1024 === 0) this.sweep(nowMs);
  }

  isRevoked(sessionId: string, nowMs = Date.now()): boolean {
    const until = this.until.get(sessionId);
    if (until === undefined) return false;
    if (until > nowMs) return true;
    this.until.delete(sessionId);
    return false;
  }

  /** Forgets sessions whose tokens have all expired. */
  sweep(nowMs = Date.now()): void {
    for (const [sessionId, until] of this.until) if (until <= nowMs) this.until.delete(sessionId);
  }

  get size(): number {
    return this.until.size;
  }
}

export interface RevocationFeedOptions {
  /** How far back to read at start: at least the longest access-token lifetime. */
  replaySeconds: number;
  /** How long start-up waits for the replay before serving anyway (logged). */
  readyTimeoutMs?: number;
}

/**
 * Feeds {@link RevokedSessions} from `identity.session.revoked.v1`. Each gateway process reads the
 * identity stream through an ordered ephemeral consumer of its own (no durable state, so every replica
 * sees every revocation), starting `replaySeconds` back so a gateway that starts, or restarts, knows
 * every session revoked while any of its tokens can still be valid. The consumer recreates itself
 * after a reconnect. `start` resolves once the replay has caught up with the stream.
 */
export class SessionRevocationFeed {
  private readonly logger = new Logger('SessionRevocations');
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly revoked: RevokedSessions,
  ) {}

  static async start(nc: NatsConnection, subjects: Subjects, revoked: RevokedSessions, options: RevocationFeedOptions): Promise<SessionRevocationFeed> {
    const feed = new SessionRevocationFeed(nc, subjects, revoked);
    await feed.run(options);
    return feed;
  }

  private async run({ replaySeconds, readyTimeoutMs = 10_000 }: RevocationFeedOptions): Promise<void> {
    const stream = this.subjects.stream('identity');
    const subject = this.subjects.of(identity.sessionRevoked.subject);
    const from = new Date(Date.now() - replaySeconds * 1000);
    // The last revocation already in the stream: the replay has caught up once it is applied.
    const jsm = await jetstreamManager(this.nc);
    const last = await jsm.streams.getMessage(stream, { last_by_subj: subject }).catch(() => null);
    const target = last && last.time.getTime() >= from.getTime() ? last.seq : 0;
    let caughtUp!: () => void;
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    if (target === 0) caughtUp();

    const consumer = await jetstream(this.nc).consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: from.toISOString(),
    });
    this.messages = await consumer.consume();
    const messages = this.messages;
    this.loop = (async () => {
      for await (const msg of messages) {
        this.apply(msg.data);
        if (msg.seq >= target) caughtUp();
      }
    })().catch((error: unknown) => this.logger.error(`revocation feed stopped: ${error instanceof Error ? error.message : String(error)}`));

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), readyTimeoutMs)));
    const outcome = await Promise.race([ready, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.logger.warn(`revocation replay did not catch up in ${readyTimeoutMs} ms; serving, and applying revocations as they arrive`);
    else this.logger.log(`revocation replay caught up: ${this.revoked.size} revoked sessions`);
  }

  private apply(data: Uint8Array): void {
    try {
      const envelope = EventEnvelopeSchema.parse(JSON.parse(new TextDecoder().decode(data)));
      const event = identity.sessionRevoked.data.parse(envelope.data);
      this.revoked.revoke(event.sessionId, Date.parse(event.accessTokenExpiresAt));
    } catch (error) {
      this.logger.error(`ignored a malformed session revocation: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async stop(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
    await this.loop;
  }
}
