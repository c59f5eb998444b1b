import { Inject, Injectable } from '@nestjs/common';
import { orders as contracts, type Actor } from '@linli/contracts';
import { OrdersDb, PickupPointDaysRepository, type Prisma } from '@linli/orders-data-access';
import { OutboxRelay, enqueueEvent } from '@linli/nest-kit';
import { OrdersErrors } from './orders.exception.js';
import { canTransition, type OrderStatus } from './state-machine.js';

export type Tx = Prisma.TransactionClient;
export type Client = Tx | OrdersDb;
export type TransitionActor = { kind: 'resident' | 'leader' | 'ops' | 'system' | 'payment'; userId: string | null };

export const SYSTEM: TransitionActor = { kind: 'system', userId: null };
export const PAYMENT: TransitionActor = { kind: 'payment', userId: null };

export interface OrderRow {
  id: string;
  user_id: string;
  campaign_id: string;
  pickup_point_id: string;
  compound_id: string;
  status: OrderStatus;
  total_cents: number;
  paid_cents: number;
  refunded_cents: number;
  pickup_code: string;
  placed_at: Date;
  expires_at: Date;
  paid_at: Date | null;
  picked_up_at: Date | null;
}

const ORDER_COLUMNS = `id::text, user_id::text, campaign_id::text, pickup_point_id::text, compound_id, status, total_cents, paid_cents,
  refunded_cents, pickup_code, placed_at, expires_at, paid_at, picked_up_at`;

function normalise(row: OrderRow): OrderRow {
  return {
    ...row,
    placed_at: new Date(row.placed_at),
    expires_at: new Date(row.expires_at),
    paid_at: row.paid_at ? new Date(row.paid_at) : null,
    picked_up_at: row.picked_up_at ? new Date(row.picked_up_at) : null,
  };
}

export function isOps(actor: Actor): boolean {
  return actor.roles.includes('ops');
}

/** How an actor appears in an order's history: ops over leader over resident. */
export function transitionActor(actor: Actor, as?: 'resident' | 'leader' | 'ops'): TransitionActor {
  const kind = as ?? (isOps(actor) ? 'ops' : actor.roles.includes('leader') ? 'leader' : 'resident');
  return { kind, userId: actor.userId };
}

/** Loads, locks, moves and describes orders. Every status change goes through {@link OrderStore.transition}. */
@Injectable()
export class OrderStore {
  constructor(
    @Inject(OrdersDb) readonly db: OrdersDb,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(PickupPointDaysRepository) private readonly days: PickupPointDaysRepository,
  ) {}

  /** Runs `fn` in a transaction (waiting for a pooled connection under load) and nudges the outbox relay after commit. */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.db.$transaction(fn, { maxWait: 30_000, timeout: 30_000 });
    this.relay.notify();
    return result;
  }

  /** Nudges the outbox relay after a write that committed outside {@link OrderStore.transaction}. */
  published(): void {
    this.relay.notify();
  }

  async find(client: Client, orderId: string): Promise<OrderRow | null> {
    const rows = await client.$queryRawUnsafe<OrderRow[]>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1::uuid`, orderId);
    return rows[0] ? normalise(rows[0]) : null;
  }

  /** The order row, locked until the transaction ends. */
  async lock(tx: Tx, orderId: string, skipLocked = false): Promise<OrderRow | null> {
    const rows = await tx.$queryRawUnsafe<OrderRow[]>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1::uuid FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
      orderId,
    );
    return rows[0] ? normalise(rows[0]) : null;
  }

  async lockOrThrow(tx: Tx, orderId: string): Promise<OrderRow> {
    const row = await this.lock(tx, orderId);
    if (!row) throw OrdersErrors.orderNotFound(orderId);
    return row;
  }

  /** Pickup points the actor runs as a leader. */
  async leaderPointIds(client: Client, actor: Actor): Promise<string[]> {
    if (!actor.roles.includes('leader')) return [];
    const rows = await client.$queryRawUnsafe<{ id: string }[]>('SELECT id::text FROM pickup_points WHERE leader_user_id = $1::uuid', actor.userId);
    return rows.map((row) => row.id);
  }

  /** Residents see their own orders, leaders their points' orders, ops every order. */
  async assertCanSee(client: Client, actor: Actor, order: OrderRow): Promise<void> {
    if (isOps(actor) || order.user_id === actor.userId) return;
    if ((await this.leaderPointIds(client, actor)).includes(order.pickup_point_id)) return;
    throw OrdersErrors.forbidden('this order is not yours');
  }

  async view(client: Client, orderId: string): Promise<contracts.Order> {
    const order = await client.order.findUnique({
      where: { id: orderId },
      include: { lines: { include: { items: true }, orderBy: { lineNo: 'asc' } }, transitions: { orderBy: { id: 'asc' } } },
    });
    if (!order) throw OrdersErrors.orderNotFound(orderId);
    return {
      orderId: order.id,
      userId: order.userId,
      campaignId: order.campaignId,
      pickupPointId: order.pickupPointId,
      compoundId: order.compoundId,
      status: order.status as OrderStatus,
      totalCents: order.totalCents,
      paidCents: order.paidCents,
      refundedCents: order.refundedCents,
      lines: order.lines.map((line) => ({
        lineId: line.id,
        offerId: line.offerId,
        kind: line.kind as 'sku' | 'bundle',
        skuId: line.skuId,
        bundleId: line.bundleId,
        productId: line.productId,
        categoryId: line.categoryId,
        name: line.name,
        quantity: line.quantity,
        unitPriceCents: line.unitPriceCents,
        amountCents: line.amountCents,
        refundedCents: line.refundedCents,
        items: line.items.map((item) => ({ skuId: item.skuId, productId: item.productId, categoryId: item.categoryId, quantity: item.quantity })),
      })),
      placedAt: order.placedAt.toISOString(),
      expiresAt: order.expiresAt.toISOString(),
      updatedAt: order.updatedAt.toISOString(),
      transitions: order.transitions.map((t) => ({
        from: (t.fromStatus as OrderStatus | null) ?? null,
        to: t.toStatus as OrderStatus,
        actor: { kind: t.actorKind as TransitionActor['kind'], userId: t.actorUserId },
        reason: t.reason,
        at: t.at.toISOString(),
      })),
    };
  }

  /** What every order event carries. */
  async eventBase(tx: Tx, order: OrderRow, actor: TransitionActor, at: Date): Promise<contracts.OrderEventBase> {
    const lines = await tx.orderLine.findMany({ where: { orderId: order.id }, include: { items: true }, orderBy: { lineNo: 'asc' } });
    return {
      orderId: order.id,
      userId: order.user_id,
      campaignId: order.campaign_id,
      pickupPointId: order.pickup_point_id,
      compoundId: order.compound_id,
      status: order.status,
      totalCents: order.total_cents,
      lines: lines.map((line) => ({
        lineId: line.id,
        kind: line.kind as 'sku' | 'bundle',
        skuId: line.skuId,
        bundleId: line.bundleId,
        productId: line.productId,
        categoryId: line.categoryId,
        quantity: line.quantity,
        unitPriceCents: line.unitPriceCents,
        amountCents: line.amountCents,
        items: line.items.map((item) => ({ skuId: item.skuId, productId: item.productId, categoryId: item.categoryId, quantity: item.quantity })),
      })),
      placedAt: order.placed_at.toISOString(),
      at: at.toISOString(),
      actor,
    };
  }

  /** Records a transition (checked against the state machine) with who and when, and publishes its event. */
  async recordTransition(
    tx: Tx,
    order: OrderRow,
    from: OrderStatus | null,
    actor: TransitionActor,
    reason: string | null,
    at: Date,
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO order_transitions (order_id, from_status, to_status, actor_kind, actor_user_id, reason, at)
       VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6, $7::timestamptz)`,
      order.id,
      from,
      order.status,
      actor.kind,
      actor.userId,
      reason,
      at,
    );
  }

  /**
   * Moves an order (locked by the caller) to `to`: refuses anything the state machine does not allow,
   * records the transition and enqueues the matching event in the same transaction.
   */
  async transition(
    tx: Tx,
    order: OrderRow,
    to: OrderStatus,
    actor: TransitionActor,
    options: { reason?: string; extra?: Record<string, unknown> } = {},
  ): Promise<OrderRow> {
    if (!canTransition(order.status, to)) {
      if (order.status === to && to === 'picked_up') throw OrdersErrors.alreadyPickedUp(order.id);
      throw OrdersErrors.invalidTransition(order.status, to);
    }
    const at = new Date();
    await tx.$executeRawUnsafe(
      `UPDATE orders SET status = $2, updated_at = $3::timestamptz,
              paid_at = CASE WHEN $2 = 'paid' THEN $3::timestamptz ELSE paid_at END,
              picked_up_at = CASE WHEN $2 = 'picked_up' THEN $3::timestamptz ELSE picked_up_at END
        WHERE id = $1::uuid`,
      order.id,
      to,
      at,
    );
    const from = order.status;
    const moved: OrderRow = { ...order, status: to, paid_at: to === 'paid' ? at : order.paid_at, picked_up_at: to === 'picked_up' ? at : order.picked_up_at };
    const reason = options.reason ?? null;
    await this.recordTransition(tx, moved, from, actor, reason, at);
    const base = await this.eventBase(tx, moved, actor, at);
    const extra = options.extra ?? {};
    switch (to) {
      case 'paid':
        await enqueueEvent(tx, contracts.orderPaid, { ...base, paymentId: String(extra['paymentId']), paidCents: Number(extra['paidCents']) });
        break;
      case 'cancelled':
        await enqueueEvent(tx, contracts.orderCancelled, { ...base, reason: reason ?? 'cancelled' });
        break;
      case 'expired':
        await enqueueEvent(tx, contracts.orderExpired, base);
        break;
      case 'locked':
        await enqueueEvent(tx, contracts.orderLocked, base);
        break;
      case 'shipped':
        await enqueueEvent(tx, contracts.orderShipped, base);
        break;
      case 'received':
        await enqueueEvent(tx, contracts.orderReceived, { ...base, shortages: (extra['shortages'] as { skuId: string; quantity: number }[]) ?? [] });
        break;
      case 'picked_up':
        await enqueueEvent(tx, contracts.orderPickedUp, base);
        break;
      case 'completed':
        await enqueueEvent(tx, contracts.orderCompleted, base);
        break;
      case 'pending_payment':
        break;
    }
    return moved;
  }

  /**
   * Gives back what a cancelled or expired order held: its parcel at the pickup point's delivery day
   * first, then its per-customer quota, then its stock (one lock order everywhere).
   */
  async releaseHoldings(tx: Tx, order: OrderRow): Promise<void> {
    await this.days.release(tx, { pickupPointId: order.pickup_point_id, campaignId: order.campaign_id });
    await tx.$queryRawUnsafe(
      `SELECT q.offer_id FROM customer_quotas q JOIN order_lines l ON l.offer_id = q.offer_id
        WHERE l.order_id = $1::uuid AND q.campaign_id = $2::uuid AND q.user_id = $3::uuid ORDER BY q.offer_id FOR UPDATE OF q`,
      order.id,
      order.campaign_id,
      order.user_id,
    );
    await tx.$executeRawUnsafe(
      `UPDATE customer_quotas q SET quantity = q.quantity - l.quantity FROM order_lines l
        WHERE l.order_id = $1::uuid AND q.campaign_id = $2::uuid AND q.user_id = $3::uuid AND q.offer_id = l.offer_id`,
      order.id,
      order.campaign_id,
      order.user_id,
    );
    await tx.$queryRawUnsafe('SELECT orders_release_stock($1::uuid) AS units', order.id);
  }
}
