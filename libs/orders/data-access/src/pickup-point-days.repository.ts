import type { SqlExecutor } from '@linli/nest-kit';

/**
 * Parcels per pickup point and delivery date (`pickup_point_days`), held to the point's daily
 * capacity when orders are placed (orders_place_orders adds them there).
 */
export class PickupPointDaysRepository {
  /**
   * A cancelled or expired order's parcel is given back. Taken before its quota and stock rows, the
   * lock order orders_place_orders uses.
   */
  async release(tx: SqlExecutor, order: { pickupPointId: string; campaignId: string }): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE pickup_point_days d SET parcels = d.parcels - 1 FROM campaigns c
        WHERE c.id = $2::uuid AND d.pickup_point_id = $1::uuid AND d.delivery_date = c.delivery_date AND d.parcels > 0`,
      order.pickupPointId,
      order.campaignId,
    );
  }

  /** Parcels taken for a point's delivery date (0 when none). */
  async parcels(db: SqlExecutor, pickupPointId: string, deliveryDate: string): Promise<number> {
    const rows = await db.$queryRawUnsafe<{ parcels: number }[]>(
      'SELECT parcels FROM pickup_point_days WHERE pickup_point_id = $1::uuid AND delivery_date = $2::date',
      pickupPointId,
      deliveryDate,
    );
    return rows[0]?.parcels ?? 0;
  }
}
