import { Inject, Injectable } from '@nestjs/common';
import { orders as contracts, type Actor } from '@linli/contracts';
import { OrderRepository, OrdersDb, PickupPointDaysRepository, type OrderRow, type OrdersClient, type OrdersTx } from '@linli/orders-data-access';
import { OutboxRelay, enqueueEvent } from '@linli/nest-kit';
import { eventLine, viewLine } from './order-lines.js';
import { OrdersErrors } from './orders.exception.js';
import { canTransition, type OrderStatus } from './state-machine.js';

export type Tx = OrdersTx;
export type Client = OrdersClient;
export type { OrderRow };
export type TransitionActor = { kind: 'resident' | 'leader' | 'ops' | 'system' | 'payment'; userId: string | null };

export const SYSTEM: TransitionActor = { kind: 'system', userId: null };
export const PAYMENT: TransitionActor = { kind: 'payment', userId: null };

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
  readonly orders = new OrderRepository();

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

  find(client: Client, orderId: string): Promise<OrderRow | null> {
    return this.orders.find(client, orderId);
  }

  /** The order row, locked until the transaction ends. */
  lock(tx: Tx, orderId: string, skipLocked = false): Promise<OrderRow | null> {
    return this.orders.lock(tx, orderId, skipLocked);
  }

  async lockOrThrow(tx: Tx, orderId: string): Promise<OrderRow> {
    const row = await this.lock(tx, orderId);
    if (!row) throw OrdersErrors.orderNotFound(orderId);
    return row;
  }

  /** Pickup points the actor runs as a leader. */
  async leaderPointIds(client: Client, actor: Actor): Promise<string[]> {
    if (!actor.roles.includes('leader')) return [];
    return this.orders.pickupPointsLedBy(client, actor.userId);
  }

  /** Residents see their own orders, leaders their points' orders, ops every order. */
  async assertCanSee(client: Client, actor: Actor, order: OrderRow): Promise<void> {
    if (isOps(actor) || order.user_id === actor.userId) return;
    if ((await this.leaderPointIds(client, actor)).includes(order.pickup_point_id)) return;
    throw OrdersErrors.forbidden('this order is not yours');
  }

  async view(client: Client, orderId: string): Promise<contracts.Order> {
    const order = await this.orders.detail(client, orderId);
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
      pointsSpent: order.pointsSpent,
      pointsDiscountCents: order.pointsDiscountCents,
      payableCents: order.totalCents - order.pointsDiscountCents,
      lines: order.lines.map((line) => viewLine(line, line.refundedCents)),
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
    const lines = await this.orders.lines(tx, order.id);
    return {
      orderId: order.id,
      userId: order.user_id,
      campaignId: order.campaign_id,
      pickupPointId: order.pickup_point_id,
      compoundId: order.compound_id,
      status: order.status,
      totalCents: order.total_cents,
      lines: lines.map(eventLine),
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
    await this.orders.recordTransition(tx, { orderId: order.id, from, to: order.status, actorKind: actor.kind, actorUserId: actor.userId, reason, at });
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
    await this.orders.setStatus(tx, order.id, to, at);
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
    await this.orders.releaseHoldings(tx, order);
  }
}
