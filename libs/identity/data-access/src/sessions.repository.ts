import type { Prisma } from './generated/prisma/client.js';

type Db = Prisma.TransactionClient;

/** Sign-in sessions and their rotating refresh tokens (stored as hashes). */
export class SessionsRepository {
  async createSession(db: Db, session: { id: string; userId: string; device: string | null }): Promise<void> {
    await db.session.create({ data: session });
  }

  async createRefreshToken(db: Db, token: { id: string; sessionId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await db.refreshToken.create({ data: token });
  }

  /** The refresh token with this hash, with its session. */
  refreshTokenByHash(db: Db, tokenHash: string) {
    return db.refreshToken.findUnique({ where: { tokenHash }, include: { session: true } });
  }

  /** Marks the token rotated; false when it already was (two refreshes racing with one token). */
  async rotate(db: Db, tokenId: string, at: Date): Promise<boolean> {
    return (await db.refreshToken.updateMany({ where: { id: tokenId, rotatedAt: null }, data: { rotatedAt: at } })).count === 1;
  }

  /** Revokes the open sessions matching `where` (one session, or all of a user's); returns those revoked now. */
  revokeOpen(db: Db, where: { id: string } | { userId: string }, revokedAt: Date): Promise<{ id: string; userId: string }[]> {
    return db.session.updateManyAndReturn({ where: { ...where, revokedAt: null }, data: { revokedAt }, select: { id: true, userId: true } });
  }
}
