import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { identity } from '@linli/contracts';
import { ResidentProfilesRepository, type Prisma } from '@linli/orders-data-access';
import { EventConsumers, type ReceivedEvent } from '@linli/nest-kit';

type Tx = Prisma.TransactionClient;

/**
 * Keeps the display name (nickname) and building of each resident that identity announces, so a
 * leader's sorting list can say whose bag is whose without asking identity: copied from
 * `identity.profile.updated.v1`, moved on `identity.user.merged.v1`, deleted on `identity.user.erased.v1`.
 */
@Injectable()
export class ResidentProfilesConsumer implements OnApplicationBootstrap {
  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers<Tx>,
    @Inject(ResidentProfilesRepository) private readonly profiles: ResidentProfilesRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: 'orders-resident-profiles',
      domain: 'identity',
      contracts: [identity.profileUpdated, identity.userMerged, identity.userErased],
      handle: (event, tx) => this.apply(event, tx),
    });
  }

  async apply(event: ReceivedEvent, tx: Tx): Promise<void> {
    switch (event.subject) {
      case identity.profileUpdated.subject: {
        const { userId, profile } = event.data as { userId: string; profile: { nickname?: string | null; building?: string | null } };
        await this.profiles.upsert(tx, { userId, displayName: profile.nickname ?? null, building: profile.building ?? null, eventAt: new Date(event.occurredAt) });
        return;
      }
      case identity.userMerged.subject: {
        const { sourceUserId, targetUserId } = event.data as { sourceUserId: string; targetUserId: string };
        await this.profiles.merge(tx, sourceUserId, targetUserId);
        return;
      }
      case identity.userErased.subject:
        await this.profiles.erase(tx, (event.data as { userId: string }).userId);
        return;
    }
  }
}
