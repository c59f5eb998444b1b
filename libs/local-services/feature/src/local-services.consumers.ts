import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { identity, leaderOps, type EventData } from '@linli/contracts';
import type { Prisma } from '@linli/local-services-data-access';
import { BookingsRepository, CatalogRepository } from '@linli/local-services-data-access';
import { EventConsumers, redactPublishedEvents } from '@linli/nest-kit';
import { WebhooksService } from './webhooks.service.js';

type Tx = Prisma.TransactionClient;

export const CONSUMERS = { identity: 'local-services-identity-users', leaderOps: 'local-services-leader-ops' } as const;

/**
 * - `identity.user.erased.v1`: cancels the user's upcoming bookings (seats released, providers told by
 *   webhook), deletes their booking notes (health data for clinics) and bound compound, clears their
 *   review texts, re-keys what the providers keep to random ids, and redacts the published outbox
 *   events naming them;
 * - `identity.user.merged.v1`: re-keys the merged account's bookings, notes and reviews;
 * - `leader-ops.resident.bound.v1`: the compound a resident lives in (bookings are checked against the
 *   provider's compounds) and their pickup point;
 * - `leader-ops.pickup-point.upserted.v1`: who runs each active pickup point (the leader a completed
 *   booking's service fee goes to).
 * Each event runs in the transaction that records it as processed.
 */
@Injectable()
export class LocalServicesConsumers implements OnApplicationBootstrap {
  private readonly logger = new Logger('LocalServicesConsumers');
  private readonly bookings = new BookingsRepository();
  private readonly catalog = new CatalogRepository();

  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers<Tx>,
    @Inject(WebhooksService) private readonly webhooks: WebhooksService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: CONSUMERS.identity,
      domain: 'identity',
      contracts: [identity.userErased, identity.userMerged],
      handle: async (event, tx) => {
        if (event.subject === identity.userErased.subject) await this.erase(tx, (event.data as EventData<typeof identity.userErased>).userId);
        else {
          const { sourceUserId, targetUserId } = event.data as EventData<typeof identity.userMerged>;
          if (sourceUserId !== targetUserId) await this.bookings.rekey(tx, sourceUserId, targetUserId);
        }
        this.logger.log(`${event.subject} ${event.id} applied`);
      },
    });
    await this.consumers.start({
      durable: CONSUMERS.leaderOps,
      domain: 'leader-ops',
      contracts: [leaderOps.residentBound, leaderOps.pickupPointUpserted],
      handle: async (event, tx) => {
        if (event.subject === leaderOps.pickupPointUpserted.subject) {
          const p = event.data as EventData<typeof leaderOps.pickupPointUpserted>;
          await this.bookings.setPointLeader(tx, p.pickupPointId, p.leaderUserId, p.status === 'active');
          return;
        }
        const data = event.data as EventData<typeof leaderOps.residentBound>;
        await this.bookings.upsertPlace(tx, data.userId, data.compoundId, data.pickupPointId, new Date(data.boundAt));
      },
    });
  }

  /**
   * Idempotent: a second run finds nothing left to cancel or delete. The provider learns of each
   * cancelled booking by webhook (which names no one); no booking event is published, since every
   * consumer erases the person on the same identity event and an event would carry the id again.
   */
  async erase(tx: Tx, userId: string): Promise<void> {
    for (const row of await this.bookings.upcomingOf(tx, userId)) {
      if (row.slot_id) await this.catalog.releaseSeat(tx, row.slot_id);
      await this.bookings.setStatus(tx, row.id, 'cancelled');
      await this.webhooks.enqueue(tx, 'booking.cancelled', { ...row, status: 'cancelled' });
    }
    await this.bookings.erasePersonal(tx, userId);
    await redactPublishedEvents(tx, userId);
  }
}
