import type { LeaderOpsExecutor } from './customers.repository.js';

/** Residents' bindings to pickup points: one current binding each, ended ones kept as history. */
export class BindingsRepository {
  current(tx: LeaderOpsExecutor, userId: string) {
    return tx.residentBinding.findFirst({ where: { userId, unboundAt: null } });
  }

  async end(tx: LeaderOpsExecutor, bindingId: string, unboundAt: Date, endReason: 'rebound' | 'merged'): Promise<void> {
    await tx.residentBinding.update({ where: { id: bindingId }, data: { unboundAt, endReason } });
  }

  create(tx: LeaderOpsExecutor, binding: { id: string; userId: string; pickupPointId: string; compoundId: string; boundAt: Date }) {
    return tx.residentBinding.create({ data: binding });
  }

  /** Every binding of the resident, newest first (the current one first among equal start times). */
  history(tx: LeaderOpsExecutor, userId: string) {
    return tx.residentBinding.findMany({ where: { userId }, orderBy: [{ boundAt: 'desc' }, { unboundAt: { sort: 'desc', nulls: 'first' } }] });
  }

  /** Which of these compounds still have residents bound to the point. */
  async compoundsBound(tx: LeaderOpsExecutor, pickupPointId: string, compoundIds: string[]): Promise<string[]> {
    const rows = await tx.residentBinding.findMany({
      where: { pickupPointId, unboundAt: null, compoundId: { in: compoundIds } },
      select: { compoundId: true },
      distinct: ['compoundId'],
    });
    return rows.map((row) => row.compoundId);
  }

  /** Forgets every binding of the resident, history included (erasure). */
  async forget(tx: LeaderOpsExecutor, userId: string): Promise<void> {
    await tx.residentBinding.deleteMany({ where: { userId } });
  }

  /** Moves every binding of one account to another (a merge). */
  async moveAll(tx: LeaderOpsExecutor, fromUserId: string, toUserId: string): Promise<void> {
    await tx.residentBinding.updateMany({ where: { userId: fromUserId }, data: { userId: toUserId } });
  }
}
