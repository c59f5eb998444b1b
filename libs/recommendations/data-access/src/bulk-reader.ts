import pg from 'pg';
import type { SqlExecutor } from '@linli/nest-kit';

/** One counted purchase line (paid or completed), as the models read it. */
export interface PurchaseFact {
  userId: string;
  orderId: string;
  /** Epoch milliseconds. */
  orderedAt: number;
  itemId: string;
  productId: string | null;
  category: string;
  /** Amount less refunds, in cents. */
  netCents: number;
  compoundId: string | null;
  pickupPointId: string | null;
}

/** What serving and the asset computation need to know about a customer. */
export interface CustomerFact {
  userId: string;
  source: string;
  compoundId: string | null;
  pickupPointId: string | null;
  profilingConsent: boolean | null;
  marketingConsent: boolean | null;
  household: unknown;
  dietary: unknown;
  attributes: Record<string, string> | null;
  /** Resolved tags from the last asset computation (`[{tag, value, source, confidence}]`), if any. */
  assetTags: unknown;
}

/** A recommendable item with its display name and category. */
export interface ItemFact {
  itemId: string;
  skuId: string | null;
  bundleId: string | null;
  productId: string | null;
  name: string | null;
  category: string;
}

export interface CampaignFact {
  campaignId: string;
  status: string;
  cutoffAt: number;
  compoundIds: string[];
  pickupPointIds: string[];
  offers: { offerId: string; itemId: string; kind: string; skuId: string | null; bundleId: string | null; productId: string | null; category: string | null; componentProductIds: string[] }[];
}

/**
 * Bulk reads over plain `pg` (array rows, keyset pages): training data for the recommender, facts
 * for the asset computation. Used on the main thread and inside the fitting worker.
 */
export class BulkReader {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly owned: boolean,
  ) {}

  static connect(databaseUrl: string, max = 2): BulkReader {
    return new BulkReader(new pg.Pool({ connectionString: databaseUrl, max }), true);
  }

  async close(): Promise<void> {
    if (this.owned) await this.pool.end();
  }

  /** The pool as a {@link SqlExecutor} (for repositories used outside Nest, e.g. in a worker thread). */
  executor(): SqlExecutor {
    return {
      $executeRawUnsafe: (query: string, ...values: unknown[]) => this.pool.query(query, values).then((r) => r.rowCount ?? 0),
      $queryRawUnsafe: <T = unknown>(query: string, ...values: unknown[]) => this.pool.query(query, values).then((r) => r.rows as T),
    };
  }

  /** Counted purchase lines in `[since, until)` (either may be open), in pages. */
  async *countedPurchases(opts: { since?: Date; until?: Date; pageSize?: number; withItemOnly?: boolean } = {}): AsyncGenerator<PurchaseFact[]> {
    const pageSize = opts.pageSize ?? 50_000;
    let after = '0';
    for (;;) {
      const result = await this.pool.query({
        text: `SELECT id::text, user_id, order_id, (extract(epoch FROM ordered_at) * 1000)::float8, item_id, product_id, category,
                      (amount_cents - refunded_cents), compound_id, pickup_point_id
                 FROM purchases
                WHERE id > $1::bigint AND status IN ('paid', 'completed')
                  AND ($2::timestamptz IS NULL OR ordered_at >= $2) AND ($3::timestamptz IS NULL OR ordered_at < $3)
                  AND ($4::boolean IS NOT TRUE OR item_id <> '')
                ORDER BY id LIMIT $5`,
        values: [after, opts.since ?? null, opts.until ?? null, opts.withItemOnly ?? false, pageSize],
        rowMode: 'array',
      });
      if (result.rows.length === 0) return;
      const page: PurchaseFact[] = new Array(result.rows.length);
      for (let i = 0; i < result.rows.length; i++) {
        const r = result.rows[i] as unknown[];
        page[i] = {
          userId: r[1] as string,
          orderId: r[2] as string,
          orderedAt: r[3] as number,
          itemId: r[4] as string,
          productId: r[5] as string | null,
          category: r[6] as string,
          netCents: r[7] as number,
          compoundId: r[8] as string | null,
          pickupPointId: r[9] as string | null,
        };
      }
      after = (result.rows[result.rows.length - 1] as unknown[])[0] as string;
      yield page;
      if (result.rows.length < pageSize) return;
    }
  }

  /** Every customer, or the given ones (those that exist). */
  async customers(userIds?: string[]): Promise<CustomerFact[]> {
    const result = await this.pool.query({
      text: `SELECT c.user_id, c.source, c.compound_id, c.pickup_point_id, c.profiling_consent, c.marketing_consent, c.household, c.dietary,
                    c.attributes, a.tags
               FROM customers c LEFT JOIN customer_assets a ON a.user_id = c.user_id
              WHERE $1::text[] IS NULL OR c.user_id = ANY($1::text[])`,
      values: [userIds ?? null],
      rowMode: 'array',
    });
    return result.rows.map((row) => {
      const r = row as unknown[];
      return {
        userId: r[0] as string,
        source: r[1] as string,
        compoundId: r[2] as string | null,
        pickupPointId: r[3] as string | null,
        profilingConsent: r[4] as boolean | null,
        marketingConsent: r[5] as boolean | null,
        household: r[6],
        dietary: r[7],
        attributes: (r[8] as Record<string, string> | null) ?? null,
        assetTags: r[9] ?? null,
      };
    });
  }

  /** Every item ever bought or offered, with a display name where the catalogue has one. */
  async items(): Promise<ItemFact[]> {
    const result = await this.pool.query({
      text: `WITH seen AS (
               SELECT item_id, max(sku_id) AS sku_id, max(bundle_id) AS bundle_id, max(product_id) AS product_id, max(category) AS category
                 FROM purchases WHERE item_id <> '' GROUP BY item_id
               UNION ALL
               SELECT item_id, max(sku_id), max(bundle_id), max(product_id), max(coalesce(category, '')) FROM campaign_offers GROUP BY item_id
             ), merged AS (
               SELECT item_id, max(sku_id) AS sku_id, max(bundle_id) AS bundle_id, max(product_id) AS product_id, max(category) AS category
                 FROM seen GROUP BY item_id
             )
             SELECT m.item_id, m.sku_id, m.bundle_id, coalesce(m.product_id, s.product_id),
                    CASE WHEN p.name IS NULL THEN NULL WHEN s.spec IS NULL OR s.spec = '' THEN p.name ELSE p.name || ' ' || s.spec END,
                    coalesce(nullif(m.category, ''), p.category, '')
               FROM merged m
               LEFT JOIN skus s ON s.sku_id = m.sku_id
               LEFT JOIN products p ON p.product_id = coalesce(m.product_id, s.product_id)`,
      rowMode: 'array',
    });
    return result.rows.map((row) => {
      const r = row as unknown[];
      return {
        itemId: r[0] as string,
        skuId: r[1] as string | null,
        bundleId: r[2] as string | null,
        productId: r[3] as string | null,
        name: r[4] as string | null,
        category: r[5] as string,
      };
    });
  }

  /** Product names by id (for bundle labels and tag evidence). */
  async productNames(): Promise<Map<string, { name: string; category: string }>> {
    const result = await this.pool.query({ text: 'SELECT product_id, name, category FROM products', rowMode: 'array' });
    return new Map(result.rows.map((row) => {
      const r = row as unknown[];
      return [r[0] as string, { name: r[1] as string, category: r[2] as string }];
    }));
  }

  async campaigns(campaignId?: string): Promise<CampaignFact[]> {
    const result = await this.pool.query({
      text: `SELECT c.campaign_id, c.status, (extract(epoch FROM c.cutoff_at) * 1000)::float8, c.compound_ids, c.pickup_point_ids,
                    coalesce(json_agg(json_build_object('offerId', o.offer_id, 'itemId', o.item_id, 'kind', o.kind, 'skuId', o.sku_id, 'bundleId', o.bundle_id,
                      'productId', o.product_id, 'category', o.category, 'componentProductIds', o.component_product_ids))
                      FILTER (WHERE o.offer_id IS NOT NULL), '[]')
               FROM campaigns c LEFT JOIN campaign_offers o ON o.campaign_id = c.campaign_id
              WHERE $1::text IS NULL OR c.campaign_id = $1
              GROUP BY c.campaign_id`,
      values: [campaignId ?? null],
      rowMode: 'array',
    });
    return result.rows.map((row) => {
      const r = row as unknown[];
      return {
        campaignId: r[0] as string,
        status: r[1] as string,
        cutoffAt: r[2] as number,
        compoundIds: r[3] as string[],
        pickupPointIds: r[4] as string[],
        offers: r[5] as CampaignFact['offers'],
      };
    });
  }

  /** Merged ids and their surviving targets. */
  async merges(): Promise<Map<string, string>> {
    const result = await this.pool.query({ text: 'SELECT source_user_id, target_user_id FROM user_merges', rowMode: 'array' });
    return new Map(result.rows.map((row) => [(row as string[])[0]!, (row as string[])[1]!]));
  }
}
