import { Inject, Injectable } from '@nestjs/common';
import { communities as c, type Actor, type RpcRequest } from '@linli/contracts';
import type { AuditRow, PostRow, PostStats } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { CommunitiesContext, isOps, type Tx } from './communities.context.js';
import { CommunitiesErrors as E } from './communities.exception.js';
import { CommunitiesService } from './communities.service.js';

const NO_STATS: PostStats = { reactions: {}, commentCount: 0, openReports: 0 };

/** Posts, comments, reactions, reports, the moderation queue, hide/restore, bans — every moderator action audited. */
@Injectable()
export class ContentService {
  constructor(
    @Inject(CommunitiesContext) private readonly ctx: CommunitiesContext,
    @Inject(CommunitiesService) private readonly communities: CommunitiesService,
  ) {}

  private async views(tx: Tx, rows: PostRow[]): Promise<c.Post[]> {
    const [stats, name] = await Promise.all([this.ctx.content.stats(tx, rows.map((r) => r.id)), this.ctx.names(tx, rows.map((r) => r.authorUserId))]);
    return rows.map((r) => {
      const s = stats.get(r.id) ?? NO_STATS;
      return {
        postId: r.id,
        communityId: r.communityId,
        authorUserId: r.authorUserId,
        authorName: name(r.authorUserId),
        body: r.body,
        imageRefs: r.imageRefs,
        linkedSkuId: r.linkedSkuId,
        linkedCampaignId: r.linkedCampaignId,
        status: r.status as 'visible' | 'hidden',
        reactions: s.reactions,
        commentCount: s.commentCount,
        openReports: s.openReports,
        createdAt: r.createdAt.toISOString(),
      };
    });
  }

  private async requirePost(tx: Tx, postId: string): Promise<PostRow> {
    const post = await this.ctx.content.post(tx, postId);
    if (!post) throw E.postNotFound(postId);
    return post;
  }

  /** A post a caller may see: visible ones for members of its community, hidden ones for its author, moderators and ops. */
  private async visiblePost(tx: Tx, actor: Actor, postId: string): Promise<PostRow> {
    const post = await this.requirePost(tx, postId);
    await this.communities.assertMember(tx, actor, post.communityId);
    if (post.status === 'hidden' && post.authorUserId !== actor.userId) {
      await this.communities.assertModerator(tx, actor, post.communityId).catch(() => {
        throw E.postNotFound(postId);
      });
    }
    return post;
  }

  async create(req: RpcRequest<typeof c.createPost>): Promise<c.Post> {
    const { actor } = req;
    return this.ctx.run(async (tx) => {
      await this.communities.require(tx, req.communityId);
      const member = await this.ctx.communities.member(tx, req.communityId, actor.userId);
      if (!member) throw E.notMember(req.communityId);
      await this.communities.assertNotBanned(tx, req.communityId, actor.userId);
      const { postLimit, postWindowSeconds } = this.ctx.options;
      if (!(await this.ctx.communities.takePostAllowance(tx, req.communityId, actor.userId, postLimit, postWindowSeconds))) {
        throw E.rateLimited(req.communityId, postLimit, postWindowSeconds);
      }
      const row = await this.ctx.content.createPost(tx, {
        communityId: req.communityId,
        authorUserId: actor.userId,
        body: req.body,
        imageRefs: req.imageRefs,
        linkedSkuId: req.linkedSkuId ?? null,
        linkedCampaignId: req.linkedCampaignId ?? null,
      });
      await enqueueEvent(tx, c.postCreated, {
        postId: row.id,
        communityId: row.communityId,
        authorUserId: row.authorUserId,
        linkedSkuId: row.linkedSkuId,
        linkedCampaignId: row.linkedCampaignId,
        createdAt: row.createdAt.toISOString(),
      });
      return (await this.views(tx, [row]))[0]!;
    });
  }

  async list(actor: Actor, communityId: string, limit: number) {
    const tx = this.ctx.reader;
    await this.communities.require(tx, communityId);
    await this.communities.assertMember(tx, actor, communityId);
    const moderator = await this.communities.assertModerator(tx, actor, communityId).then(
      () => true,
      () => false,
    );
    return { posts: await this.views(tx, await this.ctx.content.posts(tx, communityId, moderator, limit)) };
  }

  async get(actor: Actor, postId: string) {
    const tx = this.ctx.reader;
    const post = await this.visiblePost(tx, actor, postId);
    const comments = await this.ctx.content.comments(tx, postId);
    const name = await this.ctx.names(tx, comments.map((m) => m.authorUserId));
    return {
      post: (await this.views(tx, [post]))[0]!,
      comments: comments.map((m) => ({ commentId: m.id, postId: m.postId, authorUserId: m.authorUserId, authorName: name(m.authorUserId), body: m.body, createdAt: m.createdAt.toISOString() })),
    };
  }

  async comment(actor: Actor, postId: string, body: string) {
    return this.ctx.run(async (tx) => {
      const post = await this.visiblePost(tx, actor, postId);
      if (!(await this.ctx.communities.member(tx, post.communityId, actor.userId))) throw E.notMember(post.communityId);
      await this.communities.assertNotBanned(tx, post.communityId, actor.userId);
      const row = await this.ctx.content.addComment(tx, { postId, authorUserId: actor.userId, body });
      const name = await this.ctx.names(tx, [actor.userId]);
      return { commentId: row.id, postId, authorUserId: actor.userId, authorName: name(actor.userId), body: row.body, createdAt: row.createdAt.toISOString() };
    });
  }

  async react(actor: Actor, postId: string, kind: string) {
    return this.ctx.run(async (tx) => {
      const post = await this.visiblePost(tx, actor, postId);
      if (!(await this.ctx.communities.member(tx, post.communityId, actor.userId))) throw E.notMember(post.communityId);
      await this.ctx.content.react(tx, postId, actor.userId, kind);
      return { postId, reactions: (await this.ctx.content.stats(tx, [postId])).get(postId)!.reactions };
    });
  }

  async report(actor: Actor, postId: string, reason: string) {
    return this.ctx.run(async (tx) => {
      const post = await this.visiblePost(tx, actor, postId);
      if (!(await this.ctx.communities.member(tx, post.communityId, actor.userId))) throw E.notMember(post.communityId);
      const reportId = await this.ctx.content.report(tx, postId, actor.userId, reason);
      if (!reportId) throw E.alreadyReported(postId);
      return { reportId, postId, openReports: (await this.ctx.content.stats(tx, [postId])).get(postId)!.openReports };
    });
  }

  async queue(actor: Actor, communityId: string, limit: number) {
    const tx = this.ctx.reader;
    await this.communities.require(tx, communityId);
    await this.communities.assertModerator(tx, actor, communityId);
    const reported = await this.ctx.content.reported(tx, communityId, limit);
    const posts = (await Promise.all(reported.map((r) => this.ctx.content.post(tx, r.postId)))).filter((p): p is PostRow => p !== null);
    const views = new Map((await this.views(tx, posts)).map((v) => [v.postId, v]));
    return { items: reported.filter((r) => views.has(r.postId)).map((r) => ({ post: views.get(r.postId)!, reasons: r.reasons })) };
  }

  async moderate(actor: Actor, postId: string, action: 'hide' | 'restore', reason: string | undefined) {
    return this.ctx.run(async (tx) => {
      const post = await this.requirePost(tx, postId);
      await this.communities.assertModerator(tx, actor, post.communityId);
      const row = await this.ctx.content.setPostStatus(tx, postId, action === 'hide' ? 'hidden' : 'visible');
      await this.ctx.content.resolveReports(tx, postId);
      await this.ctx.content.audit(tx, { communityId: post.communityId, actorUserId: actor.userId, action: `${action}-post`, targetKind: 'post', targetId: postId, reason: reason ?? null });
      return (await this.views(tx, [row]))[0]!;
    });
  }

  async ban(req: RpcRequest<typeof c.banMember>) {
    const { actor } = req;
    return this.ctx.run(async (tx) => {
      await this.communities.require(tx, req.communityId);
      await this.communities.assertModerator(tx, actor, req.communityId);
      const until = new Date(req.until);
      if (until <= new Date()) throw E.invalid('a ban ends in the future', 'until');
      if (req.userId === actor.userId) throw E.invalid('moderators do not ban themselves', 'userId');
      const target = await this.ctx.communities.member(tx, req.communityId, req.userId);
      if (target?.role === 'owner' && !isOps(actor)) throw E.forbidden('only ops may ban the owner');
      await this.ctx.communities.ban(tx, { communityId: req.communityId, userId: req.userId, until, reason: req.reason, bannedBy: actor.userId });
      await this.ctx.content.audit(tx, { communityId: req.communityId, actorUserId: actor.userId, action: 'ban', targetKind: 'member', targetId: req.userId, reason: req.reason });
      return { communityId: req.communityId, userId: req.userId, until: until.toISOString() };
    });
  }

  async audit(actor: Actor, communityId: string, limit: number) {
    const tx = this.ctx.reader;
    await this.communities.require(tx, communityId);
    await this.communities.assertModerator(tx, actor, communityId);
    const rows: AuditRow[] = await this.ctx.content.auditOf(tx, communityId, limit);
    return {
      entries: rows.map((a) => ({
        auditId: a.id,
        communityId: a.communityId,
        actorUserId: a.actorUserId,
        action: a.action as 'ban',
        targetKind: a.targetKind as 'post' | 'member',
        targetId: a.targetId,
        reason: a.reason,
        at: a.at.toISOString(),
      })),
    };
  }
}
