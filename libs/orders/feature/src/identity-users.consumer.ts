import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { identity } from '@linli/contracts';
import type { Prisma } from '@linli/orders-data-access';
import { EventConsumers, redactPublishedEvents, type ReceivedEvent } from '@linli/nest-kit';

type Tx = Prisma.TransactionClient;

/**
 * Honours identity's account events in the orders database.
 * - `identity.user.merged.v1`: the merged account's orders, quotas, binding and pickup points move to
 *   the surviving account (an idempotency key both used is kept apart by a prefix; quota rows of the
 *   same offer are added up, the limit raised to what the two accounts already held).
 * - `identity.user.erased.v1`: orders are accounting records and stay, but are re-keyed to a fresh
 *   random id that links them to nobody; the binding and quotas are deleted.
 */
@Injectable()
export class IdentityUsersConsumer implements OnApplicationBootstrap {
  constructor(@Inject(EventConsumers) private readonly consumers: EventConsumers<Tx>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: 'orders-identity-users',
      domain: 'identity',
      contracts: [identity.userMerged, identity.userErased],
      handle: (event, tx) => this.apply(event, tx),
    });
  }

  async apply(event: ReceivedEvent, tx: Tx): Promise<void> {
    if (event.subject === identity.userMerged.subject) {
      const { sourceUserId, targetUserId } = event.data as { sourceUserId: string; targetUserId: string };
      await this.rekey(tx, sourceUserId, targetUserId);
      await tx.$executeRawUnsafe(
        `INSERT INTO resident_bindings (user_id, pickup_point_id, compound_id, bound_at, updated_at)
           SELECT $2::uuid, pickup_point_id, compound_id, bound_at, now() FROM resident_bindings WHERE user_id = $1::uuid
         ON CONFLICT (user_id) DO NOTHING`,
        sourceUserId,
        targetUserId,
      );
      await tx.$executeRawUnsafe('DELETE FROM resident_bindings WHERE user_id = $1::uuid', sourceUserId);
      await tx.$executeRawUnsafe('UPDATE pickup_points SET leader_user_id = $2::uuid WHERE leader_user_id = $1::uuid', sourceUserId, targetUserId);
      return;
    }
    const { userId } = event.data as { userId: string };
    await tx.$executeRawUnsafe('DELETE FROM customer_quotas WHERE user_id = $1::uuid', userId);
    await tx.$executeRawUnsafe('DELETE FROM resident_bindings WHERE user_id = $1::uuid', userId);
    await this.rekey(tx, userId, randomUUID());
    await redactPublishedEvents(tx, userId);
  }

  private async rekey(tx: Tx, from: string, to: string): Promise<void> {
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
