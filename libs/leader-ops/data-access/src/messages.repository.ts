import type { Message } from './generated/prisma/client.js';
import type { LeaderOpsExecutor } from './customers.repository.js';

export interface NewMessage {
  id: string;
  userId: string;
  senderUserId: string | null;
  channel: string;
  category: string;
  title: string;
  body: string;
  sourceEventId?: string;
}

/** Messages to residents with their delivery status; the in-app channel's inbox reads them. */
export class MessagesRepository {
  async create(tx: LeaderOpsExecutor, row: NewMessage): Promise<Message> {
    return tx.message.create({ data: row });
  }

  /** True when a message from this event was already recorded. */
  async fromEvent(tx: LeaderOpsExecutor, sourceEventId: string): Promise<boolean> {
    return (await tx.message.count({ where: { sourceEventId } })) > 0;
  }

  async markDelivered(tx: LeaderOpsExecutor, id: string, at: Date): Promise<Message> {
    return tx.message.update({ where: { id }, data: { deliveryStatus: 'delivered', deliveredAt: at, deliveryError: null } });
  }

  async markFailed(tx: LeaderOpsExecutor, id: string, error: string): Promise<Message> {
    return tx.message.update({ where: { id }, data: { deliveryStatus: 'failed', deliveryError: error.slice(0, 500) } });
  }

  async get(tx: LeaderOpsExecutor, id: string): Promise<Message | null> {
    return tx.message.findUnique({ where: { id } });
  }

  /** A resident's in-app inbox: delivered in-app messages, newest first. */
  async inbox(tx: LeaderOpsExecutor, userId: string, options: { unreadOnly: boolean; limit: number }): Promise<{ messages: Message[]; unread: number }> {
    const where = { userId, channel: 'in-app', deliveryStatus: 'delivered' };
    const messages = await tx.message.findMany({
      where: { ...where, ...(options.unreadOnly ? { readAt: null } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: options.limit,
    });
    const unread = await tx.message.count({ where: { ...where, readAt: null } });
    return { messages, unread };
  }

  /** Marks an in-app message read once (the first read time stays). */
  async markRead(tx: LeaderOpsExecutor, id: string, at: Date): Promise<void> {
    await tx.message.updateMany({ where: { id, readAt: null }, data: { readAt: at } });
  }

  async sentBy(tx: LeaderOpsExecutor, senderUserId: string, limit: number): Promise<Message[]> {
    return tx.message.findMany({ where: { senderUserId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
  }
}
