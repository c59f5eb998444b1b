import { randomUUID } from 'node:crypto';
import type { Executor } from './executor.js';

export interface PostRow {
  id: string;
  communityId: string;
  authorUserId: string;
  body: string;
  imageRefs: string[];
  linkedSkuId: string | null;
  linkedCampaignId: string | null;
  status: string;
  createdAt: Date;
}

export interface PostStats {
  reactions: Record<string, number>;
  commentCount: number;
  openReports: number;
}

export interface AuditRow {
  id: string;
  communityId: string;
  actorUserId: string;
  action: string;
  targetKind: string;
  targetId: string;
  reason: string | null;
  at: Date;
}

/** Posts, comments, reactions, reports and the moderation audit. */
export class ContentRepository {
  async createPost(tx: Executor, p: Omit<PostRow, 'id' | 'status' | 'createdAt'>): Promise<PostRow> {
    return tx.communityPost.create({ data: { id: randomUUID(), ...p } });
  }

  async post(tx: Executor, id: string): Promise<PostRow | null> {
    return tx.communityPost.findUnique({ where: { id } });
  }

  async posts(tx: Executor, communityId: string, includeHidden: boolean, limit: number): Promise<PostRow[]> {
    return tx.communityPost.findMany({ where: { communityId, ...(includeHidden ? {} : { status: 'visible' }) }, orderBy: [{ createdAt: 'desc' }], take: limit });
  }

  async setPostStatus(tx: Executor, id: string, status: 'visible' | 'hidden'): Promise<PostRow> {
    return tx.communityPost.update({ where: { id }, data: { status } });
  }

  async stats(tx: Executor, postIds: string[]): Promise<Map<string, PostStats>> {
    const out = new Map<string, PostStats>(postIds.map((id) => [id, { reactions: {}, commentCount: 0, openReports: 0 }]));
    if (postIds.length === 0) return out;
    const [reactions, comments, reports] = await Promise.all([
      tx.communityReaction.groupBy({ by: ['postId', 'kind'], where: { postId: { in: postIds } }, _count: { _all: true } }),
      tx.communityComment.groupBy({ by: ['postId'], where: { postId: { in: postIds } }, _count: { _all: true } }),
      tx.communityReport.groupBy({ by: ['postId'], where: { postId: { in: postIds }, resolvedAt: null }, _count: { _all: true } }),
    ]);
    for (const r of reactions) out.get(r.postId)!.reactions[r.kind] = r._count._all;
    for (const c of comments) out.get(c.postId)!.commentCount = c._count._all;
    for (const r of reports) out.get(r.postId)!.openReports = r._count._all;
    return out;
  }

  async addComment(tx: Executor, c: { postId: string; authorUserId: string; body: string }) {
    return tx.communityComment.create({ data: { id: randomUUID(), ...c } });
  }

  async comments(tx: Executor, postId: string, limit = 200) {
    return tx.communityComment.findMany({ where: { postId }, orderBy: [{ createdAt: 'asc' }], take: limit });
  }

  async react(tx: Executor, postId: string, userId: string, kind: string): Promise<void> {
    await tx.$executeRawUnsafe('INSERT INTO community_reactions (post_id, user_id, kind) VALUES ($1::uuid, $2::uuid, $3) ON CONFLICT DO NOTHING', postId, userId, kind);
  }

  /** A member's report of a post; null when they already reported it. */
  async report(tx: Executor, postId: string, reporterId: string, reason: string): Promise<string | null> {
    const id = randomUUID();
    const n = await tx.$executeRawUnsafe(
      'INSERT INTO community_reports (id, post_id, reporter_id, reason) VALUES ($1::uuid, $2::uuid, $3::uuid, $4) ON CONFLICT (post_id, reporter_id) DO NOTHING',
      id,
      postId,
      reporterId,
      reason,
    );
    return n > 0 ? id : null;
  }

  async resolveReports(tx: Executor, postId: string): Promise<void> {
    await tx.communityReport.updateMany({ where: { postId, resolvedAt: null }, data: { resolvedAt: new Date() } });
  }

  /** Posts of a community with open reports, most reported first, with the reasons given. */
  async reported(tx: Executor, communityId: string, limit: number): Promise<{ postId: string; reasons: string[] }[]> {
    return tx.$queryRawUnsafe(
      `SELECT r.post_id::text AS "postId", array_agg(r.reason ORDER BY r.created_at) AS reasons
         FROM community_reports r JOIN community_posts p ON p.id = r.post_id
        WHERE p.community_id = $1::uuid AND r.resolved_at IS NULL
        GROUP BY r.post_id ORDER BY count(*) DESC, min(r.created_at) LIMIT $2`,
      communityId,
      limit,
    );
  }

  async audit(tx: Executor, a: Omit<AuditRow, 'id' | 'at'>): Promise<AuditRow> {
    return tx.moderationAudit.create({ data: { id: randomUUID(), ...a } });
  }

  async auditOf(tx: Executor, communityId: string, limit: number): Promise<AuditRow[]> {
    return tx.moderationAudit.findMany({ where: { communityId }, orderBy: [{ at: 'desc' }], take: limit });
  }
}
