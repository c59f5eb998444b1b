import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { identity } from '@linli/contracts';
import { ResidentsRepository, type OrdersTx } from '@linli/orders-data-access';
import { EventConsumers, redactPublishedEvents, type ReceivedEvent } from '@linli/nest-kit';

type Tx = OrdersTx;

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
  private readonly residents = new ResidentsRepository();

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
      await this.residents.mergeUser(tx, sourceUserId, targetUserId);
      return;
    }
    const { userId } = event.data as { userId: string };
    await this.residents.eraseUser(tx, userId, randomUUID());
    await redactPublishedEvents(tx, userId);
  }
}
