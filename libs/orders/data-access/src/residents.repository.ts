import { keepSurvivorRow, type OrdersTx } from './client.js';

export interface CompoundCopy {
  compoundId: string;
  name: string;
  city: string;
  district: string | null;
  timeZone: string;
}

export interface PickupPointCopy {
  pickupPointId: string;
  leaderUserId: string;
  name: string;
  address: string;
  compoundIds: string[];
  capacity: number;
  timeZone: string;
  status: string;
}

/**
 * The orders service's copy of compounds, pickup points and resident bindings (fed by leader-ops
 * events: a row is only overwritten by an event at least as new), and what identity's merges and
 * erasures change in the orders database.
 */
export class ResidentsRepository {
  async upsertCompound(tx: OrdersTx, c: CompoundCopy, eventAt: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO compounds (id, name, city, district, time_zone, event_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz, now())
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, city = EXCLUDED.city, district = EXCLUDED.district,
         time_zone = EXCLUDED.time_zone, event_at = EXCLUDED.event_at, updated_at = now()
       WHERE compounds.event_at <= EXCLUDED.event_at`,
      ...[c.compoundId, c.name, c.city, c.district, c.timeZone, eventAt],
    );
  }

  async upsertPickupPoint(tx: OrdersTx, p: PickupPointCopy, eventAt: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO pickup_points (id, leader_user_id, name, address, compound_ids, capacity, time_zone, status, event_at, updated_at)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5::text[], $6, $7, $8, $9::timestamptz, now())
       ON CONFLICT (id) DO UPDATE SET leader_user_id = EXCLUDED.leader_user_id, name = EXCLUDED.name, address = EXCLUDED.address,
         compound_ids = EXCLUDED.compound_ids, capacity = EXCLUDED.capacity, time_zone = EXCLUDED.time_zone, status = EXCLUDED.status,
         event_at = EXCLUDED.event_at, updated_at = now()
       WHERE pickup_points.event_at <= EXCLUDED.event_at`,
      ...[p.pickupPointId, p.leaderUserId, p.name, p.address, p.compoundIds, p.capacity, p.timeZone, p.status, eventAt],
    );
  }

  /** Binds a resident to a pickup point unless a newer binding is recorded. */
  async bind(tx: OrdersTx, b: { userId: string; pickupPointId: string; compoundId: string; boundAt: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO resident_bindings (user_id, pickup_point_id, compound_id, bound_at, updated_at) VALUES ($1::uuid, $2::uuid, $3, $4::timestamptz, now())
       ON CONFLICT (user_id) DO UPDATE SET pickup_point_id = EXCLUDED.pickup_point_id, compound_id = EXCLUDED.compound_id,
         bound_at = EXCLUDED.bound_at, updated_at = now()
       WHERE resident_bindings.bound_at <= EXCLUDED.bound_at`,
      ...[b.userId, b.pickupPointId, b.compoundId, b.boundAt],
    );
  }

  /**
   * Moves a merged account's orders, quotas, binding and pickup points to the surviving account (an
   * idempotency key both used is kept apart by a prefix; quota rows of the same offer are added up,
   * the limit raised to what the two accounts already held; the survivor's own binding wins).
   */
  async mergeUser(tx: OrdersTx, sourceUserId: string, targetUserId: string): Promise<void> {
    await this.rekey(tx, sourceUserId, targetUserId);
    await keepSurvivorRow(tx, 'resident_bindings', ['pickup_point_id', 'compound_id', 'bound_at'], sourceUserId, targetUserId);
    await tx.$executeRawUnsafe('UPDATE pickup_points SET leader_user_id = $2::uuid WHERE leader_user_id = $1::uuid', sourceUserId, targetUserId);
  }

  /** Deletes an erased user's binding and quotas and re-keys their orders (accounting records) to `anonymousId`. */
  async eraseUser(tx: OrdersTx, userId: string, anonymousId: string): Promise<void> {
    await tx.$executeRawUnsafe('DELETE FROM customer_quotas WHERE user_id = $1::uuid', userId);
    await tx.$executeRawUnsafe('DELETE FROM resident_bindings WHERE user_id = $1::uuid', userId);
    await this.rekey(tx, userId, anonymousId);
  }

  private async rekey(tx: OrdersTx, from: string, to: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE orders o SET user_id = $2::uuid,
              idempotency_key = CASE WHEN EXISTS (SELECT 1 FROM orders t WHERE t.user_id = $2::uuid AND t.idempotency_key = o.idempotency_key)
                                     THEN 'merged:' || $1 || ':' || o.idempotency_key ELSE o.idempotency_key END
        WHERE o.user_id = $1::uuid`,
      from,
      to,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO customer_quotas (campaign_id, offer_id, user_id, quantity, limit_qty)
         SELECT campaign_id, offer_id, $2::uuid, quantity, limit_qty FROM customer_quotas WHERE user_id = $1::uuid
       ON CONFLICT (campaign_id, offer_id, user_id) DO UPDATE
         SET quantity = customer_quotas.quantity + EXCLUDED.quantity,
             limit_qty = GREATEST(customer_quotas.limit_qty, customer_quotas.quantity + EXCLUDED.quantity)`,
      from,
      to,
    );
    await tx.$executeRawUnsafe('DELETE FROM customer_quotas WHERE user_id = $1::uuid', from);
    // What the person did (status changes, complaints) follows their orders to the new id.
    await tx.$executeRawUnsafe('UPDATE order_transitions SET actor_user_id = $2::uuid WHERE actor_user_id = $1::uuid', from, to);
    await tx.$executeRawUnsafe('UPDATE refunds SET requested_by = $2::uuid WHERE requested_by = $1::uuid', from, to);
  }
}
