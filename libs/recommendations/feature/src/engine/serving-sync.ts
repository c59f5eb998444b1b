import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient } from '@nats-io/jetstream';
import { EventEnvelopeSchema, identity, leaderOps, orders } from '@linli/contracts';
import { JETSTREAM, Subjects } from '@linli/nest-kit';
import { BulkReader } from '@linli/recommendations-data-access';
import { BULK_READER, RecommendationEngine } from './recommendation-engine.js';

/** Facts are re-read this long after an event (its handler has committed by then), and once more later. */
export const SYNC_DELAYS_MS = [300, 3_000] as const;

const ORDER_SUBJECTS = new Set(
  [orders.orderPlaced, orders.orderPaid, orders.orderCancelled, orders.orderExpired, orders.orderLocked, orders.orderShipped, orders.orderReceived, orders.orderPickedUp, orders.orderCompleted, orders.orderRefunded].map(
    (c) => c.subject,
  ),
);

/**
 * Keeps every replica's serving index in step. The durable consumers run on one replica per event
 * and write the database; this observes the same streams on *every* replica (ephemeral ordered
 * consumers, new events only): a withdrawn profiling consent and an erasure apply at once, merges are
 * followed, order events ask for a refit, and the customer's and campaign's facts are re-read from
 * the database shortly after (when the writing replica has committed).
 */
@Injectable()
export class ServingSync implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ServingSync');
  private readonly running: { messages: ConsumerMessages; done: Promise<void> }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(Subjects) private readonly subjects: Subjects,
    @Inject(RecommendationEngine) private readonly engine: RecommendationEngine,
    @Inject(BULK_READER) private readonly reader: BulkReader,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const domain of ['identity', 'leader-ops', 'orders']) {
      const consumer = await this.js.consumers.get(this.subjects.stream(domain), {
        filter_subjects: this.subjects.of(`${domain}.>`),
        deliver_policy: DeliverPolicy.New,
      });
      const messages = await consumer.consume();
      const done = (async () => {
        for await (const msg of messages) {
          try {
            const envelope = EventEnvelopeSchema.parse(msg.json());
            this.observe(this.subjects.strip(msg.subject), envelope.data as Record<string, unknown>);
          } catch (error) {
            this.logger.warn(`ignoring an unreadable event on ${msg.subject}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      })();
      this.running.push({ messages, done });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const { messages } of this.running) await messages.close().catch(() => undefined);
    await Promise.allSettled(this.running.map((r) => r.done));
  }

  /** What one event means for serving (exported for tests through the class). */
  observe(subject: string, data: Record<string, unknown>): void {
    const userId = typeof data['userId'] === 'string' ? data['userId'] : undefined;
    switch (subject) {
      case identity.consentChanged.subject:
        if (data['purpose'] === 'profiling' && data['granted'] === false && userId) this.engine.withdrawConsent(userId);
        if (userId) this.later(() => this.reloadCustomers([userId]));
        return;
      case identity.userErased.subject:
        if (userId) this.engine.removeCustomer(userId);
        return;
      case identity.userMerged.subject: {
        const source = data['sourceUserId'] as string;
        const target = data['targetUserId'] as string;
        this.engine.merged(source, target, null);
        this.later(() => this.reloadCustomers([target]));
        return;
      }
      case identity.userRegistered.subject:
      case identity.profileUpdated.subject:
      case leaderOps.residentBound.subject:
        if (userId) this.later(() => this.reloadCustomers([userId]));
        return;
      case orders.campaignPublished.subject:
      case orders.campaignClosed.subject:
        this.later(() => this.reloadCampaign(data['campaignId'] as string));
        return;
    }
    if (ORDER_SUBJECTS.has(subject)) {
      this.engine.markDirty();
      if (userId) this.later(() => this.reloadCustomers([userId]));
    }
  }

  private later(task: () => Promise<void>): void {
    if (this.closed) return;
    for (const delay of SYNC_DELAYS_MS) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.closed) task().catch((error) => this.logger.warn(`serving sync failed: ${error instanceof Error ? error.message : String(error)}`));
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
  }

  private async reloadCustomers(userIds: string[]): Promise<void> {
    const ids = userIds.map((id) => this.engine.resolve(id));
    const facts = await this.reader.customers(ids);
    for (const fact of facts) this.engine.putCustomer(fact);
  }

  private async reloadCampaign(campaignId: string): Promise<void> {
    const [campaign] = await this.reader.campaigns(campaignId);
    if (!campaign) return;
    const [items, products] = await Promise.all([this.reader.items(), this.reader.productNames()]);
    const offered = new Set(campaign.offers.map((o) => o.itemId));
    this.engine.putCampaign(campaign, items.filter((i) => offered.has(i.itemId)), products);
  }
}
