import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { communities, growth, identity, orders, type EventData } from '@linli/contracts';
import { GrowthErasureRepository, GrowthMembersRepository, GrowthMergesRepository, GrowthReferralsRepository } from '@linli/communities-data-access';
import { EventConsumers, RetryLater, enqueueEvent, type ReceivedEvent } from '@linli/nest-kit';
import { ActivityService } from './activity.service.js';
import { GovernanceService } from './governance.service.js';
import { GROWTH_OPTIONS, type GrowthOptions, type Tx } from './growth.options.js';
import { purchasePoints } from './growth.rules.js';
import { JourneysService } from './journeys.service.js';
import { LedgerService } from './ledger.service.js';
import { ReferralsService } from './referrals.service.js';
import { TiersService } from './tiers.service.js';

/** Durable consumer names of the growth module (one per source domain). */
export const GROWTH_CONSUMERS = {
  identity: 'communities-growth-identity',
  orders: 'communities-growth-orders',
  communities: 'communities-growth-communities',
} as const;

const ORDER_EVENTS = [orders.orderPaid, orders.orderPickedUp, orders.orderCompleted, orders.orderCancelled, orders.orderExpired, orders.orderRefunded];

/** Refunds of money paid twice or after the order closed: nothing bought is given back, so points stay. */
const PAYMENT_REFUNDS = new Set<string>(['late-payment', 'duplicate-payment']);
const COMMUNITY_EVENTS = [
  communities.memberJoined,
  communities.rsvpConfirmed,
  communities.checkedIn,
  communities.proposalCreated,
  communities.proposalVoted,
  communities.proposalLaunched,
  communities.surveyAnswered,
];

/**
 * Everything growth learns comes from events: sign-ups (with invite codes), profile compounds and
 * erasures from identity; orders paid, collected, completed, cancelled and expired from orders; joins, RSVPs,
 * check-ins, co-creation and survey answers from the communities module. Each event is handled once
 * (nest-kit records its id), and each effect is keyed by its source as well (an order earns once
 * whichever of its events arrives, however often).
 */
@Injectable()
export class GrowthConsumers implements OnApplicationBootstrap {
  private readonly members = new GrowthMembersRepository();
  private readonly proposals = new GrowthReferralsRepository();
  private readonly erasure = new GrowthErasureRepository();
  private readonly merges = new GrowthMergesRepository();

  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers<Tx>,
    @Inject(GROWTH_OPTIONS) private readonly options: GrowthOptions,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(ActivityService) private readonly activity: ActivityService,
    @Inject(TiersService) private readonly tiers: TiersService,
    @Inject(JourneysService) private readonly journeys: JourneysService,
    @Inject(ReferralsService) private readonly referrals: ReferralsService,
    @Inject(GovernanceService) private readonly governance: GovernanceService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({ durable: GROWTH_CONSUMERS.identity, domain: 'identity', contracts: [identity.userRegistered, identity.profileUpdated, identity.userErased, identity.userMerged], handle: (e, tx) => this.onIdentity(e, tx) });
    await this.consumers.start({ durable: GROWTH_CONSUMERS.orders, domain: 'orders', contracts: ORDER_EVENTS, handle: (e, tx) => this.onOrder(e, tx) });
    await this.consumers.start({ durable: GROWTH_CONSUMERS.communities, domain: 'communities', contracts: COMMUNITY_EVENTS, handle: (e, tx) => this.onCommunity(e, tx) });
  }

  private get earn() {
    return this.options.rules.earn;
  }

  /** Events about an erased person (arriving late, from other streams) are dropped. */
  private async erased(tx: Tx, userId: string): Promise<boolean> {
    return this.erasure.isErased(tx, userId);
  }

  async onIdentity(event: ReceivedEvent, tx: Tx): Promise<void> {
    if (event.subject === identity.userMerged.subject) return this.merged(tx, event.data as EventData<typeof identity.userMerged>);
    if (event.subject !== identity.userErased.subject && (await this.erased(tx, (event.data as { userId: string }).userId))) return;
    if (event.subject === identity.userRegistered.subject) {
      const data = event.data as EventData<typeof identity.userRegistered>;
      const at = new Date(data.registeredAt);
      await this.members.lock(tx, data.userId);
      await this.members.setRegistered(tx, data.userId, at);
      await this.journeys.enrol(tx, data.userId, at);
      if (data.inviteCode) await this.referrals.attributeAtSignUp(tx, data.userId, data.inviteCode);
      return;
    }
    if (event.subject === identity.profileUpdated.subject) {
      const data = event.data as EventData<typeof identity.profileUpdated>;
      if (data.profile.compoundId) await this.members.setPlace(tx, data.userId, data.profile.compoundId, null);
      return;
    }
    if (event.subject === identity.userErased.subject) {
      // In the same (ordered) consumer as the person's other identity events, so none re-creates them after.
      const userId = (event.data as EventData<typeof identity.userErased>).userId;
      await this.erasure.erase(tx, userId, randomUUID());
      // Published events about them are redacted with the rest; ones still waiting for the relay would
      // go out afterwards unredacted, so the erasure is retried once they are out.
      if ((await this.erasure.unpublishedMentioning(tx, userId)) > 0) throw new RetryLater('events about the person are still being published', 300);
    }
  }

  /**
   * One person's two accounts became one: the merged-away member's points, activity, badges, journey
   * progress and referrals move to the survivor (journal entries and copied rows; the source's history
   * stays as it was), and the survivor's tier, badges and journeys are re-read from the combined
   * activity. Keyed by the merge, so a redelivery moves nothing twice.
   */
  private async merged(tx: Tx, m: EventData<typeof identity.userMerged>): Promise<void> {
    if (m.sourceUserId === m.targetUserId || (await this.erased(tx, m.targetUserId)) || (await this.erased(tx, m.sourceUserId))) return;
    for (const userId of [m.sourceUserId, m.targetUserId].sort()) await this.members.lock(tx, userId);
    await this.ledger.moveForMerge(tx, m);
    await this.merges.copyActivities(tx, m.mergeId, m.sourceUserId, m.targetUserId);
    const badges = await this.merges.copyBadges(tx, m.sourceUserId, m.targetUserId);
    for (const badge of badges) {
      const rule = this.options.rules.badges.find((b) => b.badgeId === badge.badgeId);
      await enqueueEvent(tx, growth.badgeAwarded, { userId: m.targetUserId, badgeId: badge.badgeId, title: rule?.title ?? badge.badgeId, awardedAt: new Date(badge.awardedAt).toISOString() });
    }
    await this.merges.copyJourneys(tx, m.sourceUserId, m.targetUserId);
    await this.merges.moveReferrals(tx, m.sourceUserId, m.targetUserId);
    await this.activity.refresh(tx, m.targetUserId, new Date(m.mergedAt));
  }

  async onOrder(event: ReceivedEvent, tx: Tx): Promise<void> {
    const data = event.data as orders.OrderEventBase;
    if (await this.erased(tx, data.userId)) return;
    const at = new Date(data.at);
    await this.members.setPlace(tx, data.userId, data.compoundId, data.pickupPointId);
    switch (event.subject) {
      case orders.orderPaid.subject:
        await this.ledger.followReference(tx, 'order', data.orderId, 'paid');
        await this.activity.record(tx, { userId: data.userId, kind: 'order', sourceKey: `order:${data.orderId}`, at });
        return;
      case orders.orderCancelled.subject:
      case orders.orderExpired.subject:
        await this.ledger.followReference(tx, 'order', data.orderId, 'cancelled');
        return;
      case orders.orderPickedUp.subject:
      case orders.orderCompleted.subject:
        await this.collected(tx, data, at);
        return;
      case orders.orderRefunded.subject: {
        // A cancelled or expired order's points follow its cancelled/expired event (everything back).
        const refund = event.data as EventData<typeof orders.orderRefunded>;
        if (refund.status === 'cancelled' || refund.status === 'expired' || PAYMENT_REFUNDS.has(refund.reason)) return;
        await this.ledger.followRefund(tx, {
          userId: data.userId,
          orderId: data.orderId,
          refundId: refund.refundId,
          baseCents: refund.totalCents - (refund.pointsDiscountCents ?? 0),
          beforeCents: refund.refundedCents - refund.amountCents,
          afterCents: refund.refundedCents,
        });
        return;
      }
    }
  }

  /** An order collected (picked up, or completed without a pickup seen): purchase points, the first-pickup bonus, the referral. */
  private async collected(tx: Tx, data: orders.OrderEventBase, at: Date): Promise<void> {
    const userId = data.userId;
    // Earn at the tier held before this pickup counts (an upgrade it causes applies from the next order).
    const multiplier = this.tiers.perks(await this.tiers.tierOf(tx, userId)).pointsMultiplier;
    const isNew = await this.activity.record(tx, { userId, kind: 'pickup', sourceKey: `pickup:${data.orderId}`, at });
    if (!isNew) return;
    const points = purchasePoints(this.options.rules, data.lines, multiplier);
    await this.ledger.earn(tx, { userId, points, key: `order:${data.orderId}`, description: `Order collected (${(data.totalCents / 100).toFixed(2)} yuan)`, reference: `order:${data.orderId}`, at });
    if (((await this.activity.counts(tx, userId)).pickup ?? 0) === 1) {
      await this.ledger.earn(tx, { userId, points: this.earn.firstPickup, key: `first-pickup:${userId}`, description: 'First pickup bonus', reference: `order:${data.orderId}`, at });
      await this.referrals.convert(tx, userId, data.orderId, at);
    }
  }

  async onCommunity(event: ReceivedEvent, tx: Tx): Promise<void> {
    const d = event.data as { userId?: string; proposerUserId?: string };
    const subject = d.userId ?? d.proposerUserId;
    if (subject && (await this.erased(tx, subject))) return;
    switch (event.subject) {
      case communities.memberJoined.subject: {
        const d = event.data as EventData<typeof communities.memberJoined>;
        const at = new Date(d.joinedAt);
        if (d.compoundId) await this.members.setPlace(tx, d.userId, d.compoundId, d.pickupPointId);
        const key = `join:${d.communityId}:${d.userId}`;
        if (await this.activity.record(tx, { userId: d.userId, kind: 'community-join', sourceKey: key, at })) {
          await this.ledger.earn(tx, { userId: d.userId, points: this.earn.communityJoined, key, description: 'Joined a community', reference: `community:${d.communityId}`, at });
        }
        return;
      }
      case communities.rsvpConfirmed.subject: {
        const d = event.data as EventData<typeof communities.rsvpConfirmed>;
        await this.activity.record(tx, { userId: d.userId, kind: 'event-rsvp', sourceKey: `rsvp:${d.eventId}:${d.userId}`, at: new Date(d.confirmedAt) });
        return;
      }
      case communities.checkedIn.subject: {
        const d = event.data as EventData<typeof communities.checkedIn>;
        const at = new Date(d.checkedInAt);
        const key = `check-in:${d.eventId}:${d.userId}`;
        if (await this.activity.record(tx, { userId: d.userId, kind: 'event-check-in', sourceKey: key, at })) {
          await this.ledger.earn(tx, { userId: d.userId, points: this.earn.eventCheckIn, key, description: 'Attended an event', reference: `event:${d.eventId}`, at });
        }
        // The organiser's event was attended: counts once per event.
        if (d.organiserUserId !== d.userId && !(await this.erased(tx, d.organiserUserId))) await this.activity.record(tx, { userId: d.organiserUserId, kind: 'event-organised', sourceKey: `organised:${d.eventId}`, at });
        return;
      }
      case communities.proposalCreated.subject: {
        const d = event.data as EventData<typeof communities.proposalCreated>;
        const at = new Date(d.createdAt);
        await this.proposals.rememberProposal(tx, { proposalId: d.proposalId, communityId: d.communityId, proposerUserId: d.proposerUserId, createdAt: at });
        const key = `proposal:${d.proposalId}`;
        if (await this.activity.record(tx, { userId: d.proposerUserId, kind: 'proposal', sourceKey: key, at })) {
          await this.ledger.earn(tx, { userId: d.proposerUserId, points: this.earn.proposalCreated, key, description: 'Proposed a product', reference: key, at });
        }
        return;
      }
      case communities.proposalVoted.subject: {
        const d = event.data as EventData<typeof communities.proposalVoted>;
        const at = new Date(d.votedAt);
        await this.governance.recordVote(tx, { proposalId: d.proposalId, userId: d.userId, votedAt: at });
        const key = `vote:${d.proposalId}:${d.userId}`;
        if (await this.activity.record(tx, { userId: d.userId, kind: 'vote', sourceKey: key, at })) {
          await this.ledger.earn(tx, { userId: d.userId, points: this.earn.proposalVoted, key, description: 'Voted on a proposal', reference: `proposal:${d.proposalId}`, at });
        }
        return;
      }
      case communities.proposalLaunched.subject: {
        const d = event.data as EventData<typeof communities.proposalLaunched>;
        const at = new Date(d.launchedAt);
        const key = `launched:${d.proposalId}`;
        if (await this.activity.record(tx, { userId: d.proposerUserId, kind: 'proposal-launched', sourceKey: key, at })) {
          await this.ledger.earn(tx, { userId: d.proposerUserId, points: this.earn.proposalLaunched, key, description: 'A proposal of yours was launched', reference: `proposal:${d.proposalId}`, at });
        }
        return;
      }
      case communities.surveyAnswered.subject: {
        const d = event.data as EventData<typeof communities.surveyAnswered>;
        const at = new Date(d.answeredAt);
        const key = `survey:${d.responseId}`;
        if (await this.activity.record(tx, { userId: d.userId, kind: 'survey', sourceKey: key, at })) {
          await this.ledger.earn(tx, { userId: d.userId, points: this.earn.surveyAnswered, key, description: 'Answered a survey', reference: `survey:${d.surveyId}`, at });
        }
        return;
      }
    }
  }
}
