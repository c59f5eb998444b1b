import type { Prisma, PrismaClient } from './generated/prisma/client.js';

type Tx = Prisma.TransactionClient;
type Client = PrismaClient | Tx;

/** What the instant-refund policy counts: money paid at once, per order and per resident since a date. */
export class RefundPolicyRepository {
  /** Serialises one resident's complaints, so two at once cannot both slip under the monthly limit. */
  async lockResident(tx: Tx, userId: string): Promise<void> {
    await tx.$queryRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('orders.refund-policy:' || $1::text))::text", userId);
  }

  async instantCentsOfOrder(tx: Tx, orderId: string): Promise<number> {
    const sum = await tx.refund.aggregate({ where: { orderId, autoApproved: true, status: 'succeeded' }, _sum: { amountCents: true } });
    return sum._sum.amountCents ?? 0;
  }

  async instantCentsOfResidentSince(tx: Tx, userId: string, since: Date): Promise<number> {
    const sum = await tx.refund.aggregate({ where: { requestedBy: userId, autoApproved: true, status: 'succeeded', createdAt: { gte: since } }, _sum: { amountCents: true } });
    return sum._sum.amountCents ?? 0;
  }

  async underReview(tx: Tx, orderId: string): Promise<{ id: string } | null> {
    return tx.refund.findFirst({ where: { orderId, status: 'pending_review' }, select: { id: true } });
  }

  /** Quality complaints in a status, oldest first; with `pickupPointIds`, only those of orders at these points. */
  async listByStatus(db: Client, input: { status: string; pickupPointIds: string[] | null; limit: number; offset: number }): Promise<{ id: string; pickupPointId: string; userId: string }[]> {
    return db.$queryRawUnsafe(
      `SELECT r.id::text AS "id", o.pickup_point_id::text AS "pickupPointId", o.user_id::text AS "userId"
         FROM refunds r JOIN orders o ON o.id = r.order_id
        WHERE r.status = $1 AND r.reason = 'quality' AND ($2::uuid[] IS NULL OR o.pickup_point_id = ANY($2::uuid[]))
        ORDER BY r.created_at ASC, r.id LIMIT $3 OFFSET $4`,
      input.status,
      input.pickupPointIds,
      input.limit,
      input.offset,
    );
  }
}
