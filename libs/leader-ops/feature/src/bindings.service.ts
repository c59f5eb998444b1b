import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { leaderOps as contracts, type Actor } from '@linli/contracts';
import { BindingsRepository, CompoundsRepository, PickupPointsRepository, leaderOpsLocks } from '@linli/leader-ops-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { LeaderOpsErrors } from './leader-ops.exception.js';
import { toBinding } from './leader-ops.mappers.js';
import { assertBindable, endOf, isSameBinding, subjectUser } from './leader-ops.rules.js';
import { LeaderOpsTransactions, lockKey } from './leader-ops.transaction.js';

/**
 * Which pickup point each resident collects from. One current binding per resident; rebinding ends
 * the current one and keeps it as history. Announced as `leader-ops.resident.bound.v1`.
 */
@Injectable()
export class BindingsService {
  private readonly bindings = new BindingsRepository();
  private readonly compounds = new CompoundsRepository();
  private readonly points = new PickupPointsRepository();

  constructor(@Inject(LeaderOpsTransactions) private readonly transactions: LeaderOpsTransactions) {}

  async bind(actor: Actor, pickupPointId: string, compoundId: string) {
    const userId = actor.userId;
    return this.transactions.run(async (tx) => {
      await lockKey(tx, `binding:${userId}`);
      // Share lock: a concurrent suspension or change of the served compounds waits for this bind (and vice versa).
      await leaderOpsLocks.pickupPoint(tx, pickupPointId, 'share');
      const point = await this.points.find(tx, pickupPointId);
      if (!point) throw LeaderOpsErrors.pickupPointNotFound(pickupPointId);
      if (!(await this.compounds.exists(tx, compoundId))) throw LeaderOpsErrors.compoundNotFound([compoundId]);
      assertBindable(
        { pickupPointId, status: point.status as 'active' | 'suspended', compoundIds: point.compounds.map((c) => c.compoundId) },
        compoundId,
      );
      const current = await this.bindings.current(tx, userId);
      if (isSameBinding(current, pickupPointId, compoundId)) {
        return { binding: toBinding(current!), previousPickupPointId: null, changed: false };
      }
      const now = new Date();
      if (current) {
        await this.bindings.end(tx, current.id, endOf(current.boundAt, now), 'rebound');
      }
      const row = await this.bindings.create(tx, { id: randomUUID(), userId, pickupPointId, compoundId, boundAt: current ? endOf(current.boundAt, now) : now });
      const previousPickupPointId = current?.pickupPointId ?? null;
      await enqueueEvent(tx, contracts.residentBound, {
        userId,
        pickupPointId,
        compoundId,
        previousPickupPointId,
        boundAt: row.boundAt.toISOString(),
      });
      return { binding: toBinding(row), previousPickupPointId, changed: true };
    });
  }

  /** The current binding and the whole history (newest first) of the actor, or of anyone for ops. */
  async get(actor: Actor, userId: string | undefined) {
    const subject = subjectUser(actor, userId);
    const rows = await this.bindings.history(this.transactions.reader, subject);
    const current = rows.find((row) => row.unboundAt === null) ?? null;
    return { userId: subject, current: current ? toBinding(current) : null, history: rows.map(toBinding) };
  }
}
