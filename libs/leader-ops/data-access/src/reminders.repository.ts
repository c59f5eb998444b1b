import type { Reminder } from './generated/prisma/client.js';
import type { LeaderOpsExecutor } from './customers.repository.js';

/** The reminders leaders set (or accept from the system's proposals). */
export class RemindersRepository {
  async create(tx: LeaderOpsExecutor, row: { id: string; leaderUserId: string; userId: string; kind: string; text: string; dueAt: Date; source: string }): Promise<Reminder> {
    return tx.reminder.create({ data: row });
  }

  async list(tx: LeaderOpsExecutor, leaderUserId: string, status: string): Promise<Reminder[]> {
    return tx.reminder.findMany({ where: { leaderUserId, status }, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take: 500 });
  }

  async get(tx: LeaderOpsExecutor, id: string): Promise<Reminder | null> {
    return tx.reminder.findUnique({ where: { id } });
  }

  /** Closes an open reminder; null when it was not open (already closed). */
  async close(tx: LeaderOpsExecutor, id: string, status: 'done' | 'dismissed', at: Date): Promise<Reminder | null> {
    const { count } = await tx.reminder.updateMany({ where: { id, status: 'open' }, data: { status, closedAt: at } });
    return count === 1 ? tx.reminder.findUnique({ where: { id } }) : null;
  }
}
