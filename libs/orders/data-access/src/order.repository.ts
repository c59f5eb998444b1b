import type { OrdersClient, OrdersTx } from './client.js';
import { storedOrderLine, type StoredOrderLine } from './order-line.js';

/** Statuses an order moves through (the state machine lives in the feature lib). */
export type OrderStatusValue = 'pending_payment' | 'paid' | 'locked' | 'shipped' | 'received' | 'picked_up' | 'completed' | 'cancelled' | 'expired';

export interface OrderRow {
  id: string;
  user_id: string;
  campaign_id: string;
  pickup_point_id: string;
  compound_id: string;
  status: OrderStatusValue;
  total_cents: number;
  paid_cents: number;
  refunded_cents: number;
  points_spent: number;
  points_discount_cents: number;
  points_reservation_id: string | null;
  pickup_code: string;
  placed_at: Date;
  expires_at: Date;
  paid_at: Date | null;
  picked_up_at: Date | null;
}

export interface TransitionRecord {
  orderId: string;
  from: string | null;
  to: string;
  actorKind: string;
  actorUserId: string | null;
  reason: string | null;
  at: Date;
}

/** An order line item that may absorb units reported short on delivery. */
export interface ShortageCandidateRow {
  order_id: string;
  line_id: string;
  sku_id: string;
  quantity: number;
  short_units: number;
  unit_value_cents: number;
  refundable: number;
  kind: string;
}

export interface OrderListFilter {
  campaignId?: string;
  status?: string;
  pickupPointId?: string;
  userId?: string;
  limit: number;
  offset: number;
}

const ORDER_COLUMNS = `id::text, user_id::text, campaign_id::text, pickup_point_id::text, compound_id, status, total_cents, paid_cents,
  refunded_cents, points_spent, points_discount_cents, points_reservation_id::text, pickup_code, placed_at, expires_at, paid_at, picked_up_at`;

function normalise(row: OrderRow): OrderRow {
  return {
    ...row,
    placed_at: new Date(row.placed_at),
    expires_at: new Date(row.expires_at),
    paid_at: row.paid_at ? new Date(row.paid_at) : null,
    picked_up_at: row.picked_up_at ? new Date(row.picked_up_at) : null,
  };
}

const ids = (rows: { id: string }[]) => rows.map((row) => row.id);

/**
 * Orders, their lines, transitions, quotas and short units. Every method takes the client or
 * transaction to run on; status rules are the caller's (the feature lib's state machine).
 */
export class OrderRepository {
  async find(client: OrdersClient, orderId: string): Promise<OrderRow | null> {
    const rows = await client.$queryRawUnsafe<OrderRow[]>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1::uuid`, orderId);
    return rows[0] ? normalise(rows[0]) : null;
  }

  /** The order row, locked until the transaction ends (`skipLocked`: null when another holds it). */
  async lock(tx: OrdersTx, orderId: string, skipLocked = false): Promise<OrderRow | null> {
    const rows = await tx.$queryRawUnsafe<OrderRow[]>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1::uuid FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
      orderId,
    );
    return rows[0] ? normalise(rows[0]) : null;
  }

  /** The order a user placed under an idempotency key, with the hash of the request that placed it. */
  async findByIdempotencyKey(client: OrdersClient, userId: string, key: string): Promise<{ id: string; request_hash: string } | null> {
    const rows = await client.$queryRawUnsafe<{ id: string; request_hash: string }[]>(
      'SELECT id::text, request_hash FROM orders WHERE user_id = $1::uuid AND idempotency_key = $2',
      userId,
      key,
    );
    return rows[0] ?? null;
  }

  async findByPickupCode(client: OrdersClient, code: string): Promise<{ id: string; pickup_point_id: string } | null> {
    const rows = await client.$queryRawUnsafe<{ id: string; pickup_point_id: string }[]>('SELECT id::text, pickup_point_id::text FROM orders WHERE pickup_code = $1', code);
    return rows[0] ?? null;
  }

  /** Pickup points a user runs as their leader. */
  async pickupPointsLedBy(client: OrdersClient, userId: string): Promise<string[]> {
    return ids(await client.$queryRawUnsafe<{ id: string }[]>('SELECT id::text FROM pickup_points WHERE leader_user_id = $1::uuid', userId));
  }

  /** The order with its lines (in the one line shape) and its transitions, in order. */
  async detail(client: OrdersClient, orderId: string) {
    const order = await client.order.findUnique({
      where: { id: orderId },
      include: { lines: { include: { items: true }, orderBy: { lineNo: 'asc' } }, transitions: { orderBy: { id: 'asc' } } },
    });
    return order && { ...order, lines: order.lines.map(storedOrderLine) };
  }

  async lines(client: OrdersClient, orderId: string): Promise<StoredOrderLine[]> {
    return (await client.orderLine.findMany({ where: { orderId }, include: { items: true }, orderBy: { lineNo: 'asc' } })).map(storedOrderLine);
  }

  /** Ids of one page of orders (newest first) and how many match. */
  async page(client: OrdersClient, filter: OrderListFilter): Promise<{ ids: string[]; total: number }> {
    const where: Record<string, string> = {};
    if (filter.campaignId) where['campaignId'] = filter.campaignId;
    if (filter.status) where['status'] = filter.status;
    if (filter.pickupPointId) where['pickupPointId'] = filter.pickupPointId;
    if (filter.userId) where['userId'] = filter.userId;
    const [rows, total] = await Promise.all([
      client.order.findMany({ where, orderBy: [{ placedAt: 'desc' }, { id: 'asc' }], take: filter.limit, skip: filter.offset, select: { id: true } }),
      client.order.count({ where }),
    ]);
    return { ids: ids(rows), total };
  }

  /** Sets the status (and `paid_at` / `picked_up_at` when it becomes paid / picked up). */
  async setStatus(tx: OrdersTx, orderId: string, to: string, at: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE orders SET status = $2, updated_at = $3::timestamptz,
              paid_at = CASE WHEN $2 = 'paid' THEN $3::timestamptz ELSE paid_at END,
              picked_up_at = CASE WHEN $2 = 'picked_up' THEN $3::timestamptz ELSE picked_up_at END
        WHERE id = $1::uuid`,
      orderId,
      to,
      at,
    );
  }

  async recordTransition(tx: OrdersTx, t: TransitionRecord): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO order_transitions (order_id, from_status, to_status, actor_kind, actor_user_id, reason, at)
       VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6, $7::timestamptz)`,
      t.orderId,
      t.from,
      t.to,
      t.actorKind,
      t.actorUserId,
      t.reason,
      t.at,
    );
  }

  async addPaid(tx: OrdersTx, orderId: string, cents: number): Promise<void> {
    await tx.$executeRawUnsafe('UPDATE orders SET paid_cents = paid_cents + $2, updated_at = now() WHERE id = $1::uuid', orderId, cents);
  }

  /** Books a settled refund on the order and on each refunded line (cents and units; the CHECKs keep both within what was paid). */
  async addRefunded(tx: OrdersTx, orderId: string, lines: readonly { lineId: string; quantity: number; amountCents: number }[], amountCents: number): Promise<void> {
    for (const line of lines) {
      await tx.$executeRawUnsafe(
        'UPDATE order_lines SET refunded_cents = refunded_cents + $2, refunded_units = refunded_units + $3 WHERE id = $1::uuid',
        ...[line.lineId, line.amountCents, line.quantity],
      );
    }
    await tx.$executeRawUnsafe('UPDATE orders SET refunded_cents = refunded_cents + $2, updated_at = now() WHERE id = $1::uuid', orderId, amountCents);
  }

  /** Gives back what a cancelled or expired order held: its per-customer quota first, then its stock (one lock order everywhere). */
  async releaseHoldings(tx: OrdersTx, order: Pick<OrderRow, 'id' | 'campaign_id' | 'user_id'>): Promise<void> {
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

  /** Unpaid orders past their expiry, oldest first. */
  async dueToExpire(client: OrdersClient, limit: number): Promise<string[]> {
    return ids(
      await client.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM orders WHERE status = 'pending_payment' AND expires_at <= now() ORDER BY expires_at LIMIT $1`,
        limit,
      ),
    );
  }

  /** Picked-up orders whose complaint window has passed. */
  async dueToComplete(client: OrdersClient, windowHours: number, limit: number): Promise<string[]> {
    return ids(
      await client.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM orders WHERE status = 'picked_up' AND picked_up_at <= now() - make_interval(hours => $1::int) ORDER BY picked_up_at LIMIT $2`,
        windowHours,
        limit,
      ),
    );
  }

  /** Ids of a campaign's orders in one of `statuses` (at these pickup points, when given), in id order (the lock order). */
  async idsInCampaign(client: OrdersClient, campaignId: string, statuses: string[], pickupPointIds?: string[] | null): Promise<string[]> {
    return ids(
      await client.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM orders WHERE campaign_id = $1::uuid AND status = ANY($2::text[])
            AND ($3::uuid[] IS NULL OR pickup_point_id = ANY($3::uuid[])) ORDER BY id`,
        campaignId,
        statuses,
        pickupPointIds ?? null,
      ),
    );
  }

  /** How many of a campaign's orders are still pending payment or paid (not yet decided at cut-off). */
  async countUndecided(tx: OrdersClient, campaignId: string): Promise<number> {
    const rows = await tx.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM orders WHERE campaign_id = $1::uuid AND status IN ('pending_payment', 'paid')`,
      campaignId,
    );
    return Number(rows[0]!.n);
  }

  async countLockedAndCancelled(tx: OrdersClient, campaignId: string): Promise<{ locked: number; cancelled: number }> {
    const rows = await tx.$queryRawUnsafe<{ locked: number; cancelled: number }[]>(
      `SELECT count(*) FILTER (WHERE status = 'locked')::int AS locked,
              count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled FROM orders WHERE campaign_id = $1::uuid`,
      campaignId,
    );
    return { locked: Number(rows[0]!.locked), cancelled: Number(rows[0]!.cancelled) };
  }

  /** The line items of these orders that carry these SKUs, with what is left to refund on their line. */
  shortageCandidates(tx: OrdersTx, orderIds: string[], skuIds: string[]): Promise<ShortageCandidateRow[]> {
    return tx.$queryRawUnsafe<ShortageCandidateRow[]>(
      `SELECT i.order_id::text, i.line_id::text, i.sku_id::text, i.quantity, i.short_units, i.unit_value_cents,
              (l.amount_cents - l.refunded_cents) AS refundable, l.kind
         FROM order_line_items i JOIN order_lines l ON l.id = i.line_id
        WHERE i.order_id = ANY($1::uuid[]) AND i.sku_id = ANY($2::uuid[])`,
      orderIds,
      skuIds,
    );
  }

  async addShortUnits(tx: OrdersTx, lineId: string, skuId: string, units: number): Promise<void> {
    await tx.$executeRawUnsafe('UPDATE order_line_items SET short_units = short_units + $3 WHERE line_id = $1::uuid AND sku_id = $2::uuid', lineId, skuId, units);
  }
}
