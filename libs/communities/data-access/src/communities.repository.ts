import { randomUUID } from 'node:crypto';
import type { Executor } from './executor.js';

export interface CommunityRow {
  id: string;
  name: string;
  description: string;
  scope: string;
  compoundId: string | null;
  pickupPointId: string | null;
  tags: string[];
  memberCount: number;
  createdBy: string;
  createdAt: Date;
}

export interface MemberRow {
  communityId: string;
  userId: string;
  role: string;
  joinedAt: Date;
}

/** Communities, their members, invitations and bans. */
export class CommunitiesRepository {
  async create(tx: Executor, c: Omit<CommunityRow, 'id' | 'memberCount' | 'createdAt'>): Promise<CommunityRow> {
    return tx.community.create({ data: { id: randomUUID(), ...c } });
  }

  async get(tx: Executor, id: string): Promise<CommunityRow | null> {
    return tx.community.findUnique({ where: { id } });
  }

  /** Communities of a compound (its own and those of pickup points serving it) or of a pickup point, or all; largest first. */
  async list(tx: Executor, filter: { compoundId?: string; pickupPointId?: string; limit: number }): Promise<CommunityRow[]> {
    const where = filter.pickupPointId ? { pickupPointId: filter.pickupPointId } : filter.compoundId ? { compoundId: filter.compoundId } : {};
    return tx.community.findMany({ where, orderBy: [{ memberCount: 'desc' }, { createdAt: 'asc' }], take: filter.limit });
  }

  /** Communities a resident may join: city-wide ones, their compound's, their pickup point's. */
  async withinReach(tx: Executor, reach: { compoundId: string | null; pickupPointId: string | null }): Promise<CommunityRow[]> {
    return tx.community.findMany({
      where: {
        OR: [
          { scope: 'city' },
          ...(reach.compoundId ? [{ scope: 'compound', compoundId: reach.compoundId }] : []),
          ...(reach.pickupPointId ? [{ scope: 'pickup-point', pickupPointId: reach.pickupPointId }] : []),
        ],
      },
      orderBy: [{ memberCount: 'desc' }, { createdAt: 'asc' }],
      take: 500,
    });
  }

  async member(tx: Executor, communityId: string, userId: string): Promise<MemberRow | null> {
    return tx.communityMember.findUnique({ where: { communityId_userId: { communityId, userId } }, select: { communityId: true, userId: true, role: true, joinedAt: true } });
  }

  async rolesOf(tx: Executor, userId: string, communityIds: string[]): Promise<Map<string, string>> {
    if (communityIds.length === 0) return new Map();
    const rows = await tx.communityMember.findMany({ where: { userId, communityId: { in: communityIds } }, select: { communityId: true, role: true } });
    return new Map(rows.map((r) => [r.communityId, r.role]));
  }

  /** Adds a member and counts them in one statement each; null when they already were one. */
  async addMember(tx: Executor, communityId: string, userId: string, role: string): Promise<MemberRow | null> {
    const rows = await tx.$queryRawUnsafe<MemberRow[]>(
      `INSERT INTO community_members (community_id, user_id, role) VALUES ($1::uuid, $2::uuid, $3)
       ON CONFLICT DO NOTHING RETURNING community_id AS "communityId", user_id AS "userId", role, joined_at AS "joinedAt"`,
      communityId,
      userId,
      role,
    );
    if (rows.length === 0) return null;
    await tx.$executeRawUnsafe('UPDATE communities SET member_count = member_count + 1 WHERE id = $1::uuid', communityId);
    return rows[0]!;
  }

  async removeMember(tx: Executor, communityId: string, userId: string): Promise<boolean> {
    const n = await tx.$executeRawUnsafe('DELETE FROM community_members WHERE community_id = $1::uuid AND user_id = $2::uuid', communityId, userId);
    if (n > 0) await tx.$executeRawUnsafe('UPDATE communities SET member_count = member_count - 1 WHERE id = $1::uuid', communityId);
    return n > 0;
  }

  async setRole(tx: Executor, communityId: string, userId: string, role: string): Promise<MemberRow | null> {
    const rows = await tx.$queryRawUnsafe<MemberRow[]>(
      `UPDATE community_members SET role = $3 WHERE community_id = $1::uuid AND user_id = $2::uuid
       RETURNING community_id AS "communityId", user_id AS "userId", role, joined_at AS "joinedAt"`,
      communityId,
      userId,
      role,
    );
    return rows[0] ?? null;
  }

  async members(tx: Executor, communityId: string, limit: number): Promise<MemberRow[]> {
    return tx.communityMember.findMany({ where: { communityId }, orderBy: [{ joinedAt: 'asc' }], take: limit, select: { communityId: true, userId: true, role: true, joinedAt: true } });
  }

  async memberIds(tx: Executor, communityId: string): Promise<string[]> {
    return (await tx.communityMember.findMany({ where: { communityId }, select: { userId: true } })).map((m) => m.userId);
  }

  async communitiesOf(tx: Executor, userId: string): Promise<string[]> {
    return (await tx.communityMember.findMany({ where: { userId }, select: { communityId: true } })).map((m) => m.communityId);
  }

  async invite(tx: Executor, communityId: string, userIds: string[], invitedBy: string): Promise<number> {
    if (userIds.length === 0) return 0;
    return tx.$executeRawUnsafe(
      `INSERT INTO community_invitations (community_id, user_id, invited_by)
       SELECT $1::uuid, u, $3::uuid FROM unnest($2::uuid[]) AS u
        WHERE NOT EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = $1::uuid AND m.user_id = u)
       ON CONFLICT DO NOTHING`,
      communityId,
      [...new Set(userIds)],
      invitedBy,
    );
  }

  async invitationsOf(tx: Executor, userId: string): Promise<Set<string>> {
    return new Set((await tx.communityInvitation.findMany({ where: { userId }, select: { communityId: true } })).map((i) => i.communityId));
  }

  async ban(tx: Executor, b: { communityId: string; userId: string; until: Date; reason: string; bannedBy: string }): Promise<void> {
    await tx.communityBan.upsert({
      where: { communityId_userId: { communityId: b.communityId, userId: b.userId } },
      create: b,
      update: { until: b.until, reason: b.reason, bannedBy: b.bannedBy, bannedAt: new Date() },
    });
  }

  /** The end of a member's ban in force now, if any. */
  async banUntil(tx: Executor, communityId: string, userId: string, now = new Date()): Promise<Date | null> {
    const ban = await tx.communityBan.findUnique({ where: { communityId_userId: { communityId, userId } }, select: { until: true } });
    return ban && ban.until > now ? ban.until : null;
  }

  /**
   * Takes one post from the member's rate window in one statement: a new window starts when the
   * current one is over; false when the member has used up the window (or is not a member).
   */
  async takePostAllowance(tx: Executor, communityId: string, userId: string, limit: number, windowSeconds: number): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `UPDATE community_members
          SET post_window_start = CASE WHEN post_window_start IS NULL OR post_window_start <= now() - make_interval(secs => $4) THEN now() ELSE post_window_start END,
              post_window_count = CASE WHEN post_window_start IS NULL OR post_window_start <= now() - make_interval(secs => $4) THEN 1 ELSE post_window_count + 1 END
        WHERE community_id = $1::uuid AND user_id = $2::uuid
          AND (post_window_start IS NULL OR post_window_start <= now() - make_interval(secs => $4) OR post_window_count < $3)`,
      communityId,
      userId,
      limit,
      windowSeconds,
    );
    return n > 0;
  }
}
