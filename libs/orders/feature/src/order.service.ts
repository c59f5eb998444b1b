import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { orders as contracts, type Actor, type RpcRequest } from '@linli/contracts';
import { Coalescer, PgSql, outboxEventRow, type ItemResult } from '@linli/nest-kit';
import {
  PlacementRepository,
  placementJson,
  type Binding,
  type PlacementContext,
  type PlacementOrder,
  type PlacementOutcome,
  type PlacementRequest,
} from '@linli/orders-data-access';
import { CampaignService } from './campaign.service.js';
import { eventLine, newOrderLines, viewLine } from './order-lines.js';
import { OrdersErrors } from './orders.exception.js';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';
import { OrderStore, isOps, transitionActor, type OrderRow, type TransitionActor } from './order-store.js';
import { allocateShortages, moneyShare, priceOrder, type PricedOrder, type ShortageCandidate } from './pricing.js';
import { POINTS_LEDGER, pointsOrderId, type PointsLedger } from './points-ledger.js';
import { RefundService } from './refund.service.js';

type PlaceOrderInput = Omit<RpcRequest<typeof contracts.placeOrder>, 'actor'>;

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A 10-character pickup code (no 0/O or 1/I to misread). */
export function newPickupCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export function requestHash(input: PlaceOrderInput): string {
  const lines = [...input.lines].sort((a, b) => (a.offerId < b.offerId ? -1 : 1)).map((l) => `${l.offerId}:${l.quantity}`);
  // Points join the hash only when spent, so the hash of a request without them is what it always was.
  const parts: unknown[] = [input.campaignId, lines, input.expectedTotalCents];
  if (input.pointsToSpend) parts.push(input.pointsToSpend);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Placements running at once when each order is placed alone (`placementBatch` 1). */
const UNBATCHED_CONCURRENCY = 16;

type PlaceableCampaign = NonNullable<PlacementContext['campaign']>;

/**
 * Whether the request may be placed as read: the resident is bound, the campaign is open and serves
 * them, every offer is in it and within its per-customer limit, the total is what the client showed,
 * and — as read, only a hint: the reservation decides — there is stock.
 */
export function checkPlacement(context: PlacementContext, input: PlaceOrderInput, now: Date): { binding: Binding; campaign: PlaceableCampaign; priced: PricedOrder } {
  const { binding, campaign } = context;
  if (!binding) throw OrdersErrors.notBound();
  if (!campaign || campaign.status === 'draft' || campaign.status === 'cancelled') throw OrdersErrors.campaignNotFound(input.campaignId);
  if (campaign.status !== 'published') throw OrdersErrors.campaignClosed(campaign.id);
  if (now < campaign.starts_at) throw OrdersErrors.campaignNotStarted(campaign.starts_at);
  if (now >= campaign.cutoff_at) throw OrdersErrors.campaignClosed(campaign.id);
  if (!context.serves) throw OrdersErrors.notServed(campaign.id);
  const priced = priceOrder(new Map(context.offers.map((offer) => [offer.offerId, offer])), input.lines);
  for (const line of priced.lines) {
    if (line.offer.perCustomerLimit !== null && line.quantity > line.offer.perCustomerLimit) {
      throw OrdersErrors.limitExceeded(line.offer.offerId, line.offer.perCustomerLimit);
    }
  }
  if (priced.totalCents !== input.expectedTotalCents) throw OrdersErrors.priceMismatch(input.expectedTotalCents, priced.totalCents);
  // Sold out as read: refuse without writing or queueing for the bucket locks (the common answer
  // once a flash sale's stock is gone).
  const gone = priced.stockNeeds.find((need) => (context.available[need.skuId] ?? 0) < need.quantity);
  if (gone) throw OrdersErrors.stockExhausted(gone.skuId);
  return { binding, campaign, priced };
}

/** The order as placement writes it: lines in the one line shape, quotas and stock in lock order, its placed event. */
function newPlacement(
  actor: Actor,
  input: PlaceOrderInput,
  hash: string,
  checked: ReturnType<typeof checkPlacement>,
  now: Date,
  paymentTimeoutSeconds: number,
  points?: { orderId: string; spent: number; discountCents: number; reservationId: string },
): PlacementOrder {
  const { binding, campaign, priced } = checked;
  const orderId = points?.orderId ?? randomUUID();
  const expiresAt = new Date(Math.min(now.getTime() + paymentTimeoutSeconds * 1000, campaign.cutoff_at.getTime()));
  const lines = newOrderLines(priced.lines, randomUUID);
  const actorRef = transitionActor(actor, 'resident');
  const quotas = priced.lines
    .filter((line) => line.offer.perCustomerLimit !== null)
    .map((line) => ({ offerId: line.offer.offerId, quantity: line.quantity, limit: line.offer.perCustomerLimit! }))
    .sort((a, b) => (a.offerId < b.offerId ? -1 : 1));
  const event = outboxEventRow(contracts.orderPlaced, {
    orderId,
    userId: actor.userId,
    campaignId: campaign.id,
    pickupPointId: binding.pickup_point_id,
    compoundId: binding.compound_id,
    status: 'pending_payment',
    totalCents: priced.totalCents,
    lines: lines.map(eventLine),
    placedAt: now.toISOString(),
    at: now.toISOString(),
    actor: actorRef,
    expiresAt: expiresAt.toISOString(),
  });
  return {
    orderId,
    userId: actor.userId,
    campaignId: campaign.id,
    pickupPointId: binding.pickup_point_id,
    compoundId: binding.compound_id,
    idempotencyKey: input.idempotencyKey,
    requestHash: hash,
    totalCents: priced.totalCents,
    pickupCode: newPickupCode(),
    placedAt: now,
    expiresAt,
    lines,
    actor: actorRef,
    quotas,
    stock: priced.stockNeeds,
    ...(points ? { points: { spent: points.spent, discountCents: points.discountCents, reservationId: points.reservationId } } : {}),
    event,
  };
}

/**
 * What `points` take off an order of `totalCents`: `pointValueCents` each, refused when less than
 * `minimumPayableCents` would be left to pay in money.
 */
export function pointsDiscount(points: number, totalCents: number, rule: { pointValueCents: number; minimumPayableCents: number }): number {
  const discountCents = points * rule.pointValueCents;
  const maxDiscountCents = Math.max(0, totalCents - rule.minimumPayableCents);
  if (discountCents > maxDiscountCents) throw OrdersErrors.pointsExceedTotal(points, discountCents, maxDiscountCents);
  return discountCents;
}

/** The order as written (what `view` would read back), without reading it back. */
function placedView(p: PlacementOrder): contracts.Order {
  const at = p.placedAt.toISOString();
  return {
    orderId: p.orderId,
    userId: p.userId,
    campaignId: p.campaignId,
    pickupPointId: p.pickupPointId,
    compoundId: p.compoundId,
    status: 'pending_payment',
    totalCents: p.totalCents,
    paidCents: 0,
    refundedCents: 0,
    pointsSpent: p.points?.spent ?? 0,
    pointsDiscountCents: p.points?.discountCents ?? 0,
    payableCents: p.totalCents - (p.points?.discountCents ?? 0),
    lines: p.lines.map((line) => viewLine(line, 0)),
    placedAt: at,
    expiresAt: p.expiresAt.toISOString(),
    updatedAt: at,
    transitions: [{ from: null, to: 'pending_payment', actor: p.actor as TransitionActor, reason: null, at }],
  };
}

/** Placing, reading, cancelling, collecting and receiving orders. */
@Injectable()
export class OrderService {
  private readonly placement = new PlacementRepository();
  private readonly logger = new Logger('Orders');

  /**
   * Placement reads, gathered into batches while the one before runs: one read and one write in
   * flight, so under load the reads of many requests share one statement (its plan starts once).
   */
  readonly contexts: Coalescer<PlacementRequest, PlacementContext>;
  /** Placement writes (orders serialised by `placementJson`), likewise; one batch at a time, so batches of this process never wait on each other's locks. */
  readonly placements: Coalescer<string, PlacementOutcome>;

  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(CampaignService) private readonly campaigns: CampaignService,
    @Inject(RefundService) private readonly refunds: RefundService,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersOptions,
    /** The two placement statements go straight to the pool: they run hundreds of times a second. */
    @Inject(PgSql) private readonly sql: PgSql,
    @Inject(POINTS_LEDGER) private readonly ledger: PointsLedger,
  ) {
    const maxBatch = options.placementBatch;
    // Batches of orders take their locks in batch order, so one write batch at a time; single orders
    // lock in one global order (ADR 0004), so without batching they run side by side as before.
    const alone = maxBatch === 1 ? UNBATCHED_CONCURRENCY : undefined;
    const ok = <T>(values: T[]): ItemResult<T>[] => values.map((value) => ({ ok: true, value }));
    this.contexts = new Coalescer(async (requests) => ok(await this.placement.placementContexts(this.sql, requests)), {
      maxBatch,
      concurrency: alone ?? 1,
      isolateFailures: true,
    });
    this.placements = new Coalescer(async (orders) => ok(await this.placement.placeOrders(this.sql, orders)), { maxBatch, concurrency: alone ?? 1, isolateFailures: true });
  }

  private async replay(existing: { id: string; request_hash: string }, hash: string): Promise<contracts.Order> {
    if (existing.request_hash !== hash) throw OrdersErrors.idempotencyKeyReused();
    return this.store.view(this.store.db, existing.id);
  }

  /**
   * Places an order: reads what it needs, checks and prices it, then writes the order, takes the
   * per-customer quota and, last (so bucket locks are held for the shortest time), reserves stock —
   * all or nothing. The read and the write each go in a batch with the placements that arrive while
   * the previous batch runs (alone when none do): two round trips per batch. The same idempotency
   * key returns the same order.
   */
  async place(actor: Actor, input: PlaceOrderInput): Promise<contracts.Order> {
    const hash = requestHash(input);
    const context = await this.contexts.submit({
      userId: actor.userId,
      idempotencyKey: input.idempotencyKey,
      campaignId: input.campaignId,
      offerIds: input.lines.map((line) => line.offerId),
    });
    if (context.existing) return this.replay(context.existing, hash);
    if (input.pointsToSpend) return this.placeWithPoints(actor, input, hash, context, input.pointsToSpend);
    const now = new Date();
    const placement = newPlacement(actor, input, hash, checkPlacement(context, input, now), now, this.options.paymentTimeoutSeconds);
    const outcome = await this.placements.submit(placementJson(placement));
    if (outcome !== 'placed') return this.refused(placement, outcome, hash);
    this.store.published();
    return placedView(placement);
  }

  /**
   * Places an order paid partly with points: checks and prices it as any order, then has the ledger hold
   * the points (keyed by the order, whose id the idempotency key fixes, so a retry holds them once) and
   * writes the order with the hold in the same batch statement as every other placement. Insufficient
   * points or an unreachable ledger refuse the order before anything is written; an order the statement
   * does not write gives its hold back (and the ledger's sweep releases holds of orders that never
   * appeared, should that fail too).
   */
  private async placeWithPoints(actor: Actor, input: PlaceOrderInput, hash: string, context: PlacementContext, points: number): Promise<contracts.Order> {
    const now = new Date();
    const checked = checkPlacement(context, input, now);
    const discountCents = pointsDiscount(points, checked.priced.totalCents, this.options.points);
    const orderId = pointsOrderId(actor.userId, input.idempotencyKey);
    const hold = await this.ledger.reserve({ userId: actor.userId, points, orderId });
    if (hold.status !== 'held') throw OrdersErrors.pointsHoldClosed(orderId);
    const placement = newPlacement(actor, input, hash, checked, now, this.options.paymentTimeoutSeconds, {
      orderId,
      spent: points,
      discountCents,
      reservationId: hold.reservationId,
    });
    let outcome: PlacementOutcome;
    try {
      outcome = await this.placements.submit(placementJson(placement));
    } catch (error) {
      // Written or not is unknown: the order, if it was, is paid or expires and the ledger follows it;
      // if it was not, the hold is orphaned. Only an order that is certainly absent gives it back here.
      const written = await this.store.orders.findByIdempotencyKey(this.store.db, actor.userId, input.idempotencyKey).then(
        (row) => (row ? 'yes' : 'no'),
        () => 'unknown',
      );
      if (written === 'no') await this.releaseHold(actor.userId, hold.reservationId, orderId);
      throw error;
    }
    if (outcome === 'placed') {
      this.store.published();
      return placedView(placement);
    }
    if (outcome === 'duplicate') {
      // Another attempt under the same key won: the same order (and hold) if it spent the same points.
      const winner = await this.store.orders.findByIdempotencyKey(this.store.db, actor.userId, input.idempotencyKey);
      if (winner?.id !== orderId) await this.releaseHold(actor.userId, hold.reservationId, orderId);
    } else {
      await this.releaseHold(actor.userId, hold.reservationId, orderId);
    }
    return this.refused(placement, outcome, hash);
  }

  /** Gives back the hold of an order that was not written; a failure is logged and left to the ledger's sweep of orphaned holds. */
  private async releaseHold(userId: string, reservationId: string, orderId: string): Promise<void> {
    await this.ledger.release({ userId, reservationId }).catch((error: unknown) => {
      this.logger.error(`points reservation ${reservationId} of unplaced order ${orderId} not released (the ledger's sweep will): ${String(error)}`);
    });
  }

  /** What a placement the statement did not write answers: a limit or stock refusal, or the order placed first under the same key. */
  private async refused(placement: PlacementOrder, outcome: PlacementOutcome, hash: string): Promise<contracts.Order> {
    if (outcome.startsWith('limit:')) {
      const over = placement.quotas.find((quota) => quota.offerId === outcome.slice('limit:'.length));
      if (over) throw OrdersErrors.limitExceeded(over.offerId, over.limit);
    }
    if (outcome.startsWith('short:')) throw OrdersErrors.stockExhausted(outcome.slice('short:'.length));
    if (outcome.startsWith('full:')) throw OrdersErrors.pickupPointFull(outcome.slice('full:'.length));
    if (outcome === 'duplicate') {
      const winner = await this.store.orders.findByIdempotencyKey(this.store.db, placement.userId, placement.idempotencyKey);
      if (!winner) throw new Error(`order ${placement.idempotencyKey} of ${placement.userId} was reported taken but cannot be read`);
      return this.replay(winner, hash);
    }
    throw new Error(`orders_place_orders answered ${String(outcome)}`);
  }

  async get(actor: Actor, orderId: string): Promise<contracts.Order> {
    const order = await this.store.find(this.store.db, orderId);
    if (!order) throw OrdersErrors.orderNotFound(orderId);
    await this.store.assertCanSee(this.store.db, actor, order);
    return this.store.view(this.store.db, orderId);
  }

  /** Residents list their own orders; leaders a point they run (`pickupPointId`); ops anything. */
  async list(
    actor: Actor,
    filter: { campaignId?: string; pickupPointId?: string; status?: contracts.OrderStatus; limit: number; offset: number },
  ): Promise<{ orders: contracts.Order[]; total: number }> {
    const db = this.store.db;
    if (filter.pickupPointId && !isOps(actor) && !(await this.store.leaderPointIds(db, actor)).includes(filter.pickupPointId)) {
      throw OrdersErrors.forbidden('you do not run this pickup point');
    }
    const { ids, total } = await this.store.orders.page(db, {
      ...filter,
      // Without a pickup point, everyone but ops sees their own orders only.
      ...(!filter.pickupPointId && !isOps(actor) ? { userId: actor.userId } : {}),
    });
    const orders = [];
    for (const id of ids) orders.push(await this.store.view(db, id));
    return { orders, total };
  }

  /** Residents cancel their own order before the cut-off; ops may cancel until shipping. Paid money is refunded. */
  async cancel(actor: Actor, orderId: string, reason?: string): Promise<contracts.Order> {
    await this.store.transaction(async (tx) => {
      const order = await this.store.lockOrThrow(tx, orderId);
      const ops = isOps(actor);
      if (!ops && order.user_id !== actor.userId) throw OrdersErrors.forbidden('this order is not yours');
      if (order.status === 'cancelled') return;
      if (!ops) {
        if (order.status !== 'pending_payment' && order.status !== 'paid') throw OrdersErrors.invalidTransition(order.status, 'cancelled');
        const campaign = await this.campaigns.row(tx, order.campaign_id);
        if (!campaign || campaign.cutoff_at.getTime() <= Date.now()) throw OrdersErrors.campaignClosed(order.campaign_id);
      }
      const who = transitionActor(actor, ops ? 'ops' : 'resident');
      const moved = await this.store.transition(tx, order, 'cancelled', who, { reason: reason ?? (ops ? 'cancelled by operations' : 'cancelled by the resident') });
      await this.store.releaseHoldings(tx, moved);
      await this.refunds.refundAllLocked(tx, moved, 'cancellation', `cancel-${order.id}`, who);
    });
    return this.store.view(this.store.db, orderId);
  }

  async pickupCode(actor: Actor, orderId: string) {
    const order = await this.store.find(this.store.db, orderId);
    if (!order) throw OrdersErrors.orderNotFound(orderId);
    if (order.user_id !== actor.userId) throw OrdersErrors.forbidden('this order is not yours');
    if (!['paid', 'locked', 'shipped', 'received'].includes(order.status)) throw OrdersErrors.invalidTransition(order.status, 'picked_up');
    return { orderId, code: order.pickup_code, pickupPointId: order.pickup_point_id };
  }

  /** A leader scans a resident's code at their own point: received → picked_up, once. */
  async scan(actor: Actor, code: string): Promise<contracts.Order> {
    const points = await this.store.leaderPointIds(this.store.db, actor);
    if (points.length === 0) throw OrdersErrors.forbidden('only the leader of a pickup point may scan pickup codes');
    const orderId = await this.store.transaction(async (tx) => {
      const match = await this.store.orders.findByPickupCode(tx, code);
      if (!match || !points.includes(match.pickup_point_id)) throw OrdersErrors.pickupCodeInvalid();
      const order = await this.store.lockOrThrow(tx, match.id);
      if (order.status === 'picked_up' || order.status === 'completed') throw OrdersErrors.alreadyPickedUp(order.id);
      await this.store.transition(tx, order, 'picked_up', transitionActor(actor, 'leader'));
      return order.id;
    });
    return this.store.view(this.store.db, orderId);
  }

  /**
   * The leader confirms the delivery arrived: every shipped order at the point becomes received, and
   * units reported short are allocated to orders (most recently paid first) and refunded at once.
   */
  async confirmReceipt(actor: Actor, input: { campaignId: string; pickupPointId: string; shortages: { skuId: string; quantity: number }[] }) {
    if (!isOps(actor) && !(await this.store.leaderPointIds(this.store.db, actor)).includes(input.pickupPointId)) {
      throw OrdersErrors.forbidden('you do not run this pickup point');
    }
    return this.store.transaction(async (tx) => {
      const campaign = await this.campaigns.row(tx, input.campaignId);
      if (!campaign) throw OrdersErrors.campaignNotFound(input.campaignId);
      const ids = await this.store.orders.idsInCampaign(tx, input.campaignId, ['locked', 'shipped'], [input.pickupPointId]);
      const locked: OrderRow[] = [];
      for (const id of ids) locked.push((await this.store.lock(tx, id))!);
      const shipped = locked.filter((order) => order.status === 'shipped');
      if (shipped.length === 0) {
        if (locked.some((order) => order.status === 'locked')) throw OrdersErrors.invalidTransition('locked', 'received');
        return { campaignId: input.campaignId, pickupPointId: input.pickupPointId, receivedOrders: 0, refunds: [], unallocated: input.shortages };
      }
      const candidates = await this.store.orders.shortageCandidates(
        tx,
        shipped.map((order) => order.id),
        input.shortages.map((shortage) => shortage.skuId),
      );
      const paidAt = new Map(shipped.map((order) => [order.id, order.paid_at ?? order.placed_at]));
      const kindOf = new Map(candidates.map((c) => [c.line_id, c.kind]));
      const { allocations, unallocated } = allocateShortages(
        input.shortages,
        candidates.map(
          (c): ShortageCandidate => ({
            orderId: c.order_id,
            lineId: c.line_id,
            skuId: c.sku_id,
            quantity: c.quantity,
            shortUnits: c.short_units,
            unitValueCents: c.unit_value_cents,
            refundableCents: Number(c.refundable),
            paidAt: paidAt.get(c.order_id)!,
          }),
        ),
      );
      for (const allocation of allocations) {
        await this.store.orders.addShortUnits(tx, allocation.lineId, allocation.skuId, allocation.units);
      }
      const who = transitionActor(actor, isOps(actor) ? 'ops' : 'leader');
      const refunds: { orderId: string; refundId: string; amountCents: number }[] = [];
      for (const order of shipped) {
        const mine = allocations.filter((a) => a.orderId === order.id);
        const shortages = [...mine.reduce((m, a) => m.set(a.skuId, (m.get(a.skuId) ?? 0) + a.units), new Map<string, number>())].map(([skuId, quantity]) => ({ skuId, quantity }));
        const received = await this.store.transition(tx, order, 'received', who, { extra: { shortages } });
        const byLine = new Map<string, { lineId: string; quantity: number; amountCents: number }>();
        for (const a of mine) {
          const line = byLine.get(a.lineId) ?? { lineId: a.lineId, quantity: 0, amountCents: 0 };
          line.quantity += kindOf.get(a.lineId) === 'sku' ? a.units : 0;
          line.amountCents += a.amountCents;
          byLine.set(a.lineId, line);
        }
        const planLines = [...byLine.values()].filter((line) => line.amountCents > 0);
        // An order paid partly with points is refunded the money part; the ledger gives the points part back.
        const plan = moneyShare({ lines: planLines, amountCents: planLines.reduce((sum, line) => sum + line.amountCents, 0) }, order);
        if (plan.amountCents === 0) continue;
        const { refund } = await this.refunds.refundLocked(tx, received, {
          refundKey: `shortage-${input.campaignId}-${order.id}`,
          reason: 'shortage',
          plan,
          description: 'reported short on delivery',
          requestedBy: actor.userId,
          actor: who,
        });
        refunds.push({ orderId: order.id, refundId: refund.refundId, amountCents: refund.amountCents });
      }
      return { campaignId: input.campaignId, pickupPointId: input.pickupPointId, receivedOrders: shipped.length, refunds, unallocated };
    });
  }
}
