import type { OrdersClient } from './client.js';

/** Units of one SKU across a campaign, and at how many pickup points. */
export interface PurchaseRow {
  sku_id: string;
  code: string;
  product_id: string;
  name: string;
  spec: string;
  quantity: number;
  points: number;
}

/** What goes out after cut-off: the pickup point's name on its sorting list and the purchase summary per SKU. */
export class FulfilmentRepository {
  async pickupPointName(client: OrdersClient, pickupPointId: string): Promise<string | null> {
    return (await client.pickupPoint.findUnique({ where: { id: pickupPointId }, select: { name: true } }))?.name ?? null;
  }

  /** Units per SKU in a campaign's paid and later orders. */
  async purchaseRows(client: OrdersClient, campaignId: string): Promise<PurchaseRow[]> {
    const rows = await client.$queryRawUnsafe<PurchaseRow[]>(
      `SELECT i.sku_id::text, s.code, i.product_id::text, p.name, s.spec, sum(i.quantity)::int AS quantity, count(DISTINCT o.pickup_point_id)::int AS points
         FROM orders o JOIN order_line_items i ON i.order_id = o.id JOIN skus s ON s.id = i.sku_id JOIN products p ON p.id = i.product_id
        WHERE o.campaign_id = $1::uuid AND o.status IN ('paid', 'locked', 'shipped', 'received', 'picked_up', 'completed')
        GROUP BY i.sku_id, s.code, i.product_id, p.name, s.spec ORDER BY p.name, s.spec`,
      campaignId,
    );
    return rows.map((row) => ({ ...row, quantity: Number(row.quantity), points: Number(row.points) }));
  }
}
