import type { Prisma } from './generated/prisma/client.js';
import type { LeaderOpsExecutor } from './customers.repository.js';

export interface NewApplication {
  id: string;
  userId: string;
  compoundId: string;
  displayName: string;
  phone: string;
  statement: string | null;
}

export interface ApplicationFilter {
  userId?: string;
  status?: string;
  compoundId?: string;
}

/** Leader applications and their decisions. */
export class ApplicationsRepository {
  /** The statuses of a resident's applications for one compound. */
  async statusesOf(tx: LeaderOpsExecutor, userId: string, compoundId: string): Promise<string[]> {
    return (await tx.leaderApplication.findMany({ where: { userId, compoundId }, select: { status: true } })).map((a) => a.status);
  }

  create(tx: LeaderOpsExecutor, application: NewApplication) {
    return tx.leaderApplication.create({ data: application });
  }

  find(tx: LeaderOpsExecutor, id: string) {
    return tx.leaderApplication.findUnique({ where: { id } });
  }

  /** Records ops' decision (a rejection carries its reason). */
  decide(tx: LeaderOpsExecutor, id: string, decision: { status: 'approved' | 'rejected'; decidedBy: string; decidedAt: Date; reason: string | null }) {
    return tx.leaderApplication.update({
      where: { id },
      data: { status: decision.status, decidedBy: decision.decidedBy, decidedAt: decision.decidedAt, decisionReason: decision.reason },
    });
  }

  /**
   * Up to `limit` applications, newest first, after the application `after` (null when that one does
   * not exist).
   */
  async page(tx: LeaderOpsExecutor, filter: ApplicationFilter, after: string | undefined, limit: number) {
    const where: Prisma.LeaderApplicationWhereInput = {
      ...(filter.userId ? { userId: filter.userId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.compoundId ? { compoundId: filter.compoundId } : {}),
    };
    if (after) {
      const cursor = await tx.leaderApplication.findUnique({ where: { id: after }, select: { id: true, createdAt: true } });
      if (!cursor) return null;
      where.OR = [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }];
    }
    return tx.leaderApplication.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
  }

  /** Which of these compounds the resident was approved to lead. */
  async approvedCompounds(tx: LeaderOpsExecutor, userId: string, compoundIds: string[]): Promise<string[]> {
    const rows = await tx.leaderApplication.findMany({ where: { userId, status: 'approved', compoundId: { in: compoundIds } }, select: { compoundId: true } });
    return rows.map((row) => row.compoundId);
  }

  /** The applications of a resident: id, compound and status. */
  ofUser(tx: LeaderOpsExecutor, userId: string) {
    return tx.leaderApplication.findMany({ where: { userId }, select: { id: true, compoundId: true, status: true } });
  }

  /** Withdraws applications: these ones, or (given a user id) that resident's pending ones. */
  async withdraw(tx: LeaderOpsExecutor, which: { ids: string[] } | { pendingOf: string }, at: Date, reason: string): Promise<void> {
    const where = 'ids' in which ? { id: { in: which.ids } } : { userId: which.pendingOf, status: 'pending' };
    await tx.leaderApplication.updateMany({ where, data: { status: 'withdrawn', decidedAt: at, decisionReason: reason } });
  }

  /** Clears the personal text of a resident's applications not yet cleared (erasure). */
  async erasePersonalText(tx: LeaderOpsExecutor, userId: string, at: Date): Promise<void> {
    await tx.leaderApplication.updateMany({ where: { userId, erasedAt: null }, data: { displayName: null, phone: null, statement: null, erasedAt: at } });
  }

  /** Moves every application of one account to another (a merge). */
  async moveAll(tx: LeaderOpsExecutor, fromUserId: string, toUserId: string): Promise<void> {
    await tx.leaderApplication.updateMany({ where: { userId: fromUserId }, data: { userId: toUserId } });
  }
}
