import { createHash } from 'node:crypto';
import type { Prisma, CustomerCopy, CustomerOrder } from './generated/prisma/client.js';

/** SHA-256 of a user id: what leader-ops keeps of an erased user. */
export function userHash(userId: string): string {
  return createHash('sha256').update(userId.toLowerCase()).digest('hex');
}

/** A transaction, or the client itself for reads. */
export type LeaderOpsExecutor = Prisma.TransactionClient;

/** One line of an order as leader-ops keeps it. */
export interface OrderCopyLine {
  lineId: string;
  categoryId: string | null;
  productId: string | null;
  amountCents: number;
  refundedCents: number;
}

export interface OrderCopyInput {
  orderId: string;
  userId: string;
  pickupPointId: string;
  compoundId: string;
  status: string;
  totalCents: number;
  lines: OrderCopyLine[];
  placedAt: Date;
  eventAt: Date;
}

/** A customer of a leader as the console lists them. */
export interface CustomerRow {
  userId: string;
  pickupPointId: string;
  compoundId: string;
  boundAt: Date;
  nickname: string | null;
  birthday: string | null;
  stage: string | null;
  churnRisk: number | null;
  clvCents: number | null;
  completeness: number | null;
  tier: string | null;
  journeyStep: string | null;
  journeyStepSince: Date | null;
  marketingConsent: boolean | null;
  completedOrders: number;
  spentCents: number;
  lastOrderAt: Date | null;
}

export interface CustomerFilter {
  q?: string;
  stage?: string;
  tier?: string;
  /** Inclusive lower and exclusive upper bound of the churn risk. */
  risk?: { min: number; max: number };
  after?: string;
  limit?: number;
  userIds?: string[];
}

interface RawCustomerRow {
  user_id: string;
  pickup_point_id: string;
  compound_id: string;
  bound_at: Date;
  nickname: string | null;
  birthday: string | null;
  stage: string | null;
  churn_risk: number | null;
  clv_cents: number | null;
  completeness: number | null;
  tier: string | null;
  journey_step: string | null;
  journey_step_since: Date | null;
  marketing_consent: boolean | null;
  completed_orders: number;
  spent_cents: number;
  last_order_at: Date | null;
}

/**
 * Leader-ops' copies of residents and their orders (fed by identity, recommendations, growth and
 * orders events), and the questions the console asks of them together with the bindings.
 */
export class CustomersRepository {
  /** Changes (or first records) facts about a user. */
  async upsertCopy(tx: LeaderOpsExecutor, userId: string, data: Omit<Prisma.CustomerCopyUncheckedCreateInput, 'userId'>): Promise<void> {
    await tx.customerCopy.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  }

  async getCopy(tx: LeaderOpsExecutor, userId: string): Promise<CustomerCopy | null> {
    return tx.customerCopy.findUnique({ where: { userId } });
  }

  async getOrder(tx: LeaderOpsExecutor, orderId: string): Promise<CustomerOrder | null> {
    return tx.customerOrder.findUnique({ where: { orderId } });
  }

  /**
   * Writes an order's copy. The status and totals move only with an event not older than the last
   * one applied (events of one order may arrive out of order across redeliveries); refunds, receipt,
   * completion and complaints accumulate whatever the order.
   */
  async applyOrder(tx: LeaderOpsExecutor, order: OrderCopyInput & { refundedCents: number; receivedAt: Date | null; completedAt: Date | null; complaintsDelta: number }): Promise<void> {
    const { complaintsDelta, ...row } = order;
    const lines = row.lines as unknown as Prisma.InputJsonValue;
    const existing = await tx.customerOrder.findUnique({ where: { orderId: row.orderId } });
    if (!existing) {
      await tx.customerOrder.create({ data: { ...row, lines, complaints: complaintsDelta } });
      return;
    }
    const newer = row.eventAt.getTime() >= existing.eventAt.getTime();
    await tx.customerOrder.update({
      where: { orderId: row.orderId },
      data: {
        ...(newer ? { status: row.status, eventAt: row.eventAt, totalCents: row.totalCents } : {}),
        lines,
        refundedCents: Math.max(existing.refundedCents, row.refundedCents),
        receivedAt: existing.receivedAt ?? row.receivedAt,
        completedAt: existing.completedAt ?? row.completedAt,
        complaints: existing.complaints + complaintsDelta,
      },
    });
  }

  /**
   * Writes the copies of many orders in one statement, with the rules of `applyOrder` for events
   * that carry no refund: the status and total move only with an event not older than the copy's,
   * receipt and completion keep their first time, refunds only grow, and a copy with refunds keeps
   * its lines (they hold the refunded amounts). Updates of one order are merged first, in the order
   * given. Orders of erased users are skipped.
   */
  async applyOrders(tx: LeaderOpsExecutor, updates: (OrderCopyInput & { refundedCents: number; receivedAt: Date | null; completedAt: Date | null })[]): Promise<void> {
    const merged = new Map<string, (typeof updates)[number]>();
    for (const u of updates) {
      const before = merged.get(u.orderId);
      if (!before) {
        merged.set(u.orderId, u);
        continue;
      }
      const newer = u.eventAt.getTime() >= before.eventAt.getTime();
      merged.set(u.orderId, {
        ...(newer ? u : before),
        refundedCents: Math.max(before.refundedCents, u.refundedCents),
        receivedAt: before.receivedAt ?? u.receivedAt,
        completedAt: before.completedAt ?? u.completedAt,
      });
    }
    if (merged.size === 0) return;
    const rows = [...merged.values()].map((u) => ({
      order_id: u.orderId,
      user_id: u.userId,
      user_hash: userHash(u.userId),
      pickup_point_id: u.pickupPointId,
      compound_id: u.compoundId,
      status: u.status,
      total_cents: u.totalCents,
      refunded_cents: u.refundedCents,
      lines: u.lines,
      placed_at: u.placedAt.toISOString(),
      received_at: u.receivedAt?.toISOString() ?? null,
      completed_at: u.completedAt?.toISOString() ?? null,
      event_at: u.eventAt.toISOString(),
    }));
    await tx.$executeRawUnsafe(
      `INSERT INTO customer_orders AS o (order_id, user_id, pickup_point_id, compound_id, status, total_cents, refunded_cents, lines, placed_at, received_at, completed_at, event_at, complaints)
       SELECT r.order_id, r.user_id, r.pickup_point_id, r.compound_id, r.status, r.total_cents, r.refunded_cents, r.lines, r.placed_at, r.received_at, r.completed_at, r.event_at, 0
         FROM jsonb_to_recordset($1::jsonb) AS r(order_id uuid, user_id uuid, user_hash text, pickup_point_id uuid, compound_id text, status text, total_cents int,
                                                 refunded_cents int, lines jsonb, placed_at timestamptz, received_at timestamptz, completed_at timestamptz, event_at timestamptz)
        WHERE NOT EXISTS (SELECT 1 FROM erased_users e WHERE e.user_hash = r.user_hash)
       ON CONFLICT (order_id) DO UPDATE SET
         status = CASE WHEN EXCLUDED.event_at >= o.event_at THEN EXCLUDED.status ELSE o.status END,
         total_cents = CASE WHEN EXCLUDED.event_at >= o.event_at THEN EXCLUDED.total_cents ELSE o.total_cents END,
         event_at = GREATEST(o.event_at, EXCLUDED.event_at),
         lines = CASE WHEN o.refunded_cents > 0 THEN o.lines ELSE EXCLUDED.lines END,
         refunded_cents = GREATEST(o.refunded_cents, EXCLUDED.refunded_cents),
         received_at = COALESCE(o.received_at, EXCLUDED.received_at),
         completed_at = COALESCE(o.completed_at, EXCLUDED.completed_at)`,
      JSON.stringify(rows),
    );
  }

  /** Residents bound to the leader's points at an instant (bound before it, not yet unbound). */
  async customersAt(tx: LeaderOpsExecutor, leaderUserId: string, at: Date): Promise<string[]> {
    const rows = await tx.residentBinding.findMany({
      where: { pickupPoint: { leaderUserId }, boundAt: { lt: at }, OR: [{ unboundAt: null }, { unboundAt: { gte: at } }] },
      select: { userId: true },
      distinct: ['userId'],
    });
    return rows.map((r) => r.userId);
  }

  /** Ids of the pickup points a leader runs. */
  async pointsOf(tx: LeaderOpsExecutor, leaderUserId: string): Promise<string[]> {
    return (await tx.pickupPoint.findMany({ where: { leaderUserId }, select: { id: true } })).map((p) => p.id);
  }

  async ordersOfUsers(tx: LeaderOpsExecutor, userIds: string[]): Promise<CustomerOrder[]> {
    if (userIds.length === 0) return [];
    return tx.customerOrder.findMany({ where: { userId: { in: userIds } }, orderBy: [{ placedAt: 'asc' }, { orderId: 'asc' }] });
  }

  /** Orders collected at any pickup point the leader runs (or ran), placed or completed since `since`. */
  async ordersAtLeaderPoints(tx: LeaderOpsExecutor, leaderUserId: string, since: Date): Promise<CustomerOrder[]> {
    const points = await tx.pickupPoint.findMany({ where: { leaderUserId }, select: { id: true } });
    if (points.length === 0) return [];
    return tx.customerOrder.findMany({
      where: { pickupPointId: { in: points.map((p) => p.id) }, OR: [{ placedAt: { gte: since } }, { completedAt: { gte: since } }] },
      orderBy: [{ placedAt: 'asc' }, { orderId: 'asc' }],
    });
  }

  /** Completed orders of every pickup point in a period, with the leader who runs the point. */
  async completedOrdersBetween(tx: LeaderOpsExecutor, from: Date, to: Date): Promise<(CustomerOrder & { leaderUserId: string })[]> {
    const orders = await tx.customerOrder.findMany({ where: { status: 'completed', completedAt: { gte: from, lt: to } }, orderBy: { orderId: 'asc' } });
    const points = await tx.pickupPoint.findMany({ where: { id: { in: [...new Set(orders.map((o) => o.pickupPointId))] } }, select: { id: true, leaderUserId: true } });
    const leaderOf = new Map(points.map((p) => [p.id, p.leaderUserId]));
    return orders.flatMap((o) => (leaderOf.has(o.pickupPointId) ? [{ ...o, leaderUserId: leaderOf.get(o.pickupPointId)! }] : []));
  }

  /** The leader's current customers: residents whose current binding is to a point the leader runs. */
  async customersOfLeader(tx: LeaderOpsExecutor, leaderUserId: string, filter: CustomerFilter = {}): Promise<CustomerRow[]> {
    const params: unknown[] = [leaderUserId];
    const where: string[] = ['p.leader_user_id = $1::uuid', 'b.unbound_at IS NULL'];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.q) where.push(`c.nickname ILIKE '%' || ${param(filter.q.replace(/[\\%_]/g, (m) => `\\${m}`))} || '%'`);
    if (filter.stage) where.push(`c.stage = ${param(filter.stage)}`);
    if (filter.tier) where.push(`c.tier = ${param(filter.tier)}`);
    if (filter.risk) where.push(`c.churn_risk >= ${param(filter.risk.min)}::float8 AND c.churn_risk < ${param(filter.risk.max)}::float8`);
    if (filter.after) where.push(`b.user_id > ${param(filter.after)}::uuid`);
    if (filter.userIds) where.push(`b.user_id = ANY(${param(filter.userIds)}::uuid[])`);
    const limit = filter.limit ? `LIMIT ${param(filter.limit)}::int` : '';
    const rows = await tx.$queryRawUnsafe<RawCustomerRow[]>(
      `SELECT b.user_id::text, b.pickup_point_id::text, b.compound_id, b.bound_at,
              c.nickname, c.birthday, c.stage, c.churn_risk, c.clv_cents, c.completeness, c.tier, c.journey_step, c.journey_step_since, c.marketing_consent,
              coalesce(o.completed_orders, 0)::int AS completed_orders, coalesce(o.spent_cents, 0)::int AS spent_cents, o.last_order_at
         FROM resident_bindings b
         JOIN pickup_points p ON p.id = b.pickup_point_id
         LEFT JOIN customer_copies c ON c.user_id = b.user_id
         LEFT JOIN LATERAL (
           SELECT count(*) FILTER (WHERE status = 'completed') AS completed_orders,
                  sum(total_cents - refunded_cents) FILTER (WHERE status = 'completed') AS spent_cents,
                  max(placed_at) AS last_order_at
             FROM customer_orders WHERE user_id = b.user_id) o ON true
        WHERE ${where.join(' AND ')}
        ORDER BY b.user_id
        ${limit}`,
      ...params,
    );
    return rows.map((r) => ({
      userId: r.user_id,
      pickupPointId: r.pickup_point_id,
      compoundId: r.compound_id,
      boundAt: r.bound_at,
      nickname: r.nickname,
      birthday: r.birthday,
      stage: r.stage,
      churnRisk: r.churn_risk,
      clvCents: r.clv_cents,
      completeness: r.completeness,
      tier: r.tier,
      journeyStep: r.journey_step,
      journeyStepSince: r.journey_step_since,
      marketingConsent: r.marketing_consent,
      completedOrders: r.completed_orders,
      spentCents: r.spent_cents,
      lastOrderAt: r.last_order_at,
    }));
  }

  /** The leader running the pickup point the user is currently bound to (null when unbound). */
  async currentLeaderOf(tx: LeaderOpsExecutor, userId: string): Promise<string | null> {
    const binding = await tx.residentBinding.findFirst({ where: { userId, unboundAt: null }, include: { pickupPoint: { select: { leaderUserId: true } } } });
    return binding?.pickupPoint.leaderUserId ?? null;
  }

  /** Leaders who run at least one pickup point. */
  async leaders(tx: LeaderOpsExecutor): Promise<string[]> {
    const rows = await tx.pickupPoint.findMany({ distinct: ['leaderUserId'], select: { leaderUserId: true }, orderBy: { leaderUserId: 'asc' } });
    return rows.map((r) => r.leaderUserId);
  }

  async notes(tx: LeaderOpsExecutor, leaderUserId: string, userId: string): Promise<string> {
    return (await tx.customerNote.findUnique({ where: { leaderUserId_userId: { leaderUserId, userId } } }))?.notes ?? '';
  }

  async setNotes(tx: LeaderOpsExecutor, leaderUserId: string, userId: string, notes: string): Promise<Date> {
    const row = await tx.customerNote.upsert({ where: { leaderUserId_userId: { leaderUserId, userId } }, create: { leaderUserId, userId, notes }, update: { notes } });
    return row.updatedAt;
  }

  async addInteraction(tx: LeaderOpsExecutor, row: { id: string; leaderUserId: string; userId: string; kind: string; summary: string }): Promise<void> {
    await tx.interaction.create({ data: row });
  }

  async interactions(tx: LeaderOpsExecutor, leaderUserId: string, userId: string, limit = 50) {
    return tx.interaction.findMany({ where: { leaderUserId, userId }, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: limit });
  }

  async addNps(tx: LeaderOpsExecutor, row: { responseId: string; userId: string; leaderUserId: string | null; pickupPointId: string | null; score: number; trigger: string; answeredAt: Date }): Promise<void> {
    await tx.npsResponse.upsert({ where: { responseId: row.responseId }, create: row, update: {} });
  }

  async npsScores(tx: LeaderOpsExecutor, leaderUserId: string, from: Date, to: Date): Promise<number[]> {
    const rows = await tx.npsResponse.findMany({ where: { leaderUserId, answeredAt: { gte: from, lt: to } }, select: { score: true } });
    return rows.map((r) => r.score);
  }

  async addServiceFee(tx: LeaderOpsExecutor, row: { bookingId: string; leaderUserId: string; feeCents: number; completedAt: Date }): Promise<void> {
    await tx.serviceFee.upsert({ where: { bookingId: row.bookingId }, create: row, update: {} });
  }

  async serviceFees(tx: LeaderOpsExecutor, leaderUserId: string, from: Date, to: Date) {
    return tx.serviceFee.findMany({ where: { leaderUserId, completedAt: { gte: from, lt: to } }, orderBy: { bookingId: 'asc' } });
  }

  /** True when identity erased the user (their id is kept only as a hash). */
  async isErased(tx: LeaderOpsExecutor, userId: string): Promise<boolean> {
    return (await tx.erasedUser.count({ where: { userHash: userHash(userId) } })) > 0;
  }

  /** Removes everything leader-ops copied or wrote about a user (erasure) and remembers the erasure by hash. */
  async eraseUser(tx: LeaderOpsExecutor, userId: string): Promise<void> {
    await tx.erasedUser.createMany({ data: [{ userHash: userHash(userId) }], skipDuplicates: true });
    await tx.customerCopy.deleteMany({ where: { userId } });
    await tx.customerOrder.deleteMany({ where: { userId } });
    await tx.customerNote.deleteMany({ where: { userId } });
    await tx.interaction.deleteMany({ where: { userId } });
    await tx.reminder.deleteMany({ where: { userId } });
    await tx.draft.deleteMany({ where: { userId } });
    await tx.message.deleteMany({ where: { userId } });
    await tx.npsResponse.deleteMany({ where: { userId } });
  }

  /** Moves a merged account's copies to the surviving account (the survivor's own facts win). */
  async mergeUsers(tx: LeaderOpsExecutor, sourceUserId: string, targetUserId: string): Promise<void> {
    const source = await tx.customerCopy.findUnique({ where: { userId: sourceUserId } });
    const target = await tx.customerCopy.findUnique({ where: { userId: targetUserId } });
    if (source && !target) await tx.customerCopy.create({ data: { ...source, userId: targetUserId, tags: source.tags as Prisma.InputJsonValue, household: source.household ?? undefined, dietary: source.dietary ?? undefined } });
    await tx.customerCopy.deleteMany({ where: { userId: sourceUserId } });
    for (const model of ['customerOrder', 'interaction', 'reminder', 'draft', 'message', 'npsResponse'] as const) {
      await (tx[model] as unknown as { updateMany(args: unknown): Promise<unknown> }).updateMany({ where: { userId: sourceUserId }, data: { userId: targetUserId } });
    }
    const notes = await tx.customerNote.findMany({ where: { userId: sourceUserId } });
    for (const note of notes) {
      const kept = await tx.customerNote.findUnique({ where: { leaderUserId_userId: { leaderUserId: note.leaderUserId, userId: targetUserId } } });
      await tx.customerNote.upsert({
        where: { leaderUserId_userId: { leaderUserId: note.leaderUserId, userId: targetUserId } },
        create: { leaderUserId: note.leaderUserId, userId: targetUserId, notes: note.notes },
        update: { notes: kept?.notes ? `${kept.notes}\n${note.notes}` : note.notes },
      });
    }
    await tx.customerNote.deleteMany({ where: { userId: sourceUserId } });
  }
}
