import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { leaderOps } from '@linli/contracts';
import type { Prisma } from '@linli/orders-data-access';
import { EventConsumers, type ReceivedEvent } from '@linli/nest-kit';

type Tx = Prisma.TransactionClient;

/**
 * Keeps the orders service's copy of compounds, pickup points and resident bindings, fed by
 * leader-ops events. Idempotent twice over: the consumer records event ids, and an event older than
 * the row (redelivered late) does not overwrite it.
 */
@Injectable()
export class ReadModelConsumer implements OnApplicationBootstrap {
  constructor(@Inject(EventConsumers) private readonly consumers: EventConsumers<Tx>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: 'orders-leader-ops-read-model',
      domain: 'leader-ops',
      contracts: [leaderOps.compoundUpserted, leaderOps.pickupPointUpserted, leaderOps.residentBound],
      handle: (event, tx) => this.apply(event, tx),
    });
  }

  async apply(event: ReceivedEvent, tx: Tx): Promise<void> {
    const at = new Date(event.occurredAt);
    switch (event.subject) {
      case leaderOps.compoundUpserted.subject: {
        const c = event.data as leaderOps.Compound;
        await tx.$executeRawUnsafe(
          `INSERT INTO compounds (id, name, city, district, time_zone, event_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz, now())
           ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, city = EXCLUDED.city, district = EXCLUDED.district,
             time_zone = EXCLUDED.time_zone, event_at = EXCLUDED.event_at, updated_at = now()
           WHERE compounds.event_at <= EXCLUDED.event_at`,
          c.compoundId,
          c.name,
          c.city,
          c.district ?? null,
          c.timeZone,
          at,
        );
        return;
      }
      case leaderOps.pickupPointUpserted.subject: {
        const p = event.data as leaderOps.PickupPoint;
        await tx.$executeRawUnsafe(
          `INSERT INTO pickup_points (id, leader_user_id, name, address, compound_ids, capacity, time_zone, status, event_at, updated_at)
           VALUES ($1::uuid, $2::uuid, $3, $4, $5::text[], $6, $7, $8, $9::timestamptz, now())
           ON CONFLICT (id) DO UPDATE SET leader_user_id = EXCLUDED.leader_user_id, name = EXCLUDED.name, address = EXCLUDED.address,
             compound_ids = EXCLUDED.compound_ids, capacity = EXCLUDED.capacity, time_zone = EXCLUDED.time_zone, status = EXCLUDED.status,
             event_at = EXCLUDED.event_at, updated_at = now()
           WHERE pickup_points.event_at <= EXCLUDED.event_at`,
          p.pickupPointId,
          p.leaderUserId,
          p.name,
          p.address,
          p.compoundIds,
          p.capacity,
          p.timeZone,
          p.status,
          at,
        );
        return;
      }
      case leaderOps.residentBound.subject: {
        const b = event.data as { userId: string; pickupPointId: string; compoundId: string; boundAt: string };
        await tx.$executeRawUnsafe(
          `INSERT INTO resident_bindings (user_id, pickup_point_id, compound_id, bound_at, updated_at) VALUES ($1::uuid, $2::uuid, $3, $4::timestamptz, now())
           ON CONFLICT (user_id) DO UPDATE SET pickup_point_id = EXCLUDED.pickup_point_id, compound_id = EXCLUDED.compound_id,
             bound_at = EXCLUDED.bound_at, updated_at = now()
           WHERE resident_bindings.bound_at <= EXCLUDED.bound_at`,
          b.userId,
          b.pickupPointId,
          b.compoundId,
          new Date(b.boundAt),
        );
        return;
      }
    }
  }
}
