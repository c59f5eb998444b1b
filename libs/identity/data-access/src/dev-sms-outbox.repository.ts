import { randomUUID } from 'node:crypto';
import type { Prisma } from './generated/prisma/client.js';

type Db = Prisma.TransactionClient;

export interface DevSmsMessage {
  phone: string;
  code: string;
  sentAt: Date;
}

/** The development SMS adapter's outbox (`dev_sms_outbox`): codes a developer or a test reads back. */
export class DevSmsOutboxRepository {
  async record(db: Db, phone: string, code: string): Promise<void> {
    await db.devSmsMessage.create({ data: { id: randomUUID(), phone, code } });
  }

  /** The newest messages to this number, newest first. */
  recent(db: Db, phone: string, limit = 20): Promise<DevSmsMessage[]> {
    return db.devSmsMessage.findMany({ where: { phone }, orderBy: { sentAt: 'desc' }, take: limit, select: { phone: true, code: true, sentAt: true } });
  }

}
