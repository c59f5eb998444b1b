import type { Prisma } from './generated/prisma/client.js';

type Db = Prisma.TransactionClient;

export interface NewMemberCardCode {
  id: string;
  cardNumber: string;
  codeHash: string;
  issuedVia: 'sms' | 'leader';
  issuedBy: string;
  holderUserId: string | null;
  expiresAt: Date;
}

/** One-time codes: those sent to phones, and member cards' codes (by SMS to the holder, or issued by a leader). */
export class OneTimeCodesRepository {
  /** When codes were sent to the phone since `since`, newest first. */
  sentToPhoneSince(db: Db, phone: string, since: Date) {
    return db.otpCode.findMany({ where: { phone, createdAt: { gt: since } }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  }

  async createPhoneCode(db: Db, code: { id: string; phone: string; codeHash: string; expiresAt: Date }): Promise<void> {
    await db.otpCode.create({ data: code });
  }

  /** The newest code sent to the phone. */
  latestForPhone(db: Db, phone: string) {
    return db.otpCode.findFirst({ where: { phone }, orderBy: { createdAt: 'desc' } });
  }

  /** Counts a wrong try against the phone code. */
  async countPhoneAttempt(db: Db, id: string): Promise<void> {
    await db.otpCode.update({ where: { id }, data: { attempts: { increment: 1 } } });
  }

  /** Marks the phone code used; false when it already was (single use under concurrent replays). */
  async claimPhoneCode(db: Db, id: string, at: Date): Promise<boolean> {
    return (await db.otpCode.updateMany({ where: { id, usedAt: null }, data: { usedAt: at } })).count === 1;
  }

  /** When codes for the card were sent by SMS since `since`, newest first. */
  cardCodesSentSince(db: Db, cardNumber: string, since: Date) {
    return db.memberCardCode.findMany({ where: { cardNumber, issuedVia: 'sms', createdAt: { gt: since } }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  }

  async createCardCode(db: Db, code: NewMemberCardCode): Promise<void> {
    await db.memberCardCode.create({ data: code });
  }

  /** The newest code issued for the card. */
  latestForCard(db: Db, cardNumber: string) {
    return db.memberCardCode.findFirst({ where: { cardNumber }, orderBy: { createdAt: 'desc' } });
  }

  /** Counts a wrong try against the card code. */
  async countCardAttempt(db: Db, id: string): Promise<void> {
    await db.memberCardCode.update({ where: { id }, data: { attempts: { increment: 1 } } });
  }

  /** Marks the card code used by `userId`; false when it already was. */
  async claimCardCode(db: Db, id: string, userId: string, at: Date): Promise<boolean> {
    return (await db.memberCardCode.updateMany({ where: { id, usedAt: null }, data: { usedAt: at, usedBy: userId } })).count === 1;
  }
}
