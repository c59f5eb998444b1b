import type { OrdersClient, OrdersTx } from './client.js';

export type CampaignStatusValue = 'draft' | 'published' | 'closing' | 'closed' | 'cancelled';

export interface CampaignRow {
  id: string;
  title: string;
  description: string;
  status: CampaignStatusValue;
  starts_at: Date;
  cutoff_at: Date;
  delivery_date: Date;
  time_zone: string;
  min_group_size: number | null;
  published_at: Date | null;
  closed_at: Date | null;
}

/** A resident's pickup point (read model fed by leader-ops). */
export interface Binding {
  user_id: string;
  pickup_point_id: string;
  compound_id: string;
}

export interface NewCampaign {
  id: string;
  title: string;
  description: string;
  startsAt: Date;
  cutoffAt: Date;
  deliveryDate: Date;
  timeZone: string;
  minGroupSize: number | null;
  createdBy: string;
  targets: { kind: 'compound' | 'pickup_point'; targetId: string }[];
  offers: { id: string; kind: 'sku' | 'bundle'; skuId: string | null; bundleId: string | null; priceCents: number; perCustomerLimit: number | null }[];
  /** Per SKU: the total and its split over stock buckets. */
  stock: { skuId: string; total: number; buckets: number[] }[];
}

export interface CampaignIdsForViewer {
  /** null: published campaigns whose cut-off is ahead. */
  status: string | null;
  compoundId: string | null;
  pickupPointId: string | null;
  /** Points the viewer leads: campaigns serving them (or their compounds) count too. */
  ledPointIds: string[];
  limit: number;
  offset: number;
}

const ids = (rows: { id: string }[]) => rows.map((row) => row.id);

/** Campaigns: rows, targets, offers, stock levels, cut-off claims and the minimum-group outcomes. */
export class CampaignRepository {
  async row(client: OrdersClient, campaignId: string, lock = false): Promise<CampaignRow | null> {
    const rows = await client.$queryRawUnsafe<CampaignRow[]>(
      `SELECT id::text, title, description, status, starts_at, cutoff_at, delivery_date, time_zone, min_group_size, published_at, closed_at
         FROM campaigns WHERE id = $1::uuid${lock ? ' FOR UPDATE' : ''}`,
      campaignId,
    );
    const row = rows[0];
    if (!row) return null;
    return {
      ...row,
      starts_at: new Date(row.starts_at),
      cutoff_at: new Date(row.cutoff_at),
      delivery_date: new Date(row.delivery_date),
      published_at: row.published_at ? new Date(row.published_at) : null,
      closed_at: row.closed_at ? new Date(row.closed_at) : null,
    };
  }

  async binding(client: OrdersClient, userId: string): Promise<Binding | null> {
    const rows = await client.$queryRawUnsafe<Binding[]>('SELECT user_id::text, pickup_point_id::text, compound_id FROM resident_bindings WHERE user_id = $1::uuid', userId);
    return rows[0] ?? null;
  }

  /** Whether the campaign targets the compound or the pickup point. */
  async serves(client: OrdersClient, campaignId: string, compoundId: string, pickupPointId: string): Promise<boolean> {
    const rows = await client.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM campaign_targets WHERE campaign_id = $1::uuid
          AND ((kind = 'compound' AND target_id = $2) OR (kind = 'pickup_point' AND target_id = $3)) LIMIT 1`,
      campaignId,
      compoundId,
      pickupPointId,
    );
    return rows.length > 0;
  }

  /** Whether the campaign targets one of these pickup points or a compound one of them serves. */
  async servesAnyPoint(client: OrdersClient, campaignId: string, pickupPointIds: string[]): Promise<boolean> {
    const rows = await client.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM campaign_targets t JOIN pickup_points p ON p.id::text = ANY($2::text[])
        WHERE t.campaign_id = $1::uuid AND ((t.kind = 'pickup_point' AND t.target_id = p.id::text) OR (t.kind = 'compound' AND t.target_id = ANY(p.compound_ids))) LIMIT 1`,
      campaignId,
      pickupPointIds,
    );
    return rows.length > 0;
  }

  /** The time zone of the compound, else of the pickup point. */
  async timeZoneOf(client: OrdersClient, compoundId: string, pickupPointId: string): Promise<string | undefined> {
    const rows = await client.$queryRawUnsafe<{ time_zone: string }[]>(
      `SELECT time_zone FROM compounds WHERE id = $1 UNION ALL SELECT time_zone FROM pickup_points WHERE id = $2::uuid`,
      compoundId,
      pickupPointId,
    );
    return rows[0]?.time_zone;
  }

  /** A campaign's offers with their bundles (and items) and every SKU involved (with its product). */
  async offerSources(client: OrdersClient, campaignId: string) {
    const offers = await client.campaignOffer.findMany({ where: { campaignId }, orderBy: { id: 'asc' } });
    const bundleIds = offers.flatMap((o) => (o.bundleId ? [o.bundleId] : []));
    const bundles = await client.bundle.findMany({ where: { id: { in: bundleIds } }, include: { items: true } });
    const skuIds = [...new Set([...offers.flatMap((o) => (o.skuId ? [o.skuId] : [])), ...bundles.flatMap((b) => b.items.map((i) => i.skuId))])];
    const skus = new Map((await client.sku.findMany({ where: { id: { in: skuIds } }, include: { product: true } })).map((sku) => [sku.id, sku]));
    return { offers, bundles, skus };
  }

  targets(client: OrdersClient, campaignId: string) {
    return client.campaignTarget.findMany({ where: { campaignId }, orderBy: [{ kind: 'asc' }, { targetId: 'asc' }] });
  }

  /** Per SKU: the campaign total and what remains over its buckets. */
  async stockLevels(client: OrdersClient, campaignId: string): Promise<{ skuId: string; total: number; remaining: number }[]> {
    const rows = await client.$queryRawUnsafe<{ sku_id: string; total: number; remaining: number }[]>(
      `SELECT s.sku_id::text, s.total, coalesce(sum(b.remaining), 0)::int AS remaining
         FROM campaign_stock s LEFT JOIN stock_buckets b ON b.campaign_id = s.campaign_id AND b.sku_id = s.sku_id
        WHERE s.campaign_id = $1::uuid GROUP BY s.sku_id, s.total ORDER BY s.sku_id`,
      campaignId,
    );
    return rows.map((row) => ({ skuId: row.sku_id, total: row.total, remaining: Number(row.remaining) }));
  }

  /** Active SKUs (of active products) and active bundles (with items) among these ids. */
  async activeCatalog(tx: OrdersTx, skuIds: string[], bundleIds: string[]) {
    const skus = await tx.sku.findMany({ where: { id: { in: skuIds }, active: true, product: { active: true } } });
    const bundles = await tx.bundle.findMany({ where: { id: { in: bundleIds }, active: true }, include: { items: true } });
    return { skus, bundles };
  }

  /** Writes a draft campaign with its targets, offers, stock and stock buckets. */
  async create(tx: OrdersTx, campaign: NewCampaign): Promise<void> {
    await tx.campaign.create({
      data: {
        id: campaign.id,
        title: campaign.title,
        description: campaign.description,
        startsAt: campaign.startsAt,
        cutoffAt: campaign.cutoffAt,
        deliveryDate: campaign.deliveryDate,
        timeZone: campaign.timeZone,
        minGroupSize: campaign.minGroupSize,
        createdBy: campaign.createdBy,
        targets: { create: campaign.targets },
        offers: { create: campaign.offers },
      },
    });
    for (const row of campaign.stock) {
      await tx.campaignStock.create({
        data: {
          campaignId: campaign.id,
          skuId: row.skuId,
          total: row.total,
          buckets: row.buckets.length,
          rows: { create: row.buckets.map((remaining, bucket) => ({ bucket, remaining })) },
        },
      });
    }
  }

  async markPublished(tx: OrdersTx, campaignId: string, publishedAt: Date): Promise<void> {
    await tx.campaign.update({ where: { id: campaignId }, data: { status: 'published', publishedAt } });
  }

  /** Every campaign (ops), optionally of one status, latest cut-off first. */
  async idsForOps(client: OrdersClient, status: string | null, limit: number, offset: number): Promise<string[]> {
    return ids(
      await client.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM campaigns WHERE ($1::text IS NULL OR status = $1) ORDER BY cutoff_at DESC, id LIMIT $2 OFFSET $3`,
        status,
        limit,
        offset,
      ),
    );
  }

  /** Campaigns serving a resident's compound or pickup point, or points (and their compounds) they lead; soonest cut-off first. */
  async idsForViewer(client: OrdersClient, q: CampaignIdsForViewer): Promise<string[]> {
    return ids(
      await client.$queryRawUnsafe<{ id: string }[]>(
        `SELECT c.id::text FROM campaigns c
          WHERE (CASE WHEN $1::text IS NULL THEN c.status = 'published' AND c.cutoff_at > now() ELSE c.status = $1 END)
            AND EXISTS (SELECT 1 FROM campaign_targets t WHERE t.campaign_id = c.id AND (
                  (t.kind = 'compound' AND t.target_id = $2) OR (t.kind = 'pickup_point' AND t.target_id = $3)
               OR (t.kind = 'pickup_point' AND t.target_id = ANY($4::text[]))
               OR (t.kind = 'compound' AND t.target_id IN (SELECT unnest(compound_ids) FROM pickup_points WHERE id::text = ANY($4::text[])))))
          ORDER BY c.cutoff_at, c.id LIMIT $5 OFFSET $6`,
        q.status,
        q.compoundId,
        q.pickupPointId,
        q.ledPointIds,
        q.limit,
        q.offset,
      ),
    );
  }

  /** Claims one campaign whose cut-off passed (skipping those another replica holds) and marks it closing. */
  async claimDueCutoff(tx: OrdersTx): Promise<string | null> {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text FROM campaigns WHERE status IN ('published', 'closing') AND cutoff_at <= now()
        ORDER BY cutoff_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    if (!rows[0]) return null;
    await tx.$executeRawUnsafe(`UPDATE campaigns SET status = 'closing' WHERE id = $1::uuid AND status = 'published'`, rows[0].id);
    return rows[0].id;
  }

  /** Closes a closing campaign; false when it was not closing. */
  async close(tx: OrdersTx, campaignId: string): Promise<boolean> {
    const updated = await tx.$executeRawUnsafe(`UPDATE campaigns SET status = 'closed', closed_at = now() WHERE id = $1::uuid AND status = 'closing'`, campaignId);
    return updated > 0;
  }

  /** Freezes the minimum-group decision of every pickup point with paid orders (once: later calls change nothing). */
  async decidePointOutcomes(client: OrdersClient, campaignId: string, minGroupSize: number | null): Promise<void> {
    await client.$executeRawUnsafe(
      `INSERT INTO campaign_point_outcomes (campaign_id, pickup_point_id, customers, minimum_met)
       SELECT $1::uuid, pickup_point_id, count(DISTINCT user_id)::int, ($2::int IS NULL OR count(DISTINCT user_id) >= $2::int)
         FROM orders WHERE campaign_id = $1::uuid AND status = 'paid' GROUP BY pickup_point_id
       ON CONFLICT DO NOTHING`,
      campaignId,
      minGroupSize,
    );
  }

  /** The pickup point's outcome, decided now (for one customer) when a paid order arrived after the decision. */
  async pointOutcome(tx: OrdersTx, campaignId: string, pickupPointId: string, minGroupSize: number | null) {
    await tx.$executeRawUnsafe(
      `INSERT INTO campaign_point_outcomes (campaign_id, pickup_point_id, customers, minimum_met) VALUES ($1::uuid, $2::uuid, 1, $3::int IS NULL OR $3::int <= 1)
       ON CONFLICT DO NOTHING`,
      campaignId,
      pickupPointId,
      minGroupSize,
    );
    return tx.campaignPointOutcome.findUniqueOrThrow({ where: { campaignId_pickupPointId: { campaignId, pickupPointId } } });
  }

  pointOutcomes(client: OrdersClient, campaignId: string) {
    return client.campaignPointOutcome.findMany({ where: { campaignId }, orderBy: { pickupPointId: 'asc' } });
  }

  /** Whether the bundle is offered in a campaign that is not over. */
  async bundleOnSale(client: OrdersClient, bundleId: string): Promise<boolean> {
    const rows = await client.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM campaign_offers o JOIN campaigns c ON c.id = o.campaign_id
        WHERE o.bundle_id = $1::uuid AND c.status IN ('draft', 'published', 'closing') LIMIT 1`,
      bundleId,
    );
    return rows.length > 0;
  }
}
