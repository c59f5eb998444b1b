import type { Prisma } from './generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** A person's erasure (PIPL): what identity deletes, and the tombstone it keeps. */
export class ErasureRepository {
  user(tx: Tx, userId: string) {
    return tx.user.findUniqueOrThrow({ where: { id: userId } });
  }

  /**
   * Deletes the user's identities, profile, consents with history, codes and SMS records of their
   * phones, member card codes, sessions and refresh tokens. Returns the sessions deleted (to announce
   * the ones still open).
   */
  async deletePersonalData(tx: Tx, userId: string): Promise<{ id: string; userId: string; revokedAt: Date | null }[]> {
    const phones = (await tx.channelIdentity.findMany({ where: { userId, channel: 'phone' } })).map((i) => i.value);
    await tx.channelIdentity.deleteMany({ where: { userId } });
    await tx.profile.deleteMany({ where: { userId } });
    await tx.consent.deleteMany({ where: { userId } });
    await tx.consentChange.deleteMany({ where: { userId } });
    await tx.otpCode.deleteMany({ where: { phone: { in: phones } } });
    await tx.devSmsMessage.deleteMany({ where: { phone: { in: phones } } });
    await tx.smsSend.deleteMany({ where: { phone: { in: phones } } });
    await tx.memberCardCode.deleteMany({ where: { OR: [{ holderUserId: userId }, { usedBy: userId }] } });
    const sessions = await tx.session.findMany({ where: { userId }, select: { id: true, userId: true, revokedAt: true } });
    await tx.refreshToken.deleteMany({ where: { sessionId: { in: sessions.map((s) => s.id) } } });
    await tx.session.deleteMany({ where: { userId } });
    return sessions;
  }

  /** Drops the snapshots and reasons of the merges these accounts took part in (`survivorId` as target). */
  async redactMerges(tx: Tx, related: string[], survivorId: string): Promise<void> {
    await tx.merge.updateMany({ where: { OR: [{ sourceUserId: { in: related } }, { targetUserId: survivorId }] }, data: { sourceSnapshot: { erased: true }, reason: 'erased' } });
  }

  /** The anonymous tombstone: no roles, status erased. */
  async markErased(tx: Tx, userId: string, erasedAt: Date): Promise<void> {
    await tx.user.update({ where: { id: userId }, data: { status: 'erased', roles: [], erasedAt } });
  }
}
