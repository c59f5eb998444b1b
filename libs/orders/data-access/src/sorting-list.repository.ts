import type { SqlExecutor } from '@linli/nest-kit';

/** One resident's units of one SKU at a pickup point, with what the leader needs to hand them over. */
export interface SortingRow {
  userId: string;
  displayName: string | null;
  building: string | null;
  orderIds: string[];
  pickupCodes: string[];
  skuId: string;
  productId: string;
  name: string;
  spec: string;
  code: string;
  quantity: number;
}

/** The rows of a pickup point's sorting list: orders of the campaign in the given statuses, per resident and SKU. */
export class SortingListRepository {
  async rows(db: SqlExecutor, campaignId: string, pickupPointId: string, statuses: readonly string[]): Promise<SortingRow[]> {
    const rows = await db.$queryRawUnsafe<
      { user_id: string; display_name: string | null; building: string | null; order_ids: string[]; pickup_codes: string[]; sku_id: string; product_id: string; name: string; spec: string; code: string; quantity: number }[]
    >(
      `SELECT o.user_id::text, r.display_name, r.building,
              array_agg(DISTINCT o.id::text ORDER BY o.id::text) AS order_ids, array_agg(DISTINCT o.pickup_code ORDER BY o.pickup_code) AS pickup_codes,
              i.sku_id::text, i.product_id::text, p.name, s.spec, s.code, sum(i.quantity)::int AS quantity
         FROM orders o JOIN order_line_items i ON i.order_id = o.id JOIN skus s ON s.id = i.sku_id JOIN products p ON p.id = i.product_id
         LEFT JOIN resident_profiles r ON r.user_id = o.user_id
        WHERE o.campaign_id = $1::uuid AND o.pickup_point_id = $2::uuid AND o.status = ANY($3::text[])
        GROUP BY o.user_id, r.display_name, r.building, i.sku_id, i.product_id, p.name, s.spec, s.code
        ORDER BY r.building NULLS LAST, r.display_name NULLS LAST, o.user_id, p.name, s.spec`,
      campaignId,
      pickupPointId,
      statuses,
    );
    return rows.map((row) => ({
      userId: row.user_id,
      displayName: row.display_name,
      building: row.building,
      orderIds: row.order_ids,
      pickupCodes: row.pickup_codes,
      skuId: row.sku_id,
      productId: row.product_id,
      name: row.name,
      spec: row.spec,
      code: row.code,
      quantity: Number(row.quantity),
    }));
  }
}
