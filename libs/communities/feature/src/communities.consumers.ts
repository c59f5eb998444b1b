import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { identity, leaderOps, orders, type EventData } from '@linli/contracts';
import { PersonalDataRepository, lockKey } from '@linli/communities-data-access';
import { EventConsumers, enqueueEvent, redactPublishedEvents, type ReceivedEvent } from '@linli/nest-kit';
import { communities as c } from '@linli/contracts';
import { CocreationService } from './cocreation.service.js';
import { CommunitiesContext, type Tx } from './communities.context.js';
import { SurveysService } from './surveys.service.js';

/** Durable consumer names (one per source domain). */
export const COMMUNITIES_CONSUMERS = {
  identity: 'communities-identity',
  leaderOps: 'communities-leader-ops',
  orders: 'communities-orders',
} as const;

/**
 * Keeps the service's copies in step with the others, by their events only:
 * - leader-ops: compounds, pickup points (with their leader), residents' bindings;
 * - identity: display names, households and diets (profile), profiling consent, merges, erasure;
 * - orders: a paid order counts for the launch conversion of proposals launched in its campaign (until
 *   it is cancelled or refunded in full) and for the resident's purchase categories; a picked-up order
 *   offers the NPS question.
 * Each event is handled once, in the transaction that records it as processed.
 */
@Injectable()
export class CommunitiesConsumers implements OnApplicationBootstrap {
  private readonly logger = new Logger('CommunitiesConsumers');
  private readonly personal = new PersonalDataRepository();

  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers<Tx>,
    @Inject(CommunitiesContext) private readonly ctx: CommunitiesContext,
    @Inject(CocreationService) private readonly cocreation: CocreationService,
    @Inject(SurveysService) private readonly surveys: SurveysService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: COMMUNITIES_CONSUMERS.leaderOps,
      domain: 'leader-ops',
      contracts: [leaderOps.compoundUpserted, leaderOps.pickupPointUpserted, leaderOps.residentBound],
      handle: (event, tx) => this.onLeaderOps(event, tx),
    });
    await this.consumers.start({
      durable: COMMUNITIES_CONSUMERS.identity,
      domain: 'identity',
      contracts: [identity.profileUpdated, identity.consentChanged, identity.userMerged, identity.userErased],
      handle: (event, tx) => this.onIdentity(event, tx),
    });
    await this.consumers.start({
      durable: COMMUNITIES_CONSUMERS.orders,
      domain: 'orders',
      contracts: [orders.orderPaid, orders.orderPickedUp, orders.orderCancelled, orders.orderRefunded],
      handle: (event, tx) => this.onOrders(event, tx),
    });
  }

  async onLeaderOps(event: ReceivedEvent, tx: Tx): Promise<void> {
    const r = this.ctx.replicas;
    switch (event.subject) {
      case leaderOps.compoundUpserted.subject: {
        const d = event.data as EventData<typeof leaderOps.compoundUpserted>;
        await r.upsertCompound(tx, { compoundId: d.compoundId, name: d.name, city: d.city });
        return;
      }
      case leaderOps.pickupPointUpserted.subject: {
        const d = event.data as EventData<typeof leaderOps.pickupPointUpserted>;
        await r.upsertPickupPoint(tx, { pickupPointId: d.pickupPointId, leaderUserId: d.leaderUserId, name: d.name, compoundIds: d.compoundIds, status: d.status });
        return;
      }
      case leaderOps.residentBound.subject: {
        const d = event.data as EventData<typeof leaderOps.residentBound>;
        await r.setBinding(tx, d.userId, d.compoundId, d.pickupPointId);
        return;
      }
    }
  }

  async onIdentity(event: ReceivedEvent, tx: Tx): Promise<void> {
    switch (event.subject) {
      case identity.profileUpdated.subject: {
        const d = event.data as EventData<typeof identity.profileUpdated>;
        await this.ctx.replicas.setProfile(tx, d.userId, { displayName: d.profile.nickname ?? null, compoundId: d.profile.compoundId ?? null, household: d.profile.household, dietary: d.profile.dietary });
        return;
      }
      case identity.consentChanged.subject: {
        const d = event.data as EventData<typeof identity.consentChanged>;
        if (d.purpose === 'profiling') await this.ctx.replicas.setConsent(tx, d.userId, d.granted);
        return;
      }
      case identity.userMerged.subject: {
        const d = event.data as EventData<typeof identity.userMerged>;
        await this.merge(tx, d.sourceUserId, d.targetUserId);
        return;
      }
      case identity.userErased.subject: {
        const d = event.data as EventData<typeof identity.userErased>;
        await this.erase(tx, d.userId);
        this.logger.log(`erased user ${d.userId}`);
        return;
      }
    }
  }

  /** Cancels the user's RSVPs first (seats pass to the waiting list), then deletes their data. */
  async erase(tx: Tx, userId: string): Promise<void> {
    await lockKey(tx, `user:${userId}`);
    await this.cancelRsvps(tx, userId, await this.personal.activeRsvpEvents(tx, userId));
    await this.personal.erase(tx, userId);
    await redactPublishedEvents(tx, userId);
  }

  /** Moves the merged account's data to the survivor; where both RSVPed to an event, the merged account's RSVP is cancelled first. */
  async merge(tx: Tx, sourceUserId: string, targetUserId: string): Promise<void> {
    if (sourceUserId === targetUserId) return;
    for (const id of [sourceUserId, targetUserId].sort()) await lockKey(tx, `user:${id}`);
    await this.cancelRsvps(tx, sourceUserId, await this.personal.clashingRsvpEvents(tx, sourceUserId, targetUserId));
    await this.personal.merge(tx, sourceUserId, targetUserId);
  }

  private async cancelRsvps(tx: Tx, userId: string, eventIds: string[]): Promise<void> {
    for (const eventId of eventIds) {
      const result = await this.ctx.events.cancel(tx, eventId, userId);
      const event = await this.ctx.events.get(tx, eventId);
      if (result?.promoted && event) {
        await enqueueEvent(tx, c.rsvpConfirmed, {
          eventId,
          communityId: event.communityId,
          compoundId: event.compoundId,
          pickupPointId: event.pickupPointId,
          organiserUserId: event.organiserUserId,
          userId: result.promoted.userId,
          promotedFromWaitlist: true,
          confirmedAt: result.promoted.confirmedAt!.toISOString(),
        });
      }
    }
  }

  async onOrders(event: ReceivedEvent, tx: Tx): Promise<void> {
    if (event.subject === orders.orderPaid.subject) {
      const d = event.data as EventData<typeof orders.orderPaid>;
      if (!(await this.ctx.replicas.countOrderOnce(tx, d.orderId))) return;
      const skuIds = [...new Set(d.lines.flatMap((l) => [l.skuId, ...l.items.map((i) => i.skuId)]).filter((s): s is string => !!s))];
      const categories = d.lines.map((l) => l.categoryId).filter((x): x is string => !!x);
      const at = new Date(d.at);
      await this.ctx.replicas.addPurchaseCategories(tx, d.userId, categories, at);
      await this.cocreation.countOrder(tx, { orderId: d.orderId, userId: d.userId, campaignId: d.campaignId, skuIds, at });
      return;
    }
    if (event.subject === orders.orderCancelled.subject) {
      const d = event.data as EventData<typeof orders.orderCancelled>;
      await this.cocreation.uncountOrder(tx, d.orderId, new Date(d.at));
      return;
    }
    if (event.subject === orders.orderRefunded.subject) {
      const d = event.data as EventData<typeof orders.orderRefunded>;
      if (d.refundedCents >= d.totalCents) await this.cocreation.uncountOrder(tx, d.orderId, new Date(d.at));
      return;
    }
    if (event.subject === orders.orderPickedUp.subject) {
      const d = event.data as EventData<typeof orders.orderPickedUp>;
      const point = await this.ctx.replicas.pickupPoint(tx, d.pickupPointId);
      await this.surveys.offerNps(tx, { userId: d.userId, trigger: 'pickup', compoundId: d.compoundId, pickupPointId: d.pickupPointId, leaderUserId: point?.leaderUserId ?? null });
    }
  }
}
