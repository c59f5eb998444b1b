import { Inject, Injectable } from '@nestjs/common';
import { communities as c, type Actor, type RpcRequest } from '@linli/contracts';
import type { CommunityRow, MemberRow } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { CommunitiesContext, isOps, type Tx } from './communities.context.js';
import { CommunitiesErrors as E } from './communities.exception.js';
import { declaredTags, scoreCommunity, slug } from './suggestions.js';

type Role = 'owner' | 'moderator' | 'member';
type Scope = 'pickup-point' | 'compound' | 'city';

export function toCommunity(row: CommunityRow, myRole: string | null): c.Community {
  return {
    communityId: row.id,
    name: row.name,
    description: row.description,
    scope: row.scope as Scope,
    compoundId: row.compoundId,
    pickupPointId: row.pickupPointId,
    tags: row.tags,
    memberCount: row.memberCount,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    myRole: (myRole as Role | null) ?? null,
  };
}

/** Communities and their members: creation by scope, joining within reach, roles, invitations, suggestions. */
@Injectable()
export class CommunitiesService {
  constructor(@Inject(CommunitiesContext) private readonly ctx: CommunitiesContext) {}

  /** The community, or COMMUNITIES.COMMUNITY_NOT_FOUND. */
  async require(tx: Tx, communityId: string): Promise<CommunityRow> {
    const row = await this.ctx.communities.get(tx, communityId);
    if (!row) throw E.communityNotFound(communityId);
    return row;
  }

  /** Owners and moderators of the community, and ops. */
  async assertModerator(tx: Tx, actor: Actor, communityId: string): Promise<void> {
    if (isOps(actor)) return;
    const member = await this.ctx.communities.member(tx, communityId, actor.userId);
    if (!member || member.role === 'member') throw E.notModerator(communityId);
  }

  async assertMember(tx: Tx, actor: Actor, communityId: string): Promise<MemberRow | null> {
    const member = await this.ctx.communities.member(tx, communityId, actor.userId);
    if (!member && !isOps(actor)) throw E.notMember(communityId);
    return member;
  }

  async assertNotBanned(tx: Tx, communityId: string, userId: string): Promise<void> {
    const until = await this.ctx.communities.banUntil(tx, communityId, userId);
    if (until) throw E.banned(communityId, until);
  }

  async create(req: RpcRequest<typeof c.createCommunity>): Promise<c.Community> {
    const { actor } = req;
    return this.ctx.run(async (tx) => {
      let compoundId = req.compoundId ?? null;
      if (req.scope === 'pickup-point') {
        const point = await this.ctx.replicas.pickupPoint(tx, req.pickupPointId!);
        if (!point) throw E.pickupPointUnknown(req.pickupPointId!);
        if (!isOps(actor) && point.leaderUserId !== actor.userId) throw E.notPointLeader(point.pickupPointId);
        if (compoundId && !point.compoundIds.includes(compoundId)) throw E.invalid('the pickup point does not serve this compound', 'compoundId');
        compoundId ??= point.compoundIds[0] ?? null;
      } else if (!isOps(actor)) {
        throw E.forbidden('only ops create compound and city-wide communities; leaders create them for their pickup points');
      }
      const row = await this.ctx.communities.create(tx, {
        name: req.name,
        description: req.description,
        scope: req.scope,
        compoundId,
        pickupPointId: req.pickupPointId ?? null,
        tags: [...new Set(req.tags)],
        createdBy: actor.userId,
      });
      const owner = (await this.ctx.communities.addMember(tx, row.id, actor.userId, 'owner'))!;
      await this.joined(tx, row, owner);
      return toCommunity({ ...row, memberCount: 1 }, 'owner');
    });
  }

  private async joined(tx: Tx, row: CommunityRow, m: MemberRow): Promise<void> {
    await enqueueEvent(tx, c.memberJoined, {
      communityId: row.id,
      scope: row.scope as Scope,
      compoundId: row.compoundId,
      pickupPointId: row.pickupPointId,
      userId: m.userId,
      role: m.role as Role,
      joinedAt: m.joinedAt.toISOString(),
    });
  }

  async list(req: RpcRequest<typeof c.listCommunities>): Promise<{ communities: c.Community[] }> {
    const rows = await this.ctx.communities.list(this.ctx.reader, req);
    const roles = await this.ctx.communities.rolesOf(this.ctx.reader, req.actor.userId, rows.map((r) => r.id));
    return { communities: rows.map((r) => toCommunity(r, roles.get(r.id) ?? null)) };
  }

  async get(actor: Actor, communityId: string): Promise<c.Community> {
    const row = await this.require(this.ctx.reader, communityId);
    const member = await this.ctx.communities.member(this.ctx.reader, communityId, actor.userId);
    return toCommunity(row, member?.role ?? null);
  }

  async join(actor: Actor, communityId: string) {
    return this.ctx.run(async (tx) => {
      const row = await this.require(tx, communityId);
      if (!isOps(actor) && row.scope !== 'city') {
        const resident = await this.ctx.replicas.resident(tx, actor.userId);
        const invited = (await this.ctx.communities.invitationsOf(tx, actor.userId)).has(communityId);
        const inReach =
          row.scope === 'compound' ? resident?.compoundId === row.compoundId : invited || (resident?.pickupPointId != null && resident.pickupPointId === row.pickupPointId);
        if (!inReach) throw E.outOfReach(communityId, row.scope);
      }
      const member = await this.ctx.communities.addMember(tx, communityId, actor.userId, 'member');
      if (!member) throw E.alreadyMember(communityId);
      await this.joined(tx, row, member);
      const name = await this.ctx.names(tx, [actor.userId]);
      return {
        community: toCommunity({ ...row, memberCount: row.memberCount + 1 }, 'member'),
        member: { userId: actor.userId, displayName: name(actor.userId), role: 'member' as const, joinedAt: member.joinedAt.toISOString() },
      };
    });
  }

  async leave(actor: Actor, communityId: string) {
    return this.ctx.run(async (tx) => {
      await this.require(tx, communityId);
      const member = await this.ctx.communities.member(tx, communityId, actor.userId);
      if (!member) throw E.notMember(communityId);
      if (member.role === 'owner') throw E.ownerCannotLeave(communityId);
      await this.ctx.communities.removeMember(tx, communityId, actor.userId);
      await enqueueEvent(tx, c.memberLeft, { communityId, userId: actor.userId, leftAt: new Date().toISOString() });
      return { communityId, left: true };
    });
  }

  async members(actor: Actor, communityId: string, limit: number) {
    const tx = this.ctx.reader;
    await this.require(tx, communityId);
    await this.assertMember(tx, actor, communityId);
    const rows = await this.ctx.communities.members(tx, communityId, limit);
    const name = await this.ctx.names(tx, rows.map((r) => r.userId));
    return { members: rows.map((m) => ({ userId: m.userId, displayName: name(m.userId), role: m.role as Role, joinedAt: m.joinedAt.toISOString() })) };
  }

  async appointModerator(actor: Actor, communityId: string, userId: string) {
    return this.ctx.run(async (tx) => {
      await this.require(tx, communityId);
      const me = await this.ctx.communities.member(tx, communityId, actor.userId);
      if (!isOps(actor) && me?.role !== 'owner') throw E.forbidden('only the owner (or ops) appoints moderators');
      const target = await this.ctx.communities.member(tx, communityId, userId);
      if (!target) throw E.notMember(communityId);
      const row = target.role === 'owner' ? target : (await this.ctx.communities.setRole(tx, communityId, userId, 'moderator'))!;
      await this.ctx.content.audit(tx, { communityId, actorUserId: actor.userId, action: 'appoint-moderator', targetKind: 'member', targetId: userId, reason: null });
      const name = await this.ctx.names(tx, [userId]);
      return { userId, displayName: name(userId), role: row.role as Role, joinedAt: row.joinedAt.toISOString() };
    });
  }

  async invite(req: RpcRequest<typeof c.inviteMembers>) {
    return this.ctx.run(async (tx) => {
      const row = await this.require(tx, req.communityId);
      if (row.scope !== 'pickup-point' || !row.pickupPointId) throw E.invalid('only pickup-point communities invite their customers', 'communityId');
      const point = await this.ctx.replicas.pickupPoint(tx, row.pickupPointId);
      if (!isOps(req.actor) && point?.leaderUserId !== req.actor.userId) throw E.notPointLeader(row.pickupPointId);
      const bound = await this.ctx.replicas.residentsBoundTo(tx, row.pickupPointId);
      let targets = bound;
      if (req.segment === 'listed') {
        const wanted = new Set(req.userIds ?? []);
        targets = bound.filter((u) => wanted.has(u));
      }
      return { invited: await this.ctx.communities.invite(tx, row.id, targets, req.actor.userId) };
    });
  }

  async suggest(actor: Actor, limit: number) {
    const tx = this.ctx.reader;
    const resident = await this.ctx.replicas.resident(tx, actor.userId);
    const declared = declaredTags(resident);
    const usedInferred = resident?.profilingConsent === true;
    const inferred = new Set<string>();
    if (usedInferred) for (const cat of await this.ctx.replicas.topCategories(tx, actor.userId)) inferred.add(slug(cat) ?? cat);
    const [candidates, mine, invitations] = await Promise.all([
      this.ctx.communities.withinReach(tx, { compoundId: resident?.compoundId ?? null, pickupPointId: resident?.pickupPointId ?? null }),
      this.ctx.communities.communitiesOf(tx, actor.userId),
      this.ctx.communities.invitationsOf(tx, actor.userId),
    ]);
    const joined = new Set(mine);
    const invitedRows = [...invitations].filter((id) => !joined.has(id) && !candidates.some((c) => c.id === id));
    const extra = (await Promise.all(invitedRows.map((id) => this.ctx.communities.get(tx, id)))).filter((r): r is CommunityRow => r !== null);
    const suggestions = [...candidates, ...extra]
      .filter((row) => !joined.has(row.id))
      .map((row) => ({ row, ...scoreCommunity(row, declared, inferred, invitations.has(row.id)) }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((s) => ({ community: toCommunity(s.row, null), score: s.score, reasons: s.reasons }));
    return { suggestions, usedInferredTags: usedInferred };
  }
}
