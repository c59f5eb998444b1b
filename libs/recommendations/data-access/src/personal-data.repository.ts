import type { Prisma, PrismaClient } from './generated/prisma/client.js';

type Client = PrismaClient | Prisma.TransactionClient;

/** What the asset engine holds about a person, for their PIPL copy: profile copy, purchases, behaviour, tags and assets. */
export class RecommendationsPersonalDataRepository {
  async sections(db: Client, userIds: string[]): Promise<Record<string, unknown>> {
    const [customers, purchases, behaviourEvents, parkedEvents, assets] = await Promise.all([
      db.customer.findMany({ where: { userId: { in: userIds } } }),
      db.purchase.findMany({ where: { userId: { in: userIds } }, orderBy: { orderedAt: 'asc' } }),
      db.behaviourEvent.findMany({ where: { userId: { in: userIds } }, orderBy: { occurredAt: 'asc' } }),
      db.parkedEvent.findMany({ where: { userId: { in: userIds } } }),
      db.customerAsset.findMany({ where: { userId: { in: userIds } } }),
    ]);
    // BigInt columns are written as decimal strings so the copy stays plain JSON.
    const plain = <T>(rows: T[]) => JSON.parse(JSON.stringify(rows, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))) as unknown[];
    return {
      customerProfile: plain(customers),
      purchases: plain(purchases),
      behaviourEvents: plain(behaviourEvents),
      pendingEvents: plain(parkedEvents),
      tagsAndAssets: plain(assets),
    };
  }
}
