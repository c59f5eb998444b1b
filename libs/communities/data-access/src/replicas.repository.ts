import type { Executor } from './executor.js';

export interface ResidentCopy {
  userId: string;
  displayName: string | null;
  compoundId: string | null;
  pickupPointId: string | null;
  household: { adults?: number; children?: { birthYear: number }[]; elderly?: number };
  dietary: { preferences?: string[]; restrictions?: string[] };
  profilingConsent: boolean;
}

export interface PickupPointCopy {
  pickupPointId: string;
  leaderUserId: string;
  name: string;
  compoundIds: string[];
  status: string;
}

/**
 * Copies of other services' data, fed by their events: compounds and pickup points (leader-ops),
 * residents (identity profile and consent, leader-ops binding), purchase categories (orders).
 */
export class ReplicasRepository {
  async upsertCompound(tx: Executor, c: { compoundId: string; name: string; city: string }): Promise<void> {
    await tx.cmCompound.upsert({ where: { compoundId: c.compoundId }, create: c, update: { name: c.name, city: c.city, updatedAt: new Date() } });
  }

  async upsertPickupPoint(tx: Executor, p: PickupPointCopy): Promise<void> {
    await tx.cmPickupPoint.upsert({ where: { pickupPointId: p.pickupPointId }, create: p, update: { ...p, updatedAt: new Date() } });
  }

  async pickupPoint(tx: Executor, pickupPointId: string): Promise<PickupPointCopy | null> {
    return tx.cmPickupPoint.findUnique({ where: { pickupPointId }, select: { pickupPointId: true, leaderUserId: true, name: true, compoundIds: true, status: true } });
  }

  async compoundExists(tx: Executor, compoundId: string): Promise<boolean> {
    return (await tx.cmCompound.count({ where: { compoundId } })) > 0;
  }

  async setProfile(tx: Executor, userId: string, p: { displayName: string | null; compoundId: string | null; household: unknown; dietary: unknown }): Promise<void> {
    const data = { displayName: p.displayName, household: (p.household ?? {}) as object, dietary: (p.dietary ?? {}) as object, updatedAt: new Date() };
    // The compound a resident declares is kept until a binding says where they collect.
    await tx.cmResident.upsert({ where: { userId }, create: { userId, ...data, compoundId: p.compoundId }, update: { ...data, ...(p.compoundId ? { compoundId: p.compoundId } : {}) } });
  }

  async setConsent(tx: Executor, userId: string, granted: boolean): Promise<void> {
    await tx.cmResident.upsert({ where: { userId }, create: { userId, profilingConsent: granted }, update: { profilingConsent: granted, updatedAt: new Date() } });
  }

  async setBinding(tx: Executor, userId: string, compoundId: string, pickupPointId: string): Promise<void> {
    await tx.cmResident.upsert({ where: { userId }, create: { userId, compoundId, pickupPointId }, update: { compoundId, pickupPointId, updatedAt: new Date() } });
  }

  async resident(tx: Executor, userId: string): Promise<ResidentCopy | null> {
    const r = await tx.cmResident.findUnique({ where: { userId } });
    if (!r) return null;
    return {
      userId: r.userId,
      displayName: r.displayName,
      compoundId: r.compoundId,
      pickupPointId: r.pickupPointId,
      household: (r.household ?? {}) as ResidentCopy['household'],
      dietary: (r.dietary ?? {}) as ResidentCopy['dietary'],
      profilingConsent: r.profilingConsent,
    };
  }

  async displayNames(tx: Executor, userIds: string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await tx.cmResident.findMany({ where: { userId: { in: [...new Set(userIds)] } }, select: { userId: true, displayName: true } });
    return new Map(rows.filter((r) => r.displayName).map((r) => [r.userId, r.displayName!]));
  }

  async residentsBoundTo(tx: Executor, pickupPointId: string): Promise<string[]> {
    return (await tx.cmResident.findMany({ where: { pickupPointId }, select: { userId: true } })).map((r) => r.userId);
  }

  /** Records an order as counted; false when it already was (a paid and a completed event of one order). */
  async countOrderOnce(tx: Executor, orderId: string): Promise<boolean> {
    const n = await tx.$executeRawUnsafe('INSERT INTO cm_counted_orders (order_id) VALUES ($1::uuid) ON CONFLICT DO NOTHING', orderId);
    return n > 0;
  }

  async addPurchaseCategories(tx: Executor, userId: string, categoryIds: string[], at: Date): Promise<void> {
    if (categoryIds.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO cm_purchase_categories (user_id, category_id, orders, last_at)
       SELECT $1::uuid, c, 1, $3 FROM unnest($2::text[]) AS c
       ON CONFLICT (user_id, category_id) DO UPDATE SET orders = cm_purchase_categories.orders + 1, last_at = greatest(cm_purchase_categories.last_at, excluded.last_at)`,
      userId,
      [...new Set(categoryIds)],
      at,
    );
  }

  /** The categories a resident buys most (at least twice), most first. */
  async topCategories(tx: Executor, userId: string, limit = 5): Promise<string[]> {
    const rows = await tx.cmPurchaseCategory.findMany({ where: { userId, orders: { gte: 2 } }, orderBy: [{ orders: 'desc' }, { lastAt: 'desc' }], take: limit, select: { categoryId: true } });
    return rows.map((r) => r.categoryId);
  }
}
