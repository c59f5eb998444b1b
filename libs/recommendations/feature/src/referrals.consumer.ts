import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { growth, type EventData } from '@linli/contracts';
import { ReferralsRepository } from '@linli/recommendations-data-access';
import { EventConsumers, type ReceivedEvent } from '@linli/nest-kit';
import type { Tx } from './ingest.service.js';

export const REFERRALS_CONSUMER = 'recommendations-growth-referrals';

/** Keeps the growth system's referral events (invitations, attributions, conversions) as facts for the K-factor of asset metrics (erased people are unlinked from them by the identity consumer). */
@Injectable()
export class ReferralsConsumer implements OnApplicationBootstrap {
  readonly facts = new ReferralsRepository();

  constructor(@Inject(EventConsumers) private readonly consumers: EventConsumers<Tx>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      durable: REFERRALS_CONSUMER,
      domain: 'communities',
      contracts: [growth.inviteSent, growth.referralAttributed, growth.referralConverted],
      handle: (event, tx) => this.handle(event, tx),
    });
  }

  async handle(event: ReceivedEvent, tx: Tx): Promise<void> {
    switch (event.subject) {
      case growth.inviteSent.subject: {
        const d = event.data as EventData<typeof growth.inviteSent>;
        await this.facts.record(tx, { eventId: event.id, kind: 'invite-sent', inviterUserId: d.inviterUserId, inviteeUserId: null, compoundId: d.compoundId, pickupPointId: d.pickupPointId, occurredAt: new Date(d.sentAt) });
        return;
      }
      case growth.referralAttributed.subject: {
        const d = event.data as EventData<typeof growth.referralAttributed>;
        await this.facts.record(tx, { eventId: event.id, kind: 'attributed', inviterUserId: d.inviterUserId, inviteeUserId: d.inviteeUserId, compoundId: d.compoundId, pickupPointId: d.pickupPointId, occurredAt: new Date(d.attributedAt) });
        return;
      }
      case growth.referralConverted.subject: {
        const d = event.data as EventData<typeof growth.referralConverted>;
        await this.facts.record(tx, { eventId: event.id, kind: 'converted', inviterUserId: d.inviterUserId, inviteeUserId: d.inviteeUserId, compoundId: d.compoundId, pickupPointId: d.pickupPointId, occurredAt: new Date(d.convertedAt) });
        return;
      }
    }
  }
}
