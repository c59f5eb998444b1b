import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { communities, identity, orders, recommendations, registry, type EventContract, type EventData } from '@linli/contracts';
import { CatalogRepository, CustomersRepository, MessagesRepository, type OrderCopyLine, type Prisma } from '@linli/leader-ops-data-access';
import { EventConsumers, type ReceivedEvent } from '@linli/nest-kit';

type Tx = Prisma.TransactionClient;

/** Durable consumer names of leader-ops' copies. */
export const CUSTOMER_COPY_CONSUMERS = {
  orders: 'leader-ops-customer-orders',
  identity: 'leader-ops-customer-identity',
  recommendations: 'leader-ops-customer-assets',
  communities: 'leader-ops-customer-communities',
  localServices: 'leader-ops-service-fees',
} as const;

/**
 * Subjects other work publishes later (growth's tiers, journeys and nudges; local-services'
 * bookings). Each is consumed as soon as its contract is in the registry; until then nothing
 * subscribes. Their payloads are read through the fields named here.
 */
export const LATER_SUBJECTS = {
  tierChanged: 'communities.tier.changed.v1',
  journeyStepChanged: 'communities.journey.step-changed.v1',
  journeyNudge: 'communities.journey.nudge.v1',
  bookingCompleted: 'local-services.booking.completed.v1',
} as const;

const ORDER_CONTRACTS = orders.ORDER_EVENTS;
const ORDER_SUBJECTS = new Set<string>(ORDER_CONTRACTS.map((c) => c.subject));

/** An orders lifecycle event other than a refund as an update of the order's copy (no refund in it). */
function orderUpdate(event: ReceivedEvent) {
  const data = event.data as EventData<typeof orders.orderPlaced> & Partial<EventData<typeof orders.orderRefunded>>;
  const at = new Date(data.at);
  return {
    orderId: data.orderId,
    userId: data.userId,
    pickupPointId: data.pickupPointId,
    compoundId: data.compoundId,
    status: data.status,
    totalCents: data.totalCents,
    lines: data.lines.map((l) => ({ lineId: l.lineId, categoryId: l.categoryId ?? l.items[0]?.categoryId ?? null, productId: l.productId, amountCents: l.amountCents, refundedCents: 0 })),
    placedAt: new Date(data.placedAt),
    eventAt: at,
    refundedCents: data.refundedCents ?? 0,
    receivedAt: event.subject === orders.orderReceived.subject ? at : null,
    completedAt: event.subject === orders.orderCompleted.subject ? at : null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const str = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

function later(subject: string): EventContract[] {
  const contract = registry.event.get(subject);
  return contract ? [contract] : [];
}

/**
 * Keeps leader-ops' own copies of what the customer console shows: orders (orders events), products
 * and open campaigns, profile and consents (identity), assets (recommendations), NPS answers
 * (communities), and — once published — tiers, journey steps and nudges (growth) and service fees
 * (local services). Each event is applied in the transaction that records it as processed.
 */
@Injectable()
export class CustomerCopiesConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('CustomerCopies');
  private readonly customers = new CustomersRepository();
  private readonly catalog = new CatalogRepository();
  private readonly messages = new MessagesRepository();

  constructor(@Inject(EventConsumers) private readonly consumers: EventConsumers<Tx>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: CUSTOMER_COPY_CONSUMERS.orders,
      domain: 'orders',
      contracts: [...ORDER_CONTRACTS, orders.productUpserted, orders.campaignPublished],
      handle: (event, tx) => this.onOrders(event, tx),
      // Every order's events pass through here: what has arrived together is written together.
      batch: 256,
      handleMany: (events, tx) => this.onManyOrders(events, tx),
    });
    await this.consumers.start({
      durable: CUSTOMER_COPY_CONSUMERS.identity,
      domain: 'identity',
      contracts: [identity.profileUpdated, identity.consentChanged, identity.userErased, identity.userMerged],
      handle: (event, tx) => this.onIdentity(event, tx),
    });
    await this.consumers.start({
      durable: CUSTOMER_COPY_CONSUMERS.recommendations,
      domain: 'recommendations',
      contracts: [recommendations.customerAssetsChanged],
      handle: (event, tx) => this.onAssets(event.data as EventData<typeof recommendations.customerAssetsChanged>, tx),
    });
    await this.consumers.start({
      durable: CUSTOMER_COPY_CONSUMERS.communities,
      domain: 'communities',
      contracts: [communities.surveyAnswered, ...later(LATER_SUBJECTS.tierChanged), ...later(LATER_SUBJECTS.journeyStepChanged), ...later(LATER_SUBJECTS.journeyNudge)],
      handle: (event, tx) => this.onCommunities(event, tx),
    });
    const bookings = later(LATER_SUBJECTS.bookingCompleted);
    if (bookings.length > 0) {
      await this.consumers.start({ durable: CUSTOMER_COPY_CONSUMERS.localServices, domain: 'local-services', contracts: bookings, handle: (event, tx) => this.onBooking(event, tx) });
    }
  }

  /**
   * A batch of orders events in arrival order: runs of lifecycle events without a refund become one
   * statement (`applyOrders`); refunds, products and campaigns are applied one by one between them.
   */
  private async onManyOrders(events: ReceivedEvent[], tx: Tx): Promise<void> {
    let run: ReceivedEvent[] = [];
    const flush = async () => {
      if (run.length > 0) await this.customers.applyOrders(tx, run.map((e) => orderUpdate(e)));
      run = [];
    };
    for (const event of events) {
      if (ORDER_SUBJECTS.has(event.subject) && event.subject !== orders.orderRefunded.subject) {
        run.push(event);
        continue;
      }
      await flush();
      await this.onOrders(event, tx);
    }
    await flush();
  }

  private async onOrders(event: ReceivedEvent, tx: Tx): Promise<void> {
    if (event.subject === orders.productUpserted.subject) {
      const p = event.data as EventData<typeof orders.productUpserted>;
      await this.catalog.upsertProduct(tx, { productId: p.productId, name: p.name, categoryId: p.categoryId, healthFlags: p.healthFlags, active: p.active, updatedAt: new Date(p.updatedAt) });
      return;
    }
    if (event.subject === orders.campaignPublished.subject) {
      const c = event.data as EventData<typeof orders.campaignPublished>;
      await this.catalog.upsertCampaign(tx, {
        campaignId: c.campaignId,
        title: c.title,
        startsAt: new Date(c.startsAt),
        cutoffAt: new Date(c.cutoffAt),
        pickupPointIds: c.pickupPointIds,
        productIds: [...new Set(c.offers.flatMap((o) => [o.productId, ...o.items.map((i) => i.productId)]).filter((id): id is string => !!id))],
        categoryIds: [...new Set(c.offers.flatMap((o) => [o.categoryId, ...o.items.map((i) => i.categoryId)]).filter((id): id is string => !!id))],
      });
      return;
    }
    if (!ORDER_SUBJECTS.has(event.subject)) return;
    const data = event.data as EventData<typeof orders.orderPlaced> & Partial<EventData<typeof orders.orderRefunded>>;
    if (await this.customers.isErased(tx, data.userId)) return; // a late event about an erased user
    const existing = await this.customers.getOrder(tx, data.orderId);
    const refundedBefore = new Map(((existing?.lines ?? []) as unknown as OrderCopyLine[]).map((l) => [l.lineId, l.refundedCents]));
    const refundNow = new Map<string, number>();
    if (event.subject === orders.orderRefunded.subject) for (const r of data.refundLines ?? []) refundNow.set(r.lineId, (refundNow.get(r.lineId) ?? 0) + r.amountCents);
    const update = orderUpdate(event);
    const lines: OrderCopyLine[] = update.lines.map((l) => ({ ...l, refundedCents: Math.min(l.amountCents, (refundedBefore.get(l.lineId) ?? 0) + (refundNow.get(l.lineId) ?? 0)) }));
    await this.customers.applyOrder(tx, {
      ...update,
      lines,
      refundedCents: data.refundedCents ?? lines.reduce((n, l) => n + l.refundedCents, 0),
      complaintsDelta: event.subject === orders.orderRefunded.subject && data.reason === 'quality' ? 1 : 0,
    });
  }

  private async onIdentity(event: ReceivedEvent, tx: Tx): Promise<void> {
    switch (event.subject) {
      case identity.profileUpdated.subject: {
        const { userId, profile } = event.data as EventData<typeof identity.profileUpdated>;
        if (await this.customers.isErased(tx, userId)) return;
        await this.customers.upsertCopy(tx, userId, {
          nickname: profile.nickname ?? null,
          birthday: profile.birthday ?? null,
          building: profile.building ?? null,
          household: (profile.household ?? undefined) as Prisma.InputJsonValue | undefined,
          dietary: (profile.dietary ?? undefined) as Prisma.InputJsonValue | undefined,
        });
        return;
      }
      case identity.consentChanged.subject: {
        const { userId, purpose, granted } = event.data as EventData<typeof identity.consentChanged>;
        if (await this.customers.isErased(tx, userId)) return;
        await this.customers.upsertCopy(tx, userId, purpose === 'marketing' ? { marketingConsent: granted } : { profilingConsent: granted });
        return;
      }
      case identity.userErased.subject:
        await this.customers.eraseUser(tx, (event.data as EventData<typeof identity.userErased>).userId);
        return;
      case identity.userMerged.subject: {
        const { sourceUserId, targetUserId } = event.data as EventData<typeof identity.userMerged>;
        if (sourceUserId !== targetUserId) await this.customers.mergeUsers(tx, sourceUserId, targetUserId);
        return;
      }
    }
  }

  private async onAssets(data: EventData<typeof recommendations.customerAssetsChanged>, tx: Tx): Promise<void> {
    if (!UUID.test(data.userId)) return; // an imported customer who never signed up
    if (await this.customers.isErased(tx, data.userId)) return;
    const current = await this.customers.getCopy(tx, data.userId);
    if (current?.assetsAsOf && current.assetsAsOf > data.asOf) return; // an older refresh arriving late
    await this.customers.upsertCopy(tx, data.userId, {
      stage: data.stage,
      churnRisk: data.churnRisk,
      clvCents: data.clvCents,
      completeness: data.completeness,
      tags: data.tags as Prisma.InputJsonValue,
      assetsAsOf: data.asOf,
    });
  }

  private async onCommunities(event: ReceivedEvent, tx: Tx): Promise<void> {
    if (event.subject === communities.surveyAnswered.subject) {
      const a = event.data as EventData<typeof communities.surveyAnswered>;
      if (a.kind !== 'nps' || a.score === null || (await this.customers.isErased(tx, a.userId))) return;
      await this.customers.addNps(tx, { responseId: a.responseId, userId: a.userId, leaderUserId: a.leaderUserId, pickupPointId: a.pickupPointId, score: a.score, trigger: a.trigger, answeredAt: new Date(a.answeredAt) });
      return;
    }
    const data = event.data as Record<string, unknown>;
    const userId = str(data['userId']);
    if (!userId || !UUID.test(userId) || (await this.customers.isErased(tx, userId))) return;
    if (event.subject === LATER_SUBJECTS.tierChanged) {
      await this.customers.upsertCopy(tx, userId, { tier: str(data['tier']) ?? str(data['toTier']) ?? str(data['newTier']) });
    } else if (event.subject === LATER_SUBJECTS.journeyStepChanged) {
      const since = str(data['enteredAt']) ?? str(data['changedAt']) ?? event.occurredAt;
      await this.customers.upsertCopy(tx, userId, { journeyStep: str(data['step']) ?? str(data['stepKey']), journeyStepSince: new Date(since) });
    } else if (event.subject === LATER_SUBJECTS.journeyNudge) {
      const text = str(data['text']);
      if (!text || (await this.messages.fromEvent(tx, event.id))) return;
      const copy = await this.customers.getCopy(tx, userId);
      if (copy?.marketingConsent !== true) {
        this.logger.log(`journey nudge ${event.id} not delivered: no marketing consent`);
        return;
      }
      const message = await this.messages.create(tx, { id: randomUUID(), userId, senderUserId: null, channel: 'in-app', category: 'marketing', title: str(data['title']) ?? '邻里小贴士', body: text, sourceEventId: event.id });
      await this.messages.markDelivered(tx, message.id, new Date());
    }
  }

  private async onBooking(event: ReceivedEvent, tx: Tx): Promise<void> {
    const data = event.data as Record<string, unknown>;
    const bookingId = str(data['bookingId']);
    const leaderUserId = str(data['leaderUserId']);
    const fee = data['leaderFeeCents'] ?? data['serviceFeeCents'];
    if (!bookingId || !leaderUserId || typeof fee !== 'number' || !Number.isInteger(fee) || fee <= 0) return;
    await this.customers.addServiceFee(tx, { bookingId, leaderUserId, feeCents: fee, completedAt: new Date(str(data['completedAt']) ?? event.occurredAt) });
  }
}
