import type { Prisma } from './generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** A user as merges, resolution and role checks read it. */
export interface UserRow {
  id: string;
  roles: string[];
  status: string;
  merged_into: string | null;
}

/** Users: the rows merges follow and lock (everything else goes through the generated client). */
export class UsersRepository {
  async find(tx: Tx, userId: string): Promise<UserRow | null> {
    const rows = await tx.$queryRawUnsafe<UserRow[]>('SELECT id::text, roles, status, merged_into::text FROM users WHERE id = $1::uuid', userId);
    return rows[0] ?? null;
  }

  /** Locks these users until the transaction ends, in id order (so concurrent merges of one pair cannot deadlock). */
  lockInIdOrder(tx: Tx, userIds: string[]): Promise<UserRow[]> {
    return tx.$queryRawUnsafe<UserRow[]>(
      'SELECT id::text, roles, status, merged_into::text FROM users WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [...userIds].sort(),
    );
  }

  /** The user's identity on a channel (e.g. the phone on file), if any. */
  identityOn(tx: Tx, userId: string, channel: string) {
    return tx.channelIdentity.findFirst({ where: { userId, channel } });
  }
}
