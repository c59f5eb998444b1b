import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DATA_SERVICES, identity as contracts, personalDataExport, type Actor, type Role } from '@linli/contracts';
import { AccountsRepository, ErasureRepository, IdentityDb, MergesRepository, Prisma, UsersRepository, type UserRow } from '@linli/identity-data-access';
import { OutboxRelay, RpcClient, enqueueEvent, redactPublishedEvents } from '@linli/nest-kit';
import { consentsToAdopt, maskIdentity, mergedProfile, patchedProfile, privilegedRoles, rolesReason } from './accounts.rules.js';
import { IdentityErrors, assertSelfOrOps } from './identity.exception.js';
import { SessionRevocations } from './session-revocations.js';

export { maskIdentity, privilegedRoles, rolesReason };

export type Tx = Prisma.TransactionClient;
type Channel = contracts.Channel;
type ConsentPurpose = contracts.ConsentPurpose;
type Profile = contracts.Profile;
type ProfilePatch = contracts.ProfilePatch;
const PROFILE_FIELDS = contracts.PROFILE_FIELDS;

/**
 * Accounts: the unified identity behind every channel. Finds or creates users by channel identity,
 * merges two accounts that turn out to be one person, and serves profile, consent, export and erasure.
 */
@Injectable()
export class AccountsService {
  private readonly users = new UsersRepository();
  private readonly accounts = new AccountsRepository();
  private readonly merges = new MergesRepository();
  private readonly erasure = new ErasureRepository();

  constructor(
    @Inject(IdentityDb) private readonly db: IdentityDb,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(SessionRevocations) private readonly sessions: SessionRevocations,
  ) {}

  /** Runs `fn` in a transaction and nudges the outbox relay after commit. */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.db.$transaction(fn, { timeout: 15_000 });
    this.relay.notify();
    return result;
  }

  /** Follows merges to the surviving account. */
  async resolve(tx: Tx, userId: string): Promise<UserRow | null> {
    let id = userId;
    for (let hop = 0; hop < 10; hop++) {
      const row = await this.users.find(tx, id);
      if (!row) return null;
      if (row.status !== 'merged' || !row.merged_into) return row;
      id = row.merged_into;
    }
    return null;
  }

  async requireActive(tx: Tx, userId: string): Promise<UserRow> {
    const user = await this.resolve(tx, userId);
    if (!user) throw IdentityErrors.userNotFound(userId);
    if (user.status === 'erased') throw IdentityErrors.userErased(userId);
    return user;
  }

  /** The user owning a channel identity, or a new user with it (whose registration event carries the invite code, if any). */
  async findOrCreateByIdentity(tx: Tx, channel: Channel, value: string, inviteCode?: string): Promise<{ user: UserRow; isNew: boolean }> {
    const existing = await this.accounts.identity(tx, channel, value);
    if (existing) return { user: await this.requireActive(tx, existing.userId), isNew: false };
    const id = randomUUID();
    await this.accounts.createUser(tx, id, { channel, value });
    await enqueueEvent(tx, contracts.userRegistered, { userId: id, channel, registeredAt: new Date().toISOString(), ...(inviteCode ? { inviteCode } : {}) });
    return { user: { id, roles: ['resident'], status: 'active', merged_into: null }, isNew: true };
  }

  /** The surviving account that holds a channel identity, if any. */
  async holderOf(tx: Tx, channel: Channel, value: string): Promise<UserRow | null> {
    const existing = await this.accounts.identity(tx, channel, value);
    return existing ? this.resolve(tx, existing.userId) : null;
  }

  /**
   * Attaches an identity to a user; when it belongs to someone else, that account is merged into this
   * one. A self-service attach never merges an account holding more than the resident role (that
   * waits for ops: `IDENTITY.MERGE_APPROVAL_REQUIRED`).
   */
  async attachIdentity(tx: Tx, userId: string, channel: Channel, value: string, reason: string, mode: 'self-service' | 'approved' = 'self-service'): Promise<string | null> {
    const existing = await this.accounts.identity(tx, channel, value);
    if (existing) {
      const owner = await this.resolve(tx, existing.userId);
      if (!owner || owner.id === userId) return null;
      if (owner.status === 'erased') throw IdentityErrors.userErased(owner.id);
      const privileged = privilegedRoles(owner.roles);
      if (mode === 'self-service' && privileged.length) throw IdentityErrors.mergeApprovalRequired(null, [rolesReason(privileged)]);
      await this.merge(tx, { sourceUserId: owner.id, targetUserId: userId, reason, actorUserId: userId });
      return owner.id;
    }
    if (channel === 'phone' || channel === 'wechat-unionid') {
      const other = await this.users.identityOn(tx, userId, channel);
      if (other) throw IdentityErrors.identityConflict(channel);
    }
    await this.accounts.addIdentity(tx, userId, channel, value);
    return null;
  }

  /** Queues a merge for ops; asking again for the same identity updates the open request. */
  async queueMergeRequest(tx: Tx, input: { requestedBy: string; sourceUserId: string; channel: Channel; value: string; reasons: string[] }): Promise<string> {
    return this.merges.queueRequest(tx, randomUUID(), input);
  }

  async listMergeRequests(actor: Actor, status?: contracts.MergeRequest['status']): Promise<{ mergeRequests: contracts.MergeRequest[] }> {
    if (!actor.roles.includes('ops')) throw IdentityErrors.forbidden();
    const rows = await this.merges.requests(this.db, status);
    return { mergeRequests: rows.map(mergeRequestView) };
  }

  /**
   * Ops decides a queued merge. Approval merges the identity's holder into the requester, who keeps
   * their own roles; the decision, its reason and the merge are recorded.
   */
  async decideMergeRequest(actor: Actor, mergeRequestId: string, decision: 'approve' | 'reject', reason: string): Promise<contracts.MergeRequest> {
    if (!actor.roles.includes('ops')) throw IdentityErrors.forbidden();
    return this.transaction(async (tx) => {
      const status = decision === 'approve' ? 'approved' : 'rejected';
      const { request, decided } = await this.merges.decide(tx, mergeRequestId, { status, decidedBy: actor.userId, reason });
      if (!request) throw IdentityErrors.mergeRequestNotFound(mergeRequestId);
      if (!decided) throw IdentityErrors.mergeRequestDecided(mergeRequestId, request.status);
      if (decision === 'reject') return mergeRequestView(request);
      const requester = await this.requireActive(tx, request.requestedBy);
      const holder = await this.holderOf(tx, request.channel as Channel, request.value);
      let mergeId: string | null = null;
      if (!holder) {
        await this.attachIdentity(tx, requester.id, request.channel as Channel, request.value, `merge request ${request.id} approved`, 'approved');
      } else if (holder.id !== requester.id) {
        const merged = await this.merge(tx, {
          sourceUserId: holder.id,
          targetUserId: requester.id,
          reason: `merge request ${request.id} approved: ${reason}`,
          actorUserId: actor.userId,
        });
        mergeId = merged.mergeId;
      }
      const updated = await this.merges.setRequestMerge(tx, request.id, mergeId);
      return mergeRequestView(updated);
    });
  }

  /**
   * Merges `source` into `target` with an audit record that keeps a snapshot of everything the source
   * held. Idempotent: merging the same pair again returns the first merge. Target's declared fields win;
   * the source fills what the target lacks; the newest consent decision per purpose wins. Roles are
   * never gained by a merge: the target keeps its own, and ops grants any other explicitly (the
   * source's roles stay in the audit snapshot).
   */
  async merge(
    tx: Tx,
    input: { sourceUserId: string; targetUserId: string; reason: string; actorUserId: string | null },
  ): Promise<{ mergeId: string; alreadyMerged: boolean; sourceUserId: string; targetUserId: string }> {
    if (input.sourceUserId === input.targetUserId) throw IdentityErrors.mergeSelf();
    const previous = await this.merges.ofSource(tx, input.sourceUserId);
    if (previous) {
      const survivor = await this.resolve(tx, input.targetUserId);
      const previousSurvivor = await this.resolve(tx, previous.targetUserId);
      if (survivor && previousSurvivor && survivor.id === previousSurvivor.id) {
        return { mergeId: previous.id, alreadyMerged: true, sourceUserId: input.sourceUserId, targetUserId: previous.targetUserId };
      }
    }
    // Lock both rows in id order so concurrent merges of the same pair cannot deadlock.
    const locked = await this.users.lockInIdOrder(tx, [input.sourceUserId, input.targetUserId]);
    const source = locked.find((row) => row.id === input.sourceUserId);
    const target = locked.find((row) => row.id === input.targetUserId);
    if (!source) throw IdentityErrors.userNotFound(input.sourceUserId);
    if (!target) throw IdentityErrors.userNotFound(input.targetUserId);
    if (source.status === 'erased') throw IdentityErrors.userErased(source.id);
    if (target.status === 'erased') throw IdentityErrors.userErased(target.id);
    if (target.status === 'merged') {
      const survivor = await this.requireActive(tx, target.id);
      if (survivor.id === source.id) throw IdentityErrors.mergeSelf();
      return this.merge(tx, { ...input, targetUserId: survivor.id });
    }
    if (source.status === 'merged') throw IdentityErrors.identityConflict('account (already merged elsewhere)');

    const snapshot = await this.collect(tx, source.id);
    const sourceProfile = await this.accounts.profile(tx, source.id);
    const targetProfile = await this.accounts.profile(tx, target.id);
    if (sourceProfile) {
      const { fields, declared } = mergedProfile(sourceProfile, targetProfile);
      await this.accounts.saveProfile(tx, target.id, fields as object, declared);
    }
    const sourceConsents = await this.accounts.consents(tx, source.id);
    const targetConsents = await this.accounts.consents(tx, target.id);
    for (const consent of consentsToAdopt(sourceConsents, targetConsents)) {
      await this.accounts.setConsent(tx, target.id, consent.purpose, consent.granted, consent.changedAt);
    }
    await this.accounts.foldInto(tx, source.id, target.id);
    await this.sessions.revoke(tx, { userId: source.id }, 'merged');
    await this.accounts.markMerged(tx, source.id, target.id);
    const mergeId = randomUUID();
    const mergedAt = new Date();
    await this.merges.record(tx, {
      id: mergeId,
      sourceUserId: source.id,
      targetUserId: target.id,
      reason: input.reason,
      actorUserId: input.actorUserId,
      sourceSnapshot: snapshot as Prisma.InputJsonValue,
      createdAt: mergedAt,
    });
    await enqueueEvent(tx, contracts.userMerged, { mergeId, sourceUserId: source.id, targetUserId: target.id, mergedAt: mergedAt.toISOString() });
    return { mergeId, alreadyMerged: false, sourceUserId: source.id, targetUserId: target.id };
  }

  async mergeUsers(actor: Actor, sourceUserId: string, targetUserId: string, reason: string) {
    if (!actor.roles.includes('ops')) throw IdentityErrors.forbidden();
    return this.transaction((tx) => this.merge(tx, { sourceUserId, targetUserId, reason, actorUserId: actor.userId }));
  }

  async getProfile(actor: Actor, userId: string): Promise<Profile> {
    return this.transaction(async (tx) => {
      const user = await this.requireActive(tx, userId);
      if (actor.userId !== userId && actor.userId !== user.id) assertSelfOrOps(actor, user.id);
      return this.profileOf(tx, user.id);
    });
  }

  async updateProfile(actor: Actor, userId: string, patch: ProfilePatch): Promise<Profile> {
    assertSelfOrOps(actor, userId);
    return this.transaction(async (tx) => {
      const user = await this.requireActive(tx, userId);
      const current = await this.accounts.profile(tx, user.id);
      const { data, declared } = patchedProfile(patch, current?.declared, new Date());
      await this.accounts.saveProfile(tx, user.id, data as object, declared);
      const profile = await this.profileOf(tx, user.id);
      await enqueueEvent(tx, contracts.profileUpdated, { userId: user.id, profile: profilePatchOf(profile), declared: profile.declared });
      return profile;
    });
  }

  async setConsent(actor: Actor, userId: string, purpose: ConsentPurpose, granted: boolean) {
    assertSelfOrOps(actor, userId);
    return this.transaction(async (tx) => {
      const user = await this.requireActive(tx, userId);
      const changedAt = new Date();
      await this.accounts.decideConsent(tx, user.id, purpose, granted, changedAt);
      await enqueueEvent(tx, contracts.consentChanged, { userId: user.id, purpose, granted, changedAt: changedAt.toISOString() });
      const consents = await this.accounts.consents(tx, user.id);
      return { consents: consents.map((c) => ({ purpose: c.purpose as ConsentPurpose, granted: c.granted, changedAt: c.changedAt.toISOString() })) };
    });
  }

  async grantRole(actor: Actor, userId: string, role: Role) {
    if (!actor.roles.includes('ops')) throw IdentityErrors.forbidden();
    return this.transaction((tx) => this.addRole(tx, userId, role));
  }

  async addRole(tx: Tx, userId: string, role: Role): Promise<{ userId: string; roles: Role[] }> {
    const user = await this.requireActive(tx, userId);
    if (user.roles.includes(role)) return { userId: user.id, roles: user.roles as Role[] };
    const roles = [...user.roles, role] as Role[];
    await this.accounts.setRoles(tx, user.id, roles);
    await enqueueEvent(tx, contracts.roleGranted, { userId: user.id, role, grantedAt: new Date().toISOString() });
    return { userId: user.id, roles };
  }

  /**
   * Everything the platform holds about a user, as one JSON document (PIPL data portability): identity's
   * own data, and each other service's part asked over NATS (`rpc.<service>.personal-data.export.v1`),
   * for the user and the accounts merged into them. A service that does not answer fails the export
   * (`COMMON.UNAVAILABLE`/`COMMON.TIMEOUT`): a copy is complete or not given.
   */
  async exportData(actor: Actor, userId: string) {
    assertSelfOrOps(actor, userId);
    const { user, data, userIds } = await this.transaction(async (tx) => {
      const user = await this.requireActive(tx, userId);
      return { user, data: await this.collect(tx, user.id), userIds: await this.mergedInto(tx, user.id) };
    });
    const others = DATA_SERVICES.filter((service) => service !== 'identity');
    const parts = await Promise.all(
      others.map((service) => this.rpc.request(personalDataExport[service], { actor, userId: user.id, userIds }, { timeoutMs: 15_000 })),
    );
    const services: Record<string, unknown> = { identity: data };
    for (const part of parts) services[part.service] = part.sections;
    return { exportedAt: new Date().toISOString(), userId: user.id, data: services };
  }

  /** The user and every account merged into them, directly or through earlier merges. */
  private async mergedInto(tx: Tx, userId: string): Promise<string[]> {
    const ids = [userId];
    for (let i = 0; i < ids.length && ids.length < 100; i++) {
      for (const id of await this.accounts.mergedDirectlyInto(tx, ids[i]!)) if (!ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /** Deletes personal data, keeps an anonymous tombstone, and tells every service to do the same. Idempotent. */
  async erase(actor: Actor, userId: string) {
    assertSelfOrOps(actor, userId);
    return this.transaction(async (tx) => {
      const user = await this.resolve(tx, userId);
      if (!user) throw IdentityErrors.userNotFound(userId);
      const existing = await this.erasure.user(tx, user.id);
      if (existing.status === 'erased' && existing.erasedAt) return { userId: user.id, erasedAt: existing.erasedAt.toISOString() };
      const sessions = await this.erasure.deletePersonalData(tx, user.id);
      await this.sessions.announce(tx, sessions.filter((s) => !s.revokedAt), 'erased');
      const mergedAway = await this.accounts.mergedDirectlyInto(tx, user.id);
      const related = [user.id, ...mergedAway];
      await this.erasure.redactMerges(tx, related, user.id);
      const erasedAt = new Date();
      for (const id of related) await redactPublishedEvents(tx, id);
      await this.erasure.markErased(tx, user.id, erasedAt);
      await enqueueEvent(tx, contracts.userErased, { userId: user.id, erasedAt: erasedAt.toISOString() });
      for (const merged of mergedAway) {
        await enqueueEvent(tx, contracts.userErased, { userId: merged, erasedAt: erasedAt.toISOString() });
      }
      return { userId: user.id, erasedAt: erasedAt.toISOString() };
    });
  }

  async profileOf(tx: Tx, userId: string): Promise<Profile> {
    const user = await this.accounts.userWithProfile(tx, userId);
    const p = user.profile;
    const profile: Profile = {
      userId: user.id,
      roles: user.roles as Role[],
      declared: (p?.declared ?? {}) as Record<string, string>,
      identities: user.identities.map((i) => ({ channel: i.channel as Channel, value: maskIdentity(i.channel, i.value), linkedAt: i.linkedAt.toISOString() })),
      consents: user.consents.map((c) => ({ purpose: c.purpose as ConsentPurpose, granted: c.granted, changedAt: c.changedAt.toISOString() })),
      createdAt: user.createdAt.toISOString(),
    };
    if (p?.nickname) profile.nickname = p.nickname;
    if (p?.birthday) profile.birthday = p.birthday.toISOString().slice(0, 10);
    if (p?.compoundId) profile.compoundId = p.compoundId;
    if (p?.building) profile.building = p.building;
    if (p?.household) profile.household = p.household as Profile['household'];
    if (p?.dietary) profile.dietary = p.dietary as Profile['dietary'];
    return profile;
  }

  private async collect(tx: Tx, userId: string): Promise<Record<string, unknown>> {
    const { user, consentHistory } = await this.accounts.exportOf(tx, userId);
    const merges = await this.merges.involving(tx, userId);
    return JSON.parse(
      JSON.stringify({
        user: { id: user.id, roles: user.roles, status: user.status, createdAt: user.createdAt },
        profile: user.profile,
        identities: user.identities.map((i) => ({ channel: i.channel, value: i.value, linkedAt: i.linkedAt })),
        consents: user.consents,
        consentHistory,
        sessions: user.sessions,
        merges: merges.map((m) => ({ id: m.id, sourceUserId: m.sourceUserId, targetUserId: m.targetUserId, reason: m.reason, createdAt: m.createdAt })),
      }),
    ) as Record<string, unknown>;
  }
}

function mergeRequestView(row: {
  id: string;
  status: string;
  requestedBy: string;
  sourceUserId: string;
  channel: string;
  value: string;
  reasons: string[];
  decidedBy: string | null;
  decisionReason: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}): contracts.MergeRequest {
  return {
    mergeRequestId: row.id,
    status: row.status as contracts.MergeRequest['status'],
    requestedBy: row.requestedBy,
    sourceUserId: row.sourceUserId,
    channel: row.channel as Channel,
    maskedValue: maskIdentity(row.channel, row.value),
    reasons: row.reasons,
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
  };
}

function profilePatchOf(profile: Profile): ProfilePatch {
  const patch: ProfilePatch = {};
  for (const field of PROFILE_FIELDS) {
    if (profile[field] !== undefined) (patch as Record<string, unknown>)[field] = profile[field];
  }
  return patch;
}
