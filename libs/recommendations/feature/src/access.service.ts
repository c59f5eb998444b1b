import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@linli/contracts';
import { RecommendationsDb, StoreRepository } from '@linli/recommendations-data-access';
import { RecommendationsErrors } from './recommendations.exception.js';

/** What an actor may see: everything (ops), or the customers and compounds of their pickup points (leaders). */
export type Reach = { kind: 'all' } | { kind: 'points'; pickupPointIds: string[]; compoundIds: string[] };

/**
 * Authorisation inside the service: ops see everything; leaders only their own pickup points'
 * customers and compounds; residents only themselves.
 */
@Injectable()
export class AccessService {
  private readonly store = new StoreRepository();

  constructor(@Inject(RecommendationsDb) private readonly db: RecommendationsDb) {}

  /** Ops → all; leader → their active pickup points (possibly none); anyone else → forbidden. */
  async reach(actor: Actor): Promise<Reach> {
    if (actor.roles.includes('ops')) return { kind: 'all' };
    if (actor.roles.includes('leader')) {
      const points = await this.store.pickupPointsOfLeader(this.db, actor.userId);
      return { kind: 'points', pickupPointIds: points.map((p) => p.pickupPointId), compoundIds: [...new Set(points.flatMap((p) => p.compoundIds))] };
    }
    throw RecommendationsErrors.forbidden('only leaders and ops may see customer assets');
  }

  /** A customer's record: ops, a leader of their pickup point, or the customer themselves. */
  async assertCustomer(actor: Actor, customer: { user_id: string; pickup_point_id: string | null }): Promise<void> {
    if (actor.userId === customer.user_id || actor.roles.includes('ops')) return;
    const reach = await this.reach(actor);
    if (reach.kind === 'points' && customer.pickup_point_id && reach.pickupPointIds.includes(customer.pickup_point_id)) return;
    throw RecommendationsErrors.forbidden('this resident does not pick up at your pickup point');
  }

  async assertCompound(actor: Actor, compoundId: string): Promise<void> {
    const reach = await this.reach(actor);
    if (reach.kind === 'all' || reach.compoundIds.includes(compoundId)) return;
    throw RecommendationsErrors.forbidden('your pickup points do not serve this compound');
  }

  async assertPickupPoint(actor: Actor, pickupPointId: string): Promise<void> {
    const reach = await this.reach(actor);
    if (reach.kind === 'all' || reach.pickupPointIds.includes(pickupPointId)) return;
    throw RecommendationsErrors.forbidden('this is not your pickup point');
  }
}
