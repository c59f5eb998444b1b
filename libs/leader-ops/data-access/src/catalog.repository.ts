import type { LeaderOpsExecutor } from './customers.repository.js';

/** Leader-ops' copy of products and open campaigns (from orders events), for drafts and reminders. */
export class CatalogRepository {
  async upsertProduct(tx: LeaderOpsExecutor, row: { productId: string; name: string; categoryId: string; healthFlags: string[]; active: boolean; updatedAt: Date }): Promise<void> {
    const existing = await tx.catalogProduct.findUnique({ where: { productId: row.productId }, select: { updatedAt: true } });
    if (existing && existing.updatedAt > row.updatedAt) return; // an older version arriving late
    await tx.catalogProduct.upsert({ where: { productId: row.productId }, create: row, update: row });
  }

  async upsertCampaign(tx: LeaderOpsExecutor, row: { campaignId: string; title: string; startsAt: Date; cutoffAt: Date; pickupPointIds: string[]; productIds: string[]; categoryIds: string[] }): Promise<void> {
    await tx.campaignOffer.upsert({ where: { campaignId: row.campaignId }, create: row, update: row });
  }

  /** Active products carrying a health flag on sale now (open campaigns serving one of the points). */
  async onSaleWithFlag(tx: LeaderOpsExecutor, pickupPointIds: string[], flag: string, now: Date): Promise<{ productId: string; name: string }[]> {
    if (pickupPointIds.length === 0) return [];
    const campaigns = await tx.campaignOffer.findMany({ where: { cutoffAt: { gt: now }, startsAt: { lte: now }, pickupPointIds: { hasSome: pickupPointIds } }, select: { productIds: true } });
    const ids = [...new Set(campaigns.flatMap((c) => c.productIds))];
    if (ids.length === 0) return [];
    return tx.catalogProduct.findMany({ where: { productId: { in: ids }, active: true, healthFlags: { has: flag } }, select: { productId: true, name: true }, orderBy: { name: 'asc' }, take: 10 });
  }

  /** Campaigns open now or opening within the window at the points, with their categories. */
  async campaignsAround(tx: LeaderOpsExecutor, pickupPointIds: string[], now: Date, until: Date) {
    if (pickupPointIds.length === 0) return [];
    return tx.campaignOffer.findMany({ where: { cutoffAt: { gt: now }, startsAt: { lt: until }, pickupPointIds: { hasSome: pickupPointIds } }, orderBy: { startsAt: 'asc' }, take: 50 });
  }
}
