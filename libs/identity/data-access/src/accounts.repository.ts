import { randomUUID } from 'node:crypto';
import type { Prisma } from './generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** Users with their channel identities, profiles and consents. */
export class AccountsRepository {
  /** The identity with this channel and value (whoever holds it). */
  identity(tx: Tx, channel: string, value: string) {
    return tx.channelIdentity.findUnique({ where: { channel_value: { channel, value } } });
  }

  /** A new resident holding one identity. */
  async createUser(tx: Tx, userId: string, identity: { channel: string; value: string }): Promise<void> {
    await tx.user.create({ data: { id: userId, roles: ['resident'], identities: { create: { id: randomUUID(), ...identity } } } });
  }

  async addIdentity(tx: Tx, userId: string, channel: string, value: string): Promise<void> {
    await tx.channelIdentity.create({ data: { id: randomUUID(), userId, channel, value } });
  }

  /** The user row with profile, identities (oldest link first) and consents (by purpose). */
  userWithProfile(tx: Tx, userId: string) {
    return tx.user.findUniqueOrThrow({
      where: { id: userId },
      include: { profile: true, identities: { orderBy: { linkedAt: 'asc' } }, consents: { orderBy: { purpose: 'asc' } } },
    });
  }

  async setRoles(tx: Tx, userId: string, roles: string[]): Promise<void> {
    await tx.user.update({ where: { id: userId }, data: { roles } });
  }

  /** The ids of the accounts merged directly into this one. */
  async mergedDirectlyInto(tx: Tx, userId: string): Promise<string[]> {
    return (await tx.user.findMany({ where: { mergedInto: userId }, select: { id: true } })).map((row) => row.id);
  }

  profile(tx: Tx, userId: string) {
    return tx.profile.findUnique({ where: { userId } });
  }

  /** Writes the profile's fields and declared markers (creating the profile when missing). */
  async saveProfile(tx: Tx, userId: string, fields: object, declared: Prisma.InputJsonValue): Promise<void> {
    await tx.profile.upsert({ where: { userId }, create: { userId, ...fields, declared }, update: { ...fields, declared } });
  }

  consents(tx: Tx, userId: string) {
    return tx.consent.findMany({ where: { userId }, orderBy: { purpose: 'asc' } });
  }

  /** Records a consent decision: the current value per purpose and the change in the history. */
  async decideConsent(tx: Tx, userId: string, purpose: string, granted: boolean, changedAt: Date): Promise<void> {
    await this.setConsent(tx, userId, purpose, granted, changedAt);
    await tx.consentChange.create({ data: { id: randomUUID(), userId, purpose, granted, changedAt } });
  }

  /** The current consent for a purpose (no history entry: a merge adopts decisions already recorded). */
  async setConsent(tx: Tx, userId: string, purpose: string, granted: boolean, changedAt: Date): Promise<void> {
    await tx.consent.upsert({ where: { userId_purpose: { userId, purpose } }, create: { userId, purpose, granted, changedAt }, update: { granted, changedAt } });
  }

  /**
   * Folds a merged account into the survivor: its profile and current consents are dropped (the
   * caller adopted what it keeps), its consent history and identities move, and it is marked merged.
   */
  async foldInto(tx: Tx, sourceUserId: string, targetUserId: string): Promise<void> {
    await tx.profile.deleteMany({ where: { userId: sourceUserId } });
    await tx.consent.deleteMany({ where: { userId: sourceUserId } });
    await tx.consentChange.updateMany({ where: { userId: sourceUserId }, data: { userId: targetUserId } });
    await tx.channelIdentity.updateMany({ where: { userId: sourceUserId }, data: { userId: targetUserId } });
  }

  async markMerged(tx: Tx, sourceUserId: string, targetUserId: string): Promise<void> {
    await tx.user.update({ where: { id: sourceUserId }, data: { status: 'merged', mergedInto: targetUserId } });
  }

  /** What identity holds about a user for a data copy: the row, profile, identities, consents with history, sessions. */
  async exportOf(tx: Tx, userId: string) {
    const user = await tx.user.findUniqueOrThrow({
      where: { id: userId },
      include: { profile: true, identities: true, consents: true, sessions: { select: { id: true, device: true, createdAt: true, revokedAt: true } } },
    });
    const consentHistory = await tx.consentChange.findMany({ where: { userId }, orderBy: { changedAt: 'asc' } });
    return { user, consentHistory };
  }
}
