import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { orders as contracts, type Actor } from '@linli/contracts';
import { Coalescer, PgSql, outboxEventRow, type ItemResult } from '@linli/nest-kit';
import { CampaignService, type Binding } from './campaign.service.js';
import { OrdersErrors } from './orders.exception.js';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';
import { OrderStore, isOps, transitionActor, type Client, type OrderRow } from './order-store.js';
import { allocateShortages, priceOrder, type PricingOffer, type ShortageCandidate } from './pricing.js';
import { RefundService } from './refund.service.js';

type PlaceOrderInput = { campaignId: string; idempotencyKey: string; lines: { offerId: string; quantity: number }[]; expectedTotalCents: number };

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A 10-character pickup code (no 0/O or 1/I to misread). */
export function newPickupCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export function requestHash(input: PlaceOrderInput): string {
  const lines = [...input.lines].sort((a, b) => (a.offerId < b.offerId ? -1 : 1)).map((l) => `${l.offerId}:${l.quantity}`);
  return createHash('sha256').update(JSON.stringify([input.campaignId, lines, input.expectedTotalCents])).digest('hex');
}

/** Everything placing reads before it writes, in one statement (one snapshot, one round trip). */
interface PlacementContext {
  existing: { id: string; request_hash: string } | null;
  binding: Binding | null;
  campaign: { id: string; status: contracts.CampaignStatus; starts_at: Date; cutoff_at: Date } | null;
  serves: boolean;
  /** The campaign's offers among those requested, as pricing needs them. */
  offers: PricingOffer[];
  /** Stock left per SKU of those offers (read without locks; a SKU without stock rows has none). */
  available: Record<string, number>;
}

/**
 * The placement contexts of a batch of requests in one statement (one snapshot, one round trip, one
 * query plan for the batch): `orders_placement_contexts` (see its migration) over a JSON array
 * `[{user, key, campaign, offers}]`, in array order (jsonb: parsed once, not at every field read).
 */
const PLACEMENT_CONTEXTS_SQL = 'SELECT existing, binding, campaign, serves, offers, available FROM orders_placement_contexts($1::jsonb) ORDER BY n';

/**
 * Places a batch of orders in one statement and one transaction (`orders_place_orders`, see its
 * migrations), each decided in turn as it would be alone: the order row, the per-customer quotas
 * and the stock, then — for the batch's placed orders together — their lines and items, first
 * transitions, `orders.order.placed.v1` outbox rows and stock reservations. Answers per order 'placed', 'duplicate' (the idempotency key is taken),
 * 'limit:<offer id>' (a per-customer limit), 'short:<sku id>' (stock) or 'full:<pickup point id>' (the point's
 * daily capacity for the delivery date); a refused order writes nothing.
 */
const PLACE_ORDERS_SQL = 'SELECT orders_place_orders($1::jsonb) AS outcomes';

/** Placements running at once when each order is placed alone (`placementBatch` 1). */
const UNBATCHED_CONCURRENCY = 16;

type ContextRequest = { userId: string; input: PlaceOrderInput };
type ContextRow = { existing: unknown; binding: unknown; campaign: unknown; serves: boolean; offers: unknown; available: unknown };

/** One order for `orders_place_orders`, as JSON text (the event payload and trace context are JSON already). */
function placementJson(order: Record<string, unknown>, event: { payload: string; traceContext: string }): string {
  return `${JSON.stringify(order).slice(0, -1)},"eventPayload":${event.payload},"eventTrace":${event.traceContext}}`;
}

/** JSON columns arrive parsed or as text depending on the driver path. */
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

function placementContext(row: ContextRow): PlacementContext {
  const campaign = json<{ id: string; status: contracts.CampaignStatus; starts_at: string; cutoff_at: string } | null>(row.campaign);
  const offers = json<PricingOffer[]>(row.offers);
  // Components in SKU-id order, as everywhere else (the lock order of the reservation).
  for (const offer of offers) offer.components.sort((a, b) => (a.skuId < b.skuId ? -1 : 1));
  return {
    existing: json(row.existing),
    binding: json(row.binding),
    campaign: campaign && { ...campaign, starts_at: new Date(campaign.starts_at), cutoff_at: new Date(campaign.cutoff_at) },
    serves: row.serves,
    offers,
    available: json<Record<string, number>>(row.available),
  };
}

/** Placing, reading, cancelling, collecting and receiving orders. */
@Injectable()
export class OrderService {
  /**
   * Placement reads, gathered into batches while the one before runs: one read and one write in
   * flight, so under load the reads of many requests share one statement (its plan starts once).
   */
  readonly contexts: Coalescer<ContextRequest, PlacementContext>;
  /** Placement writes, likewise; one batch at a time, so batches of this process never wait on each other's locks. */
  readonly placements: Coalescer<string, string>;

  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(CampaignService) private readonly campaigns: CampaignService,
    @Inject(RefundService) private readonly refunds: RefundService,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersOptions,
    /** The two placement statements go straight to the pool: they run hundreds of times a second. */
    @Inject(PgSql) private readonly sql: PgSql,
  ) {
    const maxBatch = options.placementBatch;
    // Batches of orders take their locks in batch order, so one write batch at a time; single orders
    // lock in one global order (ADR 0004), so without batching they run side by side as before.
    const alone = maxBatch === 1 ? UNBATCHED_CONCURRENCY : undefined;
    this.contexts = new Coalescer((requests) => this.placementContexts(requests), { maxBatch, concurrency: alone ?? 1, isolateFailures: true });
    this.placements = new Coalescer((orders) => this.placeOrders(orders), { maxBatch, concurrency: alone ?? 1, isolateFailures: true });
  }

  private async byKey(client: Client, userId: string, key: string): Promise<{ id: string; request_hash: string } | null> {
    const rows = await client.$queryRawUnsafe<{ id: string; request_hash: string }[]>(
      'SELECT id::text, request_hash FROM orders WHERE user_id = $1::uuid AND idempotency_key = $2',
      userId,
      key,
    );
    return rows[0] ?? null;
  }

  private async placementContexts(requests: ContextRequest[]): Promise<ItemResult<PlacementContext>[]> {
    const rows = await this.sql.$queryRawUnsafe<ContextRow[]>(
      PLACEMENT_CONTEXTS_SQL,
      JSON.stringify(requests.map(({ userId, input }) => ({ user: userId, key: input.idempotencyKey, campaign: input.campaignId, offers: input.lines.map((line) => line.offerId) }))),
    );
    return rows.map((row) => ({ ok: true, value: placementContext(row) }));
  }

  private async placeOrders(orders: string[]): Promise<ItemResult<string>[]> {
    const [row] = await this.sql.$queryRawUnsafe<{ outcomes: string[] }[]>(PLACE_ORDERS_SQL, `[${orders.join(',')}]`);
    return (row?.outcomes ?? []).map((outcome) => ({ ok: true, value: outcome }));
  }

  private async replay(existing: { id: string; request_hash: string }, hash: string): Promise<contracts.Order> {
    if (existing.request_hash !== hash) throw OrdersErrors.idempotencyKeyReused();
    return this.store.view(this.store.db, existing.id);
  }

  /**
   * Places an order: reads what it needs, validates and prices it, then writes the order, takes the
   * per-customer quota and, last (so bucket locks are held for the shortest time), reserves stock —
   * all or nothing. The read and the write each go in a batch with the placements that arrive while
   * the previous batch runs (alone when none do): two round trips per batch. The same idempotency
   * key returns the same order.
   */
  async place(actor: Actor, input: PlaceOrderInput): Promise<contracts.Order> {
    const db = this.store.db;
    const hash = requestHash(input);
    const context = await this.contexts.submit({ userId: actor.userId, input });
    if (context.existing) return this.replay(context.existing, hash);

    const binding = context.binding;
    if (!binding) throw OrdersErrors.notBound();
    const campaign = context.campaign;
    if (!campaign || campaign.status === 'draft' || campaign.status === 'cancelled') throw OrdersErrors.campaignNotFound(input.campaignId);
    if (campaign.status !== 'published') throw OrdersErrors.campaignClosed(campaign.id);
    const now = new Date();
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
    // once a flash sale's stock is gone). Enough as read is only a hint; the reservation decides.
    const gone = priced.stockNeeds.find((need) => (context.available[need.skuId] ?? 0) < need.quantity);
    if (gone) throw OrdersErrors.stockExhausted(gone.skuId);

    const orderId = randomUUID();
    const expiresAt = new Date(Math.min(now.getTime() + this.options.paymentTimeoutSeconds * 1000, campaign.cutoff_at.getTime()));
    const lines = priced.lines.map((line, index) => ({ ...line, lineId: randomUUID(), lineNo: index + 1 }));
    const actorRef = transitionActor(actor, 'resident');
    // Per-customer quotas in offer order (the one lock order of quota rows).
    const limited = lines
      .filter((line) => line.offer.perCustomerLimit !== null)
      .sort((a, b) => (a.offer.offerId < b.offer.offerId ? -1 : 1));
    const event = outboxEventRow(contracts.orderPlaced, {
      orderId,
      userId: actor.userId,
      campaignId: campaign.id,
      pickupPointId: binding.pickup_point_id,
      compoundId: binding.compound_id,
      status: 'pending_payment',
      totalCents: priced.totalCents,
      lines: lines.map((line) => ({
        lineId: line.lineId,
        kind: line.offer.kind,
        skuId: line.offer.skuId,
        bundleId: line.offer.bundleId,
        productId: line.offer.productId,
        categoryId: line.offer.categoryId,
        quantity: line.quantity,
        unitPriceCents: line.unitPriceCents,
        amountCents: line.amountCents,
        items: line.items.map((item) => ({ skuId: item.skuId, productId: item.productId, categoryId: item.categoryId, quantity: item.quantity })),
      })),
      placedAt: now.toISOString(),
      at: now.toISOString(),
      actor: actorRef,
      expiresAt: expiresAt.toISOString(),
    });
    const outcome = await this.placements.submit(
      placementJson(
        {
          order: orderId,
          user: actor.userId,
          campaign: campaign.id,
          pickupPoint: binding.pickup_point_id,
          compound: binding.compound_id,
          key: input.idempotencyKey,
          hash,
          total: priced.totalCents,
          pickupCode: newPickupCode(),
          at: now.toISOString(),
          expires: expiresAt.toISOString(),
          lines: lines.map((line) => ({
            id: line.lineId,
            line_no: line.lineNo,
            offer_id: line.offer.offerId,
            kind: line.offer.kind,
            sku_id: line.offer.skuId,
            bundle_id: line.offer.bundleId,
            product_id: line.offer.productId,
            category_id: line.offer.categoryId,
            name: line.offer.name,
            quantity: line.quantity,
            unit_price_cents: line.unitPriceCents,
            amount_cents: line.amountCents,
          })),
          items: lines.flatMap((line) =>
            line.items.map((item) => ({
              line_id: line.lineId,
              sku_id: item.skuId,
              product_id: item.productId,
              category_id: item.categoryId,
              quantity: item.quantity,
              unit_value_cents: item.unitValueCents,
            })),
          ),
          actorKind: actorRef.kind,
          actorUser: actorRef.userId,
          quotas: limited.map((line) => ({ offer_id: line.offer.offerId, quantity: line.quantity, limit_qty: line.offer.perCustomerLimit })),
          eventId: event.id,
          eventSubject: event.subject,
          skus: priced.stockNeeds.map((need) => need.skuId),
          quantities: priced.stockNeeds.map((need) => need.quantity),
        },
        event,
      ),
    );
    if (outcome.startsWith('limit:')) {
      const over = limited.find((line) => line.offer.offerId === outcome.slice('limit:'.length));
      if (over) throw OrdersErrors.limitExceeded(over.offer.offerId, over.offer.perCustomerLimit!);
    }
    if (outcome.startsWith('short:')) throw OrdersErrors.stockExhausted(outcome.slice('short:'.length));
    if (outcome.startsWith('full:')) throw OrdersErrors.pickupPointFull(outcome.slice('full:'.length));
    if (outcome === 'duplicate') {
      const winner = await this.byKey(db, actor.userId, input.idempotencyKey);
      if (!winner) throw new Error(`order ${input.idempotencyKey} of ${actor.userId} was reported taken but cannot be read`);
      return this.replay(winner, hash);
    }
    if (outcome !== 'placed') throw new Error(`orders_place_order answered ${String(outcome)}`);
    this.store.published();
    // The order as written (what `view` would read back), without reading it back.
    const at = now.toISOString();
    return {
      orderId,
      userId: actor.userId,
      campaignId: campaign.id,
      pickupPointId: binding.pickup_point_id,
      compoundId: binding.compound_id,
      status: 'pending_payment',
      totalCents: priced.totalCents,
      paidCents: 0,
      refundedCents: 0,
      lines: lines.map((line) => ({
        lineId: line.lineId,
        offerId: line.offer.offerId,
        kind: line.offer.kind,
        skuId: line.offer.skuId,
        bundleId: line.offer.bundleId,
        productId: line.offer.productId,
        categoryId: line.offer.categoryId,
        name: line.offer.name,
        quantity: line.quantity,
        unitPriceCents: line.unitPriceCents,
        amountCents: line.amountCents,
        refundedCents: 0,
        items: line.items.map((item) => ({ skuId: item.skuId, productId: item.productId, categoryId: item.categoryId, quantity: item.quantity })),
      })),
      placedAt: at,
      expiresAt: expiresAt.toISOString(),
      updatedAt: at,
      transitions: [{ from: null, to: 'pending_payment', actor: actorRef, reason: null, at }],
    };
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
    const where: Record<string, unknown> = {};
    if (filter.campaignId) where['campaignId'] = filter.campaignId;
    if (filter.status) where['status'] = filter.status;
    if (filter.pickupPointId) {
      if (!isOps(actor) && !(await this.store.leaderPointIds(db, actor)).includes(filter.pickupPointId)) {
        throw OrdersErrors.forbidden('you do not run this pickup point');
      }
      where['pickupPointId'] = filter.pickupPointId;
    } else if (!isOps(actor)) {
      where['userId'] = actor.userId;
    }
    const [rows, total] = await Promise.all([
      db.order.findMany({ where, orderBy: [{ placedAt: 'desc' }, { id: 'asc' }], take: filter.limit, skip: filter.offset, select: { id: true } }),
      db.order.count({ where }),
    ]);
    const orders = [];
    for (const row of rows) orders.push(await this.store.view(db, row.id));
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
      const found = await tx.$queryRawUnsafe<{ id: string; pickup_point_id: string }[]>(
        'SELECT id::text, pickup_point_id::text FROM orders WHERE pickup_code = $1',
        code,
      );
      const match = found[0];
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
      const ids = await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM orders WHERE campaign_id = $1::uuid AND pickup_point_id = $2::uuid AND status IN ('locked', 'shipped') ORDER BY id`,
        input.campaignId,
        input.pickupPointId,
      );
      const locked: OrderRow[] = [];
      for (const { id } of ids) locked.push((await this.store.lock(tx, id))!);
      const shipped = locked.filter((order) => order.status === 'shipped');
      if (shipped.length === 0) {
        if (locked.some((order) => order.status === 'locked')) throw OrdersErrors.invalidTransition('locked', 'received');
        return { campaignId: input.campaignId, pickupPointId: input.pickupPointId, receivedOrders: 0, refunds: [], unallocated: input.shortages };
      }
      const candidates = await tx.$queryRawUnsafe<
        { order_id: string; line_id: string; sku_id: string; quantity: number; short_units: number; unit_value_cents: number; refundable: number; kind: string }[]
      >(
        `SELECT i.order_id::text, i.line_id::text, i.sku_id::text, i.quantity, i.short_units, i.unit_value_cents,
                (l.amount_cents - l.refunded_cents) AS refundable, l.kind
           FROM order_line_items i JOIN order_lines l ON l.id = i.line_id
          WHERE i.order_id = ANY($1::uuid[]) AND i.sku_id = ANY($2::uuid[])`,
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
        await tx.$executeRawUnsafe(
          'UPDATE order_line_items SET short_units = short_units + $3 WHERE line_id = $1::uuid AND sku_id = $2::uuid',
          allocation.lineId,
          allocation.skuId,
          allocation.units,
        );
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
        const amountCents = planLines.reduce((sum, line) => sum + line.amountCents, 0);
        if (amountCents === 0) continue;
        const { refund } = await this.refunds.refundLocked(tx, received, {
          refundKey: `shortage-${input.campaignId}-${order.id}`,
          reason: 'shortage',
          plan: { lines: planLines, amountCents },
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
