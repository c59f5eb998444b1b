import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { localServices, orders, recommendations as contracts, type EventData } from '@linli/contracts';
import { RecommendationsDb, StoreRepository, type CustomerFact, type ItemFact, type Prisma, type PurchaseStatus, type UserResolution } from '@linli/recommendations-data-access';
import { RecommendationEngine } from './engine/recommendation-engine.js';
import { RECOMMENDATIONS_OPTIONS, type RecommendationsOptions } from './recommendations.options.js';

export type Tx = Prisma.TransactionClient;

/** Booking subjects that become service purchases, and the status each means. */
const SERVICE_STATUS: Record<string, 'placed' | 'completed' | 'cancelled'> = {
  [localServices.bookingCreated.subject]: 'placed',
  [localServices.bookingCompleted.subject]: 'completed',
  [localServices.bookingCancelled.subject]: 'cancelled',
};
export const SERVICE_BOOKING_EVENTS = [localServices.bookingCreated, localServices.bookingCompleted, localServices.bookingCancelled];
type BookingEvent = EventData<typeof localServices.bookingCreated>;

/** Subject under which parked behaviour events are kept. */
export const BEHAVIOUR_SUBJECT = 'behaviour';

type OrderEvent = orders.OrderEventBase & { refundLines?: { lineId: string; quantity: number; amountCents: number }[] };
type BehaviourEvent = contracts.BehaviourEvent;

/** Order status → purchase status: paid money counts, picked-up or completed orders are done, cancelled ones never count. */
export function purchaseStatusOf(status: orders.OrderStatus): PurchaseStatus {
  switch (status) {
    case 'pending_payment':
      return 'placed';
    case 'paid':
    case 'locked':
    case 'shipped':
    case 'received':
      return 'paid';
    case 'picked_up':
    case 'completed':
      return 'completed';
    case 'cancelled':
    case 'expired':
      return 'cancelled';
  }
}

/** What the recommender sees for an order line: the SKU, else `bundle:<id>`, else the product. */
export function itemIdOf(line: { skuId: string | null; bundleId: string | null; productId: string | null; lineId: string }): string {
  return line.skuId ?? (line.bundleId ? `bundle:${line.bundleId}` : (line.productId ?? ''));
}

/** Every order event the behaviour store records as a purchase status. */
export const ORDER_EVENTS = orders.ORDER_EVENTS;

const ORDER_SUBJECTS = new Set<string>(ORDER_EVENTS.map((c) => c.subject));

/**
 * Writes what the consumers and the behaviour RPC receive into the behaviour store, and tells the
 * serving engine. Events about users not known yet are parked and applied when the user becomes
 * known (or, after `parkReleaseAfterMs`, applied anyway: the order service vouches for its users).
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Ingest');
  readonly store = new StoreRepository();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | null = null;

  constructor(
    @Inject(RecommendationsDb) private readonly db: RecommendationsDb,
    @Inject(RecommendationEngine) private readonly engine: RecommendationEngine,
    @Inject(RECOMMENDATIONS_OPTIONS) private readonly options: RecommendationsOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.parkSweepIntervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweepParked()
        .catch((error) => {
          this.logger.error(`parked-event sweep failed: ${error instanceof Error ? error.message : String(error)}`);
          return 0;
        })
        .finally(() => (this.sweeping = null));
    }, this.options.parkSweepIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  isOrderSubject(subject: string): boolean {
    return ORDER_SUBJECTS.has(subject);
  }

  isServiceSubject(subject: string): boolean {
    return subject in SERVICE_STATUS;
  }

  /** A local-services booking event: the booking becomes (or updates) a service purchase. No category for sensitive bookings. */
  async applyBookingEvent(tx: Tx, subject: string, data: BookingEvent, userId: string): Promise<void> {
    await this.store.upsertServicePurchase(tx, {
      bookingId: data.bookingId,
      userId,
      compoundId: data.compoundId,
      category: data.category ? `services/${data.category}` : 'services',
      amountCents: data.priceCents,
      status: SERVICE_STATUS[subject]!,
      bookedAt: new Date(data.occurredAt),
    });
  }

  /** Follows merges, locks the surviving user for this transaction, and says whether they are known. */
  async resolveLocked(tx: Tx, userId: string): Promise<UserResolution> {
    const first = await this.store.resolveUser(tx, userId);
    await this.store.lockUser(tx, first.userId);
    return this.store.resolveUser(tx, first.userId);
  }

  /**
   * Runs `apply` for a known user (merges followed), parks the event for an unknown one, and drops
   * it for an erased one. Returns what happened.
   */
  async forUser(tx: Tx, userId: string, park: { subject: string; eventId: string; payload: unknown }, apply: (userId: string) => Promise<void>): Promise<'applied' | 'parked' | 'erased'> {
    const user = await this.resolveLocked(tx, userId);
    if (user.kind === 'erased') return 'erased';
    if (user.kind === 'unknown') {
      await this.store.park(tx, user.userId, park.subject, park.eventId, park.payload);
      return 'parked';
    }
    await apply(user.userId);
    return 'applied';
  }

  /** An order event: its lines become (or update) purchases. */
  async applyOrderEvent(tx: Tx, subject: string, data: OrderEvent, userId: string): Promise<void> {
    const lines = data.lines.map((line) => ({
      lineKey: line.lineId,
      itemId: itemIdOf(line),
      skuId: line.skuId,
      bundleId: line.bundleId,
      productId: line.productId,
      category: line.categoryId ?? '',
      quantity: line.quantity,
      amountCents: line.amountCents,
    }));
    await this.store.upsertLivePurchase(tx, {
      userId,
      orderId: data.orderId,
      orderedAt: new Date(data.placedAt),
      status: purchaseStatusOf(data.status),
      compoundId: data.compoundId || null,
      pickupPointId: data.pickupPointId,
      campaignId: data.campaignId,
      lines,
    });
    if (subject === orders.orderRefunded.subject && data.refundLines) {
      await this.store.addRefunds(tx, data.orderId, data.refundLines.map((r) => ({ lineKey: r.lineId, amountCents: r.amountCents })));
    }
    await this.store.setPlace(tx, userId, data.compoundId || null, data.pickupPointId);
    await this.publishCustomer(tx, userId);
    this.engine.markDirty();
  }

  /** Stores behaviour events of a known user; returns how many were new. */
  async applyBehaviour(tx: Tx, userId: string, events: BehaviourEvent[]): Promise<number> {
    return this.store.insertBehaviour(
      tx,
      userId,
      events.map((e) => ({
        eventId: e.eventId,
        kind: e.kind,
        occurredAt: new Date(e.occurredAt),
        productId: e.productId ?? null,
        skuId: e.skuId ?? null,
        campaignId: e.campaignId ?? null,
        query: e.query ?? null,
        position: e.position ?? null,
        reason: e.reason ?? null,
      })),
    );
  }

  /** Applies (in order) what was parked for a user who is now known. */
  async releaseParked(tx: Tx, userId: string): Promise<number> {
    const parked = await this.store.takeParked(tx, userId);
    for (const row of parked) {
      if (row.subject === BEHAVIOUR_SUBJECT) {
        await this.applyBehaviour(tx, userId, [row.payload as BehaviourEvent]);
      } else if (this.isOrderSubject(row.subject)) {
        await this.applyOrderEvent(tx, row.subject, row.payload as OrderEvent, userId);
      } else if (this.isServiceSubject(row.subject)) {
        await this.applyBookingEvent(tx, row.subject, row.payload as BookingEvent, userId);
      } else {
        this.logger.warn(`dropping a parked event with an unknown subject ${row.subject}`);
      }
    }
    return parked.length;
  }

  /**
   * Periodic sweep: parked events of users who became known meanwhile are applied; users still unknown
   * after `parkReleaseAfterMs` are created from their events (the order service and the gateway only
   * send events about real users) and their events applied.
   */
  async sweepParked(now = new Date()): Promise<number> {
    const users = await this.store.parkedUsersToRelease(this.db, new Date(now.getTime() - 5_000), new Date(now.getTime() - this.options.parkReleaseAfterMs), 200);
    let released = 0;
    for (const { userId } of users) {
      released += await this.db.$transaction(
        async (tx) => {
          await this.store.lockUser(tx, userId);
          const user = await this.store.resolveUser(tx, userId);
          if (user.kind === 'erased') {
            await this.store.takeParked(tx, userId);
            return 0;
          }
          if (user.kind === 'unknown') {
            await this.store.ensureCustomer(tx, userId, await this.store.latestParkedPlace(tx, userId));
          }
          const n = await this.releaseParked(tx, user.userId);
          await this.publishCustomer(tx, user.userId);
          return n;
        },
        { timeout: 30_000 },
      );
    }
    if (released > 0) this.logger.log(`released ${released} parked event(s) of ${users.length} user(s)`);
    return released;
  }

  /** Hands the customer's committed-to-be facts to the serving engine. */
  async publishCustomer(tx: Tx, userId: string): Promise<void> {
    const fact = await this.customerFact(tx, userId);
    if (fact) this.engine.putCustomer(fact);
  }

  customerFact(tx: Tx, userId: string): Promise<CustomerFact | null> {
    return this.store.customerFact(tx, userId);
  }

  /** A campaign as serving needs it, read inside the transaction that stored it. */
  async publishCampaign(tx: Tx, campaignId: string): Promise<void> {
    // Read through the transaction: its rows are not committed yet.
    const stored = await this.store.campaignFact(tx, campaignId);
    if (!stored) return;
    const { fact, products: productMap, specs } = stored;
    const items: ItemFact[] = fact.offers
      .filter((o) => o.kind !== 'bundle')
      .map((o) => {
        const product = o.productId ? productMap.get(o.productId) : undefined;
        const spec = o.skuId ? specs.get(o.skuId) : undefined;
        return {
          itemId: o.itemId,
          skuId: o.skuId,
          bundleId: null,
          productId: o.productId,
          name: product ? (spec ? `${product.name} ${spec}` : product.name) : null,
          category: o.category ?? product?.category ?? '',
        };
      });
    this.engine.putCampaign(fact, items, productMap);
  }
}
