import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { leaderOps } from '@linli/contracts';
import { ResidentsRepository, type OrdersTx } from '@linli/orders-data-access';
import { EventConsumers, type ReceivedEvent } from '@linli/nest-kit';

type Tx = OrdersTx;

/**
 * Keeps the orders service's copy of compounds, pickup points and resident bindings, fed by
 * leader-ops events. Idempotent twice over: the consumer records event ids, and an event older than
 * the row (redelivered late) does not overwrite it.
 */
@Injectable()
export class ReadModelConsumer implements OnApplicationBootstrap {
  private readonly residents = new ResidentsRepository();

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
        await this.residents.upsertCompound(tx, { compoundId: c.compoundId, name: c.name, city: c.city, district: c.district ?? null, timeZone: c.timeZone }, at);
        return;
      }
      case leaderOps.pickupPointUpserted.subject: {
        const p = event.data as leaderOps.PickupPoint;
        await this.residents.upsertPickupPoint(tx, p, at);
        return;
      }
      case leaderOps.residentBound.subject: {
        const b = event.data as { userId: string; pickupPointId: string; compoundId: string; boundAt: string };
        await this.residents.bind(tx, { userId: b.userId, pickupPointId: b.pickupPointId, compoundId: b.compoundId, boundAt: new Date(b.boundAt) });
        return;
      }
    }
  }
}
