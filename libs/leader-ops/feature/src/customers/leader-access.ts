import type { Actor } from '@linli/contracts';
import { CustomersRepository, type LeaderOpsExecutor } from '@linli/leader-ops-data-access';
import { LeaderCustomerErrors } from './leader-customers.exception.js';

const customers = new CustomersRepository();

/** The caller must hold the leader role. */
export function assertLeader(actor: Actor): void {
  if (!actor.roles.includes('leader')) throw LeaderCustomerErrors.leaderOnly();
}

export function assertOps(actor: Actor): void {
  if (!actor.roles.includes('ops')) throw LeaderCustomerErrors.opsOnly();
}

/** The resident must currently collect at a pickup point the leader runs. */
export async function assertCustomerOf(tx: LeaderOpsExecutor, leaderUserId: string, userId: string): Promise<void> {
  if ((await customers.currentLeaderOf(tx, userId)) !== leaderUserId) throw LeaderCustomerErrors.notYourCustomer(userId);
}
