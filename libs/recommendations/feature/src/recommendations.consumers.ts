import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ReferralsRepository } from '@linli/recommendations-data-access';
import { communities, identity, leaderOps, orders, type EventData } from '@linli/contracts';
import { EventConsumers, redactPublishedEvents, type ReceivedEvent } from '@linli/nest-kit';
import { RecommendationEngine } from './engine/recommendation-engine.js';
import { IngestService, ORDER_EVENTS, SERVICE_BOOKING_EVENTS, itemIdOf, type Tx } from './ingest.service.js';

/** Durable consumer names (one per source domain). */
export const CONSUMERS = {
  identity: 'recommendations-identity',
  orders: 'recommendations-orders',
  leaderOps: 'recommendations-leader-ops',
  communities: 'recommendations-communities',
  localServices: 'recommendations-local-services',
} as const;

/**
 * Keeps the behaviour store in step with identity (profiles, consents, merges, erasures),
 * leader-ops (pickup points, residents' bindings), orders (purchases, catalogue, campaigns) and
 * communities (NPS answers) and local services (bookings, for the cross-purchase of goods and services).
 * Each event is handled once (nest-kit records its id in the handler's transaction).
 */
@Injectable()
export class RecommendationsConsumers implements OnApplicationBootstrap {
  private readonly referralFacts = new ReferralsRepository();

  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers<Tx>,
    @Inject(IngestService) private readonly ingest: IngestService,
    @Inject(RecommendationEngine) private readonly engine: RecommendationEngine,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: CONSUMERS.identity,
      domain: 'identity',
      contracts: [identity.userRegistered, identity.profileUpdated, identity.consentChanged, identity.userMerged, identity.userErased],
      handle: (event, tx) => this.onIdentity(event, tx),
    });
    await this.consumers.start({
      durable: CONSUMERS.leaderOps,
      domain: 'leader-ops',
      contracts: [leaderOps.pickupPointUpserted, leaderOps.residentBound],
      handle: (event, tx) => this.onLeaderOps(event, tx),
    });
    await this.consumers.start({
      durable: CONSUMERS.orders,
      domain: 'orders',
      contracts: [...ORDER_EVENTS, orders.productUpserted, orders.campaignPublished, orders.campaignClosed],
      handle: (event, tx) => this.onOrders(event, tx),
    });
    await this.consumers.start({
      durable: CONSUMERS.communities,
      domain: 'communities',
      contracts: [communities.surveyAnswered],
      handle: (event, tx) => this.onCommunities(event, tx),
    });
    await this.consumers.start({
      durable: CONSUMERS.localServices,
      domain: 'local-services',
      contracts: SERVICE_BOOKING_EVENTS,
      handle: (event, tx) => this.onLocalServices(event, tx),
    });
  }

  /** NPS answers (kind `nps` with a score) for the asset metrics; an erased resident's late answer is dropped. */
  async onCommunities(event: ReceivedEvent, tx: Tx): Promise<void> {
    if (event.subject !== communities.surveyAnswered.subject) return;
    const d = event.data as EventData<typeof communities.surveyAnswered>;
    if (d.kind !== 'nps' || d.score === null) return;
    const store = this.ingest.store;
    await store.lockUser(tx, d.userId);
    const user = await store.resolveUser(tx, d.userId);
    if (user.kind === 'erased') return;
    await store.recordNps(tx, {
      responseId: d.responseId,
      userId: user.userId,
      score: d.score,
      trigger: d.trigger,
      compoundId: d.compoundId,
      pickupPointId: d.pickupPointId,
      leaderUserId: d.leaderUserId,
      answeredAt: new Date(d.answeredAt),
    });
  }

  /** Booking events: services bought, for the cross-purchase of goods and services. */
  async onLocalServices(event: ReceivedEvent, tx: Tx): Promise<void> {
    const data = event.data as { userId: string; bookingId: string };
    await this.ingest.forUser(tx, data.userId, { subject: event.subject, eventId: event.id, payload: data }, (userId) =>
      this.ingest.applyBookingEvent(tx, event.subject, event.data as Parameters<IngestService['applyBookingEvent']>[2], userId),
    );
  }

  /** Locks the (surviving) user, and returns their id unless they were erased. */
  private async lockKnown(tx: Tx, userId: string): Promise<string | null> {
    const user = await this.ingest.resolveLocked(tx, userId);
    return user.kind === 'erased' ? null : user.userId;
  }

  /** The user is known now: apply what waited for them and tell serving. */
  private async known(tx: Tx, userId: string): Promise<void> {
    await this.ingest.releaseParked(tx, userId);
    await this.ingest.publishCustomer(tx, userId);
  }

  async onIdentity(event: ReceivedEvent, tx: Tx): Promise<void> {
    const store = this.ingest.store;
    switch (event.subject) {
      case identity.userRegistered.subject: {
        const data = event.data as EventData<typeof identity.userRegistered>;
        const userId = await this.lockKnown(tx, data.userId);
        if (!userId) return;
        await store.ensureCustomer(tx, userId);
        await this.known(tx, userId);
        return;
      }
      case identity.profileUpdated.subject: {
        const data = event.data as EventData<typeof identity.profileUpdated>;
        const userId = await this.lockKnown(tx, data.userId);
        if (!userId) return;
        const p = data.profile;
        await store.upsertProfile(tx, userId, { compoundId: p.compoundId, building: p.building, household: p.household, dietary: p.dietary, declared: data.declared });
        await this.known(tx, userId);
        return;
      }
      case identity.consentChanged.subject: {
        const data = event.data as EventData<typeof identity.consentChanged>;
        const userId = await this.lockKnown(tx, data.userId);
        if (!userId) return;
        await store.setConsent(tx, userId, data.purpose, data.granted, new Date(data.changedAt));
        if (data.purpose === 'profiling' && !data.granted) this.engine.withdrawConsent(userId);
        await this.known(tx, userId);
        return;
      }
      case identity.userMerged.subject: {
        const data = event.data as EventData<typeof identity.userMerged>;
        for (const id of [data.sourceUserId, data.targetUserId].sort()) await store.lockUser(tx, id);
        const target = await store.resolveUser(tx, data.targetUserId);
        if (target.kind === 'erased') {
          await store.erase(tx, data.sourceUserId, new Date(data.mergedAt));
          this.engine.removeCustomer(data.sourceUserId);
          return;
        }
        await store.merge(tx, data.sourceUserId, target.userId, new Date(data.mergedAt));
        if (await store.getCustomer(tx, target.userId)) await this.ingest.releaseParked(tx, target.userId);
        this.engine.merged(data.sourceUserId, target.userId, await this.ingest.customerFact(tx, target.userId));
        return;
      }
      case identity.userErased.subject: {
        const data = event.data as EventData<typeof identity.userErased>;
        await store.lockUser(tx, data.userId);
        await store.erase(tx, data.userId, new Date(data.erasedAt));
        // the growth system's referral facts keep their counts, not the person
        await this.referralFacts.erase(tx, data.userId, randomUUID());
        await redactPublishedEvents(tx, data.userId);
        this.engine.removeCustomer(data.userId);
        return;
      }
    }
  }

  async onLeaderOps(event: ReceivedEvent, tx: Tx): Promise<void> {
    const store = this.ingest.store;
    if (event.subject === leaderOps.pickupPointUpserted.subject) {
      const p = event.data as EventData<typeof leaderOps.pickupPointUpserted>;
      await store.upsertPickupPoint(tx, { pickupPointId: p.pickupPointId, leaderUserId: p.leaderUserId, name: p.name, compoundIds: p.compoundIds, status: p.status });
      return;
    }
    if (event.subject === leaderOps.residentBound.subject) {
      const data = event.data as EventData<typeof leaderOps.residentBound>;
      const userId = await this.lockKnown(tx, data.userId);
      if (!userId) return;
      await store.setPlace(tx, userId, data.compoundId, data.pickupPointId);
      await this.known(tx, userId);
    }
  }

  async onOrders(event: ReceivedEvent, tx: Tx): Promise<void> {
    const store = this.ingest.store;
    if (this.ingest.isOrderSubject(event.subject)) {
      const data = event.data as EventData<typeof orders.orderPaid>;
      await this.ingest.forUser(tx, data.userId, { subject: event.subject, eventId: event.id, payload: data }, (userId) =>
        this.ingest.applyOrderEvent(tx, event.subject, data, userId),
      );
      return;
    }
    switch (event.subject) {
      case orders.productUpserted.subject: {
        const p = event.data as EventData<typeof orders.productUpserted>;
        await store.upsertProduct(tx, { productId: p.productId, name: p.name, category: p.categoryId, healthFlags: p.healthFlags, tags: p.tags, active: p.active, skus: p.skus });
        return;
      }
      case orders.campaignPublished.subject: {
        const c = event.data as EventData<typeof orders.campaignPublished>;
        await store.upsertCampaign(tx, {
          campaignId: c.campaignId,
          title: c.title,
          startsAt: new Date(c.startsAt),
          cutoffAt: new Date(c.cutoffAt),
          compoundIds: c.compoundIds,
          pickupPointIds: c.pickupPointIds,
          publishedAt: new Date(c.publishedAt),
          offers: c.offers.map((o) => ({
            offerId: o.offerId,
            kind: o.kind,
            itemId: itemIdOf({ ...o, lineId: o.offerId }),
            skuId: o.skuId,
            bundleId: o.bundleId,
            productId: o.productId,
            category: o.categoryId,
            priceCents: o.priceCents,
            componentProductIds: [...new Set(o.items.map((i) => i.productId))],
          })),
        });
        await this.ingest.publishCampaign(tx, c.campaignId);
        return;
      }
      case orders.campaignClosed.subject: {
        const c = event.data as EventData<typeof orders.campaignClosed>;
        await store.closeCampaign(tx, c.campaignId, new Date(c.closedAt));
        await this.ingest.publishCampaign(tx, c.campaignId);
        return;
      }
    }
  }
}
