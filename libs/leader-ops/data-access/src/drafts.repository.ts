import type { Draft, Prisma } from './generated/prisma/client.js';
import type { LeaderOpsExecutor } from './customers.repository.js';

/** Drafted care messages: written, edited, approved, then sent exactly once. */
export class DraftsRepository {
  async create(tx: LeaderOpsExecutor, row: { id: string; leaderUserId: string; userId: string; kind: string; locale: string; text: string; inputs: Prisma.InputJsonValue; generator: string }): Promise<Draft> {
    return tx.draft.create({ data: row });
  }

  async get(tx: LeaderOpsExecutor, id: string): Promise<Draft | null> {
    return tx.draft.findUnique({ where: { id } });
  }

  async list(tx: LeaderOpsExecutor, leaderUserId: string, filter: { status?: string; userId?: string }): Promise<Draft[]> {
    return tx.draft.findMany({ where: { leaderUserId, ...filter }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 200 });
  }

  /** Changes the text of a draft still in `draft`; null when it is no longer a draft. */
  async edit(tx: LeaderOpsExecutor, id: string, text: string): Promise<Draft | null> {
    const { count } = await tx.draft.updateMany({ where: { id, status: 'draft' }, data: { text, edited: true } });
    return count === 1 ? tx.draft.findUnique({ where: { id } }) : null;
  }

  async approve(tx: LeaderOpsExecutor, id: string, at: Date): Promise<Draft | null> {
    const { count } = await tx.draft.updateMany({ where: { id, status: 'draft' }, data: { status: 'approved', approvedAt: at } });
    return count === 1 ? tx.draft.findUnique({ where: { id } }) : null;
  }

  /** Marks an approved draft sent with its message; null when it was not (or no longer) approved. */
  async markSent(tx: LeaderOpsExecutor, id: string, messageId: string): Promise<Draft | null> {
    const { count } = await tx.draft.updateMany({ where: { id, status: 'approved' }, data: { status: 'sent', messageId } });
    return count === 1 ? tx.draft.findUnique({ where: { id } }) : null;
  }
}
