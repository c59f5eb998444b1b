import type { Prisma, PrismaClient } from './generated/prisma/client.js';

type Client = PrismaClient | Prisma.TransactionClient;

/**
 * What the orders database holds about a person, for their PIPL copy and for identity's merge
 * checks. Reads only; erasure is the identity-users consumer's job.
 */
export class OrdersPersonalDataRepository {
  /** Orders of `userId` in one of `statuses` (the open ones), counted by pickup point. */
  async ordersByPickupPoint(db: Client, userId: string, statuses: readonly string[]): Promise<{ pickupPointId: string; orders: number }[]> {
    const rows = await db.order.groupBy({
      by: ['pickupPointId'],
      where: { userId, status: { in: [...statuses] } },
      _count: { _all: true },
    });
    return rows.map((row) => ({ pickupPointId: row.pickupPointId, orders: row._count._all }));
  }

  async bindingOf(db: Client, userId: string): Promise<{ pickupPointId: string; compoundId: string } | null> {
    return db.residentBinding.findUnique({ where: { userId }, select: { pickupPointId: true, compoundId: true } });
  }

  /** Orders (with lines and history), payments, refunds, quotas, the pickup binding and the copied display name and building of these accounts. */
  async sections(db: Client, userIds: string[]): Promise<Record<string, unknown>> {
    const orders = await db.order.findMany({
      where: { userId: { in: userIds } },
      orderBy: { placedAt: 'asc' },
      include: { lines: { orderBy: { lineNo: 'asc' } }, transitions: { orderBy: { at: 'asc' } } },
    });
    const orderIds = orders.map((order) => order.id);
    const payments = await db.payment.findMany({ where: { orderId: { in: orderIds } }, orderBy: { createdAt: 'asc' } });
    const refunds = await db.refund.findMany({ where: { orderId: { in: orderIds } }, orderBy: { createdAt: 'asc' }, include: { lines: true } });
    const quotas = await db.customerQuota.findMany({ where: { userId: { in: userIds } } });
    const bindings = await db.residentBinding.findMany({ where: { userId: { in: userIds } } });
    const profiles = await db.residentProfile.findMany({ where: { userId: { in: userIds } } });
    return {
      orders: orders.map(({ requestHash: _hash, idempotencyKey: _key, transitions, ...order }) => ({
        ...order,
        transitions: transitions.map(({ id, ...transition }) => ({ ...transition, id: id.toString() })),
      })),
      payments: payments.map(({ providerPaymentId: _providerId, ...payment }) => payment),
      refunds,
      purchaseQuotas: quotas,
      pickupBindings: bindings,
      sortingListProfiles: profiles.map(({ userId, displayName, building, updatedAt }) => ({ userId, displayName, building, updatedAt })),
    };
  }
}
