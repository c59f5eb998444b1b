import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { fileURLToPath } from 'node:url';
import { DATA_SERVICES, LinliError, identity, leaderOps, health, orders, personalDataExport } from '@linli/contracts';
import { LinliKitModule, RpcClient, Subjects, enqueueEvent, issueAccessToken } from '@linli/nest-kit';
import { EventRecorder, RpcStandIn, aPhone, codeOf, connectTestNats, createTestDatabase, deleteTestStreams, natsTestUrl, testSubjectPrefix, waitUntil, type TestDatabase } from '@linli/testing';
import { IdentityDb } from '@linli/identity-data-access';
import { IdentityModule } from './identity.module.js';

const migrations = fileURLToPath(new URL('../../data-access/prisma/migrations', import.meta.url));
const secret = 'test-secret-'.padEnd(40, 'x');

let db: TestDatabase;
let app: INestApplicationContext;
let rpc: RpcClient;
let nc: NatsConnection;
let events: EventRecorder;
let prefix: string;
/** The orders service's pre-merge check and the other services' export parts, answered here. */
let mergeCheck: RpcStandIn<{ sourceUserId: string; targetUserId: string }>;
let exportParts: RpcStandIn<{ userIds: string[] }>[];
const noOpenOrders = () => ({ openOrders: 0, openOrdersElsewhere: 0, pickupPointIds: [] });

async function lastCode(phone: string): Promise<string> {
  const outbox = await rpc.request(identity.devSmsOutbox, { phone });
  return outbox.messages[0]!.code;
}

async function signUpByPhone(phone = aPhone()) {
  await rpc.request(identity.requestOtp, { phone });
  return rpc.request(identity.verifyOtp, { phone, code: await lastCode(phone) });
}

const actorOf = (tokens: { userId: string; roles: ('resident' | 'leader' | 'partner' | 'ops')[] }) => ({ userId: tokens.userId, roles: tokens.roles });

beforeAll(async () => {
  db = await createTestDatabase('identity', migrations);
  prefix = testSubjectPrefix();
  const moduleRef = await Test.createTestingModule({
    imports: [
      LinliKitModule.forRoot({ service: 'identity', natsUrl: natsTestUrl(), rpcTimeoutMs: 5000, healthPort: 0, subjectPrefix: prefix }),
      IdentityModule.forRoot({
        databaseUrl: db.url,
        tokenSecret: secret,
        smsAdapter: 'log',
        wechatAdapter: 'dev',
        otpResendSeconds: 0,
        smsBudget: { perClientPerHour: 5, perPrefixPerHour: 8, perDay: 100_000 },
      }),
    ],
  }).compile();
  app = await moduleRef.init();
  rpc = app.get(RpcClient);
  nc = await connectTestNats();
  events = await EventRecorder.start(nc, prefix);
  mergeCheck = new RpcStandIn(nc, prefix, orders.mergeCheck.subject, noOpenOrders);
  exportParts = DATA_SERVICES.filter((s) => s !== 'identity').map(
    (service) => new RpcStandIn<{ userIds: string[] }>(nc, prefix, personalDataExport[service].subject, (req) => ({ service, sections: { heldFor: req.userIds } })),
  );
  await nc.flush();
});

afterAll(async () => {
  await app?.close();
  if (nc) {
    await deleteTestStreams(nc, prefix);
    await nc.close();
  }
  await db?.drop();
});

describe('identity over NATS', () => {
  it('answers health with database and NATS checks', async () => {
    const report = await rpc.request(health.identity, {});
    expect(report).toMatchObject({ service: 'identity', status: 'up', checks: { nats: 'up', database: 'up' } });
  });

  it('signs a resident up by phone code, once per code, and signs them in again to the same account', async () => {
    const phone = aPhone();
    const first = await signUpByPhone(phone);
    expect(first.isNewUser).toBe(true);
    expect(first.roles).toEqual(['resident']);
    await events.waitFor((all) => all.some((e) => e.subject === 'identity.user.registered.v1' && (e.data as { userId: string }).userId === first.userId));
    const again = await signUpByPhone(phone);
    expect(again.userId).toBe(first.userId);
    expect(again.isNewUser).toBe(false);
  });

  it('passes the invite code of a sign-up on in the registration event, and only there', async () => {
    const registered = (userId: string) => events.ofSubject('identity.user.registered.v1').filter((e) => (e.data as { userId: string }).userId === userId);
    const phone = aPhone();
    await rpc.request(identity.requestOtp, { phone });
    const first = await rpc.request(identity.verifyOtp, { phone, code: await lastCode(phone), inviteCode: 'K7M2Q9XA' });
    await events.waitFor(() => registered(first.userId).length === 1);
    expect(registered(first.userId)[0]!.data).toMatchObject({ userId: first.userId, channel: 'phone', inviteCode: 'K7M2Q9XA' });
    await rpc.request(identity.requestOtp, { phone });
    await rpc.request(identity.verifyOtp, { phone, code: await lastCode(phone), inviteCode: 'OTHER123' });
    const wechat = await rpc.request(identity.wechatSignIn, { app: 'mini-program', loginCode: `dev:invited-${first.userId.slice(0, 8)}`, inviteCode: 'W3CHAT99' });
    await events.waitFor(() => registered(wechat.userId).length === 1);
    expect(registered(wechat.userId)[0]!.data).toMatchObject({ inviteCode: 'W3CHAT99' });
    expect(registered(first.userId)).toHaveLength(1);
  });

  it('refuses a replayed, wrong, expired-by-attempts code with distinct codes', async () => {
    const phone = aPhone();
    await rpc.request(identity.requestOtp, { phone });
    const code = await lastCode(phone);
    await rpc.request(identity.verifyOtp, { phone, code });
    expect(await codeOf(rpc.request(identity.verifyOtp, { phone, code }))).toBe('IDENTITY.OTP_ALREADY_USED');
    // A wrong code while the latest was used is wrong, not "already used".
    expect(await codeOf(rpc.request(identity.verifyOtp, { phone, code: code === '000000' ? '111111' : '000000' }))).toBe('IDENTITY.OTP_INVALID');

    await rpc.request(identity.requestOtp, { phone });
    const good = await lastCode(phone);
    const wrong = good === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect(await codeOf(rpc.request(identity.verifyOtp, { phone, code: wrong }))).toBe('IDENTITY.OTP_INVALID');
    expect(await codeOf(rpc.request(identity.verifyOtp, { phone, code: good }))).toBe('IDENTITY.OTP_TOO_MANY_ATTEMPTS');
  });

  it('signs a phone in for development without spending its code window, as the same user as by code', async () => {
    const phone = aPhone();
    const dev = await rpc.request(identity.devSignIn, { phone, device: 'demo loader' });
    expect(dev.isNewUser).toBe(true);
    expect((await rpc.request(identity.devSmsOutbox, { phone })).messages).toEqual([]);
    // The phone's owner can ask for a code straight away and signs in as the same user.
    await rpc.request(identity.requestOtp, { phone });
    const byCode = await rpc.request(identity.verifyOtp, { phone, code: await lastCode(phone) });
    expect(byCode).toMatchObject({ userId: dev.userId, isNewUser: false });
    expect((await rpc.request(identity.devSignIn, { phone })).userId).toBe(dev.userId);
  });

  it('lets only one of two concurrent replays of a code through', async () => {
    const phone = aPhone();
    await rpc.request(identity.requestOtp, { phone });
    const code = await lastCode(phone);
    const results = await Promise.allSettled([1, 2, 3].map(() => rpc.request(identity.verifyOtp, { phone, code })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const dbClient = app.get(IdentityDb);
    expect(await dbClient.user.count({ where: { identities: { some: { channel: 'phone', value: phone } } } })).toBe(1);
  });

  it('answers invalid payloads with the error envelope and does not crash', async () => {
    const reply = await nc.request(new Subjects(prefix).of(identity.verifyOtp.subject), new TextEncoder().encode('{"phone": 12}'), { timeout: 3000 });
    const body = reply.json<{ ok: boolean; error: { code: string; details: { fields: { path: string }[] }; traceId: string } }>();
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('COMMON.VALIDATION_FAILED');
    expect(body.error.details.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['phone', 'code']));
    expect(body.error.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect((await rpc.request(health.identity, {})).status).toBe('up');
  });

  it('rotates refresh tokens and revokes the session when a rotated token is replayed', async () => {
    const tokens = await signUpByPhone();
    const next = await rpc.request(identity.refreshToken, { refreshToken: tokens.refreshToken });
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(await codeOf(rpc.request(identity.refreshToken, { refreshToken: tokens.refreshToken }))).toBe('IDENTITY.REFRESH_TOKEN_INVALID');
    // the replay revoked the whole session, so the newest token is dead too
    expect(await codeOf(rpc.request(identity.refreshToken, { refreshToken: next.refreshToken }))).toBe('IDENTITY.REFRESH_TOKEN_INVALID');
  });

  it('signs out by revoking the session', async () => {
    const tokens = await signUpByPhone();
    expect(await rpc.request(identity.signOut, { actor: actorOf(tokens), refreshToken: tokens.refreshToken })).toEqual({ revoked: true });
    expect(await codeOf(rpc.request(identity.refreshToken, { refreshToken: tokens.refreshToken }))).toBe('IDENTITY.REFRESH_TOKEN_INVALID');
  });

  it('announces every revoked session (sign-out, refresh reuse, merge, erasure) with the latest expiry of its access tokens', async () => {
    const sessionOf = (accessToken: string) => (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string }).sid;
    const revocations = (sessionId: string) => events.ofSubject('identity.session.revoked.v1').filter((e) => (e.data as { sessionId: string }).sessionId === sessionId);
    const signedOut = await signUpByPhone();
    const reused = await signUpByPhone();
    const merged = await signUpByPhone();
    const survivor = await signUpByPhone();
    const erased = await signUpByPhone();

    await rpc.request(identity.signOut, { actor: actorOf(signedOut), refreshToken: signedOut.refreshToken });
    await rpc.request(identity.signOut, { actor: actorOf(signedOut), refreshToken: signedOut.refreshToken }); // already revoked: no second event
    await rpc.request(identity.refreshToken, { refreshToken: reused.refreshToken });
    await codeOf(rpc.request(identity.refreshToken, { refreshToken: reused.refreshToken }));
    await rpc.request(identity.mergeUsers, { actor: { userId: survivor.userId, roles: ['ops'] }, sourceUserId: merged.userId, targetUserId: survivor.userId, reason: 'same person' });
    await rpc.request(identity.eraseUser, { actor: actorOf(erased), userId: erased.userId });

    const expected = [
      [signedOut, 'signed-out'],
      [reused, 'refresh-reused'],
      [merged, 'merged'],
      [erased, 'erased'],
    ] as const;
    for (const [tokens] of expected) await events.waitFor(() => revocations(sessionOf(tokens.accessToken)).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const [tokens, reason] of expected) {
      const [event, ...more] = revocations(sessionOf(tokens.accessToken));
      expect(more).toHaveLength(0);
      const data = event!.data as { userId: string; reason: string; revokedAt: string; accessTokenExpiresAt: string };
      expect({ userId: data.userId, reason: data.reason }).toEqual({ userId: tokens.userId, reason });
      // never earlier than the access token issued with the session
      expect(Date.parse(data.accessTokenExpiresAt)).toBeGreaterThanOrEqual(Date.parse(tokens.accessTokenExpiresAt));
      expect(Date.parse(data.accessTokenExpiresAt) - Date.parse(data.revokedAt)).toBe(15 * 60 * 1000);
    }
    expect(revocations(sessionOf(survivor.accessToken))).toHaveLength(0);
  });

  it('signs in with WeChat deterministically and rejects forged login codes', async () => {
    const a = await rpc.request(identity.wechatSignIn, { app: 'mini-program', loginCode: 'dev:alice-1' });
    const b = await rpc.request(identity.wechatSignIn, { app: 'official-account', loginCode: 'dev:alice-1' });
    expect(b.userId).toBe(a.userId); // same unionid across apps
    expect(await codeOf(rpc.request(identity.wechatSignIn, { app: 'mini-program', loginCode: 'bad-code' }))).toBe('IDENTITY.WECHAT_CODE_INVALID');
  });

  it('links a WeChat identity to a phone account, merging the WeChat account without losing its data', async () => {
    const wechat = await rpc.request(identity.wechatSignIn, { app: 'mini-program', loginCode: 'dev:bob-2' });
    await rpc.request(identity.updateProfile, { actor: actorOf(wechat), userId: wechat.userId, patch: { nickname: 'Bob', household: { children: [{ birthYear: 2024 }] } } });
    await rpc.request(identity.setConsent, { actor: actorOf(wechat), userId: wechat.userId, purpose: 'profiling', granted: true });

    const phoneUser = await signUpByPhone();
    await rpc.request(identity.updateProfile, { actor: actorOf(phoneUser), userId: phoneUser.userId, patch: { compoundId: 'compound-1', nickname: 'Robert' } });
    const linked = await rpc.request(identity.linkIdentity, { actor: actorOf(phoneUser), proof: { channel: 'wechat', app: 'mini-program', loginCode: 'dev:bob-2' } });
    expect(linked).toMatchObject({ userId: phoneUser.userId, mergedFromUserId: wechat.userId });

    const profile = await rpc.request(identity.getProfile, { actor: actorOf(phoneUser), userId: phoneUser.userId });
    expect(profile.nickname).toBe('Robert'); // the surviving account's declaration wins
    expect(profile.compoundId).toBe('compound-1');
    expect(profile.household).toEqual({ children: [{ birthYear: 2024 }] }); // filled from the merged account
    expect(profile.consents).toEqual([expect.objectContaining({ purpose: 'profiling', granted: true })]);
    expect(profile.identities.map((i) => i.channel).sort()).toEqual(['mini-program-openid', 'phone', 'wechat-unionid']);

    // The old account id resolves to the survivor; its WeChat sign-in now lands on the merged account.
    const viaOld = await rpc.request(identity.getProfile, { actor: actorOf(wechat), userId: wechat.userId });
    expect(viaOld.userId).toBe(phoneUser.userId);
    const again = await rpc.request(identity.wechatSignIn, { app: 'mini-program', loginCode: 'dev:bob-2' });
    expect(again.userId).toBe(phoneUser.userId);

    await events.waitFor((all) =>
      all.some((e) => e.subject === 'identity.user.merged.v1' && (e.data as { sourceUserId: string }).sourceUserId === wechat.userId),
    );
    const merge = await app.get(IdentityDb).merge.findUniqueOrThrow({ where: { sourceUserId: wechat.userId } });
    expect(JSON.stringify(merge.sourceSnapshot)).toContain('Bob'); // nothing of the source is lost
  });

  it('merges idempotently, refuses self-merge, and lets only ops merge', async () => {
    const a = await signUpByPhone();
    const b = await signUpByPhone();
    const ops = { userId: a.userId, roles: ['ops' as const] };
    expect(await codeOf(rpc.request(identity.mergeUsers, { actor: actorOf(a), sourceUserId: b.userId, targetUserId: a.userId, reason: 'same person' }))).toBe('AUTH.FORBIDDEN');
    expect(await codeOf(rpc.request(identity.mergeUsers, { actor: ops, sourceUserId: a.userId, targetUserId: a.userId, reason: 'same person' }))).toBe('IDENTITY.MERGE_SELF');
    const first = await rpc.request(identity.mergeUsers, { actor: ops, sourceUserId: b.userId, targetUserId: a.userId, reason: 'same person' });
    const second = await rpc.request(identity.mergeUsers, { actor: ops, sourceUserId: b.userId, targetUserId: a.userId, reason: 'same person' });
    expect(first.alreadyMerged).toBe(false);
    expect(second).toMatchObject({ mergeId: first.mergeId, alreadyMerged: true });
    await events.waitFor((all) => all.some((e) => e.subject === 'identity.user.merged.v1' && (e.data as { mergeId: string }).mergeId === first.mergeId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.ofSubject('identity.user.merged.v1').filter((e) => (e.data as { mergeId: string }).mergeId === first.mergeId)).toHaveLength(1);
  });

  it("refuses another resident's data", async () => {
    const a = await signUpByPhone();
    const b = await signUpByPhone();
    expect(await codeOf(rpc.request(identity.getProfile, { actor: actorOf(a), userId: b.userId }))).toBe('AUTH.FORBIDDEN');
    expect(await codeOf(rpc.request(identity.updateProfile, { actor: actorOf(a), userId: b.userId, patch: { nickname: 'x' } }))).toBe('AUTH.FORBIDDEN');
    expect(await codeOf(rpc.request(identity.eraseUser, { actor: actorOf(a), userId: b.userId }))).toBe('AUTH.FORBIDDEN');
  });

  it('records declared fields, emits consent changes, exports everything and erases', async () => {
    const phone = aPhone();
    const user = await signUpByPhone(phone);
    const actor = actorOf(user);
    const profile = await rpc.request(identity.updateProfile, { actor, userId: user.userId, patch: { nickname: 'Mei', dietary: { restrictions: ['peanut'] } } });
    expect(Object.keys(profile.declared).sort()).toEqual(['dietary', 'nickname']);
    await rpc.request(identity.setConsent, { actor, userId: user.userId, purpose: 'marketing', granted: true });
    await rpc.request(identity.setConsent, { actor, userId: user.userId, purpose: 'marketing', granted: false });
    await events.waitFor((all) => all.filter((e) => e.subject === 'identity.consent.changed.v1' && (e.data as { userId: string }).userId === user.userId).length === 2);

    const exported = await rpc.request(identity.exportUserData, { actor, userId: user.userId });
    expect(JSON.stringify(exported.data['identity'])).toContain(phone);
    expect(((exported.data['identity'] as Record<string, unknown>)['consentHistory'] as unknown[]).length).toBe(2);
    // every other service's part is in the one document, asked for this user
    expect(Object.keys(exported.data).sort()).toEqual([...DATA_SERVICES].sort());
    expect(exported.data['orders']).toEqual({ heldFor: [user.userId] });
    // a copy is complete or not given: a service that cannot give its part fails the export with a code
    const failing = exportParts.at(-1)!;
    failing.answer(() => {
      throw new LinliError('COMMON.UNAVAILABLE', 'database down');
    });
    expect(await codeOf(rpc.request(identity.exportUserData, { actor, userId: user.userId }))).toBe('COMMON.UNAVAILABLE');
    failing.answer((req) => ({ service: 'local-services', sections: { heldFor: req.userIds } }));

    const erased = await rpc.request(identity.eraseUser, { actor, userId: user.userId });
    const again = await rpc.request(identity.eraseUser, { actor, userId: user.userId });
    expect(again.erasedAt).toBe(erased.erasedAt);
    await events.waitFor((all) => all.some((e) => e.subject === 'identity.user.erased.v1' && (e.data as { userId: string }).userId === user.userId));
    expect(await codeOf(rpc.request(identity.getProfile, { actor, userId: user.userId }))).toBe('IDENTITY.USER_ERASED');
    expect(await codeOf(rpc.request(identity.exportUserData, { actor, userId: user.userId }))).toBe('IDENTITY.USER_ERASED');
    const dbClient = app.get(IdentityDb);
    expect(await dbClient.channelIdentity.count({ where: { value: phone } })).toBe(0);
    expect(await dbClient.devSmsMessage.count({ where: { phone } })).toBe(0);
    // signing in with the same phone afterwards creates a new, unrelated account
    const fresh = await signUpByPhone(phone);
    expect(fresh.userId).not.toBe(user.userId);
  });

  it('grants the leader role when leader-ops approves, exactly once even if the event is redelivered', async () => {
    const user = await signUpByPhone();
    const dbClient = app.get(IdentityDb);
    const approval = { applicationId: crypto.randomUUID(), userId: user.userId, compoundId: 'c-1', approvedAt: new Date().toISOString() };
    // Publish the event the way leader-ops does: through an outbox row, relayed to JetStream, twice with the same id.
    const id = crypto.randomUUID();
    await dbClient.$transaction((tx) => enqueueEvent(tx, leaderOps.leaderApproved, approval, { id }));
    await waitUntil(async () => (await dbClient.user.findUniqueOrThrow({ where: { id: user.userId } })).roles.includes('leader'), 10_000, 'leader role');
    const roleEvents = () => events.ofSubject('identity.role.granted.v1').filter((e) => (e.data as { userId: string }).userId === user.userId);
    await events.waitFor(() => roleEvents().length === 1);
    // Redeliver the same event under another JetStream message id (past the stream's de-duplication):
    // the consumer's processed-id table must swallow it.
    const published = await dbClient.outboxEvent.findUniqueOrThrow({ where: { id } });
    const envelope = { id, subject: published.subject, occurredAt: published.createdAt.toISOString(), source: 'leader-ops', data: published.payload };
    await jetstream(nc).publish(new Subjects(prefix).of(published.subject), JSON.stringify(envelope), { msgID: `${id}-again` });
    await waitUntil(async () => (await dbClient.processedEvent.count({ where: { eventId: id } })) === 1, 5_000, 'processed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(roleEvents()).toHaveLength(1);
    expect(await dbClient.processedEvent.count({ where: { eventId: id } })).toBe(1);
    const refreshed = await rpc.request(identity.refreshToken, { refreshToken: user.refreshToken });
    expect(refreshed.roles).toEqual(['resident', 'leader']);
  });

  it('issues access tokens the gateway can verify', async () => {
    const tokens = await signUpByPhone();
    const { verifyAccessToken } = await import('@linli/nest-kit');
    expect(verifyAccessToken(tokens.accessToken, secret).sub).toBe(tokens.userId);
    expect(() => verifyAccessToken(issueAccessToken({ userId: tokens.userId, roles: ['ops'], sessionId: crypto.randomUUID(), ttlSeconds: 60 }, 'other'.padEnd(40, 'y')).token, secret)).toThrow();
  });
});

describe('proof of possession and merges (account takeover)', () => {
  const opsActor = { userId: crypto.randomUUID(), roles: ['ops' as const] };

  async function aLeader() {
    const leader = await signUpByPhone();
    await rpc.request(identity.grantRole, { actor: opsActor, userId: leader.userId, role: 'leader' });
    return { ...leader, roles: ['resident' as const, 'leader' as const] };
  }

  /** A user holding `card`, proved with a code the leader issued at the pickup point. */
  async function holderOf(card: string, phone = aPhone()) {
    const holder = await signUpByPhone(phone);
    const leader = await aLeader();
    const issued = await rpc.request(identity.issueMemberCardCode, { actor: actorOf(leader), cardNumber: card });
    await rpc.request(identity.linkIdentity, { actor: actorOf(holder), proof: { channel: 'member-card', cardNumber: card, code: issued.oneTimeCode } });
    return { ...holder, phone };
  }

  const aCard = () => `LL-${crypto.randomUUID().slice(0, 8)}`;

  it('refuses the takeover as reported: a card number alone proves nothing, and a leader account is never merged by self-service', async () => {
    const card = aCard();
    const victim = await holderOf(card);
    await rpc.request(identity.grantRole, { actor: opsActor, userId: victim.userId, role: 'leader' });
    const attacker = await signUpByPhone();

    // the request as reported (no code) does not pass the contract
    await expect(rpc.request(identity.linkIdentity, { actor: actorOf(attacker), proof: { channel: 'member-card', cardNumber: card } as never })).rejects.toThrow();
    // asking for a code sends it to the victim's phone, not to the attacker
    const sent = await rpc.request(identity.requestMemberCardCode, { actor: actorOf(attacker), cardNumber: card.toLowerCase() });
    expect(sent.maskedPhone).toBe(`${victim.phone.slice(0, 6)}****${victim.phone.slice(-4)}`);
    const victimCode = await lastCode(victim.phone);
    expect(await codeOf(rpc.request(identity.linkIdentity, { actor: actorOf(attacker), proof: { channel: 'member-card', cardNumber: card, code: victimCode === '000000' ? '000001' : '000000' } }))).toBe('IDENTITY.OTP_INVALID');

    // even with the holder's code, a merge of a leader account waits for ops
    const held = await rpc.request(identity.linkIdentity, { actor: actorOf(attacker), proof: { channel: 'member-card', cardNumber: card, code: victimCode } }).catch((e: LinliError) => e);
    expect(held).toBeInstanceOf(LinliError);
    expect((held as LinliError).code).toBe('IDENTITY.MERGE_APPROVAL_REQUIRED');
    const mergeRequestId = ((held as LinliError).details as { mergeRequestId: string }).mergeRequestId;
    const victimProfile = await rpc.request(identity.getProfile, { actor: actorOf(victim), userId: victim.userId });
    expect(victimProfile.userId).toBe(victim.userId);
    expect(victimProfile.roles).toEqual(['resident', 'leader']);
    expect(victimProfile.identities.map((i) => i.channel).sort()).toEqual(['member-card', 'phone']);
    const attackerProfile = await rpc.request(identity.getProfile, { actor: actorOf(attacker), userId: attacker.userId });
    expect(attackerProfile.roles).toEqual(['resident']);

    // queued and audited; ops rejects it, once
    const pending = await rpc.request(identity.listMergeRequests, { actor: opsActor, status: 'pending' });
    const request = pending.mergeRequests.find((r) => r.mergeRequestId === mergeRequestId);
    expect(request).toMatchObject({ requestedBy: attacker.userId, sourceUserId: victim.userId, channel: 'member-card', reasons: ['the account holds the role leader'] });
    expect(request!.maskedValue).not.toContain(card.slice(0, 4));
    expect(await codeOf(rpc.request(identity.decideMergeRequest, { actor: actorOf(attacker), mergeRequestId, decision: 'approve', reason: 'it is me' }))).toBe('AUTH.FORBIDDEN');
    const rejected = await rpc.request(identity.decideMergeRequest, { actor: opsActor, mergeRequestId, decision: 'reject', reason: 'not the same person' });
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: opsActor.userId, decisionReason: 'not the same person' });
    expect(await codeOf(rpc.request(identity.decideMergeRequest, { actor: opsActor, mergeRequestId, decision: 'approve', reason: 'changed my mind' }))).toBe('IDENTITY.MERGE_REQUEST_DECIDED');
    // the code was spent by the queued attempt
    expect(await codeOf(rpc.request(identity.linkIdentity, { actor: actorOf(attacker), proof: { channel: 'member-card', cardNumber: card, code: victimCode } }))).toBe('IDENTITY.OTP_ALREADY_USED');
  });

  it("merges a resident holder proved by the code sent to the holder's phone; the survivor gains no roles", async () => {
    const card = aCard();
    const holder = await holderOf(card);
    const me = await signUpByPhone();
    await rpc.request(identity.requestMemberCardCode, { actor: actorOf(me), cardNumber: card });
    const linked = await rpc.request(identity.linkIdentity, { actor: actorOf(me), proof: { channel: 'member-card', cardNumber: card, code: await lastCode(holder.phone) } });
    expect(linked).toEqual({ userId: me.userId, linked: ['member-card'], mergedFromUserId: holder.userId });
    const profile = await rpc.request(identity.getProfile, { actor: actorOf(me), userId: me.userId });
    expect(profile.roles).toEqual(['resident']);
  });

  it('queues for ops a merge of an account with open orders at another pickup point, or when orders cannot say; an approved merge keeps the survivor\'s roles', async () => {
    const card = aCard();
    const holder = await holderOf(card);
    await rpc.request(identity.grantRole, { actor: opsActor, userId: holder.userId, role: 'partner' });
    const me = await signUpByPhone();
    const elsewhere = crypto.randomUUID();
    mergeCheck.answer(() => ({ openOrders: 2, openOrdersElsewhere: 1, pickupPointIds: [elsewhere] }));
    try {
      await rpc.request(identity.requestMemberCardCode, { actor: actorOf(me), cardNumber: card });
      const held = await rpc.request(identity.linkIdentity, { actor: actorOf(me), proof: { channel: 'member-card', cardNumber: card, code: await lastCode(holder.phone) } }).catch((e: LinliError) => e);
      expect((held as LinliError).code).toBe('IDENTITY.MERGE_APPROVAL_REQUIRED');
      expect(((held as LinliError).details as { reasons: string[] }).reasons).toEqual(['the account holds the role partner', 'the account has 1 open order(s) at another pickup point']);
      expect(mergeCheck.requests.at(-1)).toMatchObject({ sourceUserId: holder.userId, targetUserId: me.userId });

      mergeCheck.answer(() => {
        throw new LinliError('COMMON.UNAVAILABLE', 'orders is down');
      });
      const plainHolder = await holderOf(aCard());
      const card2 = (await app.get(IdentityDb).channelIdentity.findFirstOrThrow({ where: { userId: plainHolder.userId, channel: 'member-card' } })).value;
      await rpc.request(identity.requestMemberCardCode, { actor: actorOf(me), cardNumber: card2 });
      const unknown = await rpc.request(identity.linkIdentity, { actor: actorOf(me), proof: { channel: 'member-card', cardNumber: card2, code: await lastCode(plainHolder.phone) } }).catch((e: LinliError) => e);
      expect(((unknown as LinliError).details as { reasons: string[] }).reasons).toEqual(['the open orders of the account could not be checked']);
    } finally {
      mergeCheck.answer(noOpenOrders);
    }

    const mergeRequestId = (await rpc.request(identity.listMergeRequests, { actor: opsActor, status: 'pending' })).mergeRequests.find((r) => r.sourceUserId === holder.userId)!.mergeRequestId;
    const approved = await rpc.request(identity.decideMergeRequest, { actor: opsActor, mergeRequestId, decision: 'approve', reason: 'confirmed by phone with both' });
    expect(approved.status).toBe('approved');
    const profile = await rpc.request(identity.getProfile, { actor: actorOf(me), userId: me.userId });
    expect(profile.roles).toEqual(['resident']); // partner is not inherited; ops grants it explicitly
    expect(profile.identities.map((i) => i.channel)).toContain('member-card');
    const merge = await app.get(IdentityDb).merge.findUniqueOrThrow({ where: { sourceUserId: holder.userId } });
    expect(merge).toMatchObject({ targetUserId: me.userId, actorUserId: opsActor.userId });
    expect(merge.reason).toContain(mergeRequestId);
  });

  it("proves a card nobody holds at the pickup point; the leader cannot use their own code, and only leaders issue codes", async () => {
    const card = aCard();
    const me = await signUpByPhone();
    expect(await codeOf(rpc.request(identity.requestMemberCardCode, { actor: actorOf(me), cardNumber: card }))).toBe('IDENTITY.MEMBER_CARD_UNPROVABLE');
    expect(await codeOf(rpc.request(identity.issueMemberCardCode, { actor: actorOf(me), cardNumber: card }))).toBe('AUTH.FORBIDDEN');
    const leader = await aLeader();
    const own = await rpc.request(identity.issueMemberCardCode, { actor: actorOf(leader), cardNumber: card });
    expect(await codeOf(rpc.request(identity.linkIdentity, { actor: actorOf(leader), proof: { channel: 'member-card', cardNumber: card, code: own.oneTimeCode } }))).toBe('IDENTITY.OTP_INVALID');
    const issued = await rpc.request(identity.issueMemberCardCode, { actor: actorOf(leader), cardNumber: card });
    const linked = await rpc.request(identity.linkIdentity, { actor: actorOf(me), proof: { channel: 'member-card', cardNumber: card, code: issued.oneTimeCode } });
    expect(linked).toEqual({ userId: me.userId, linked: ['member-card'], mergedFromUserId: null });
    const row = await app.get(IdentityDb).memberCardCode.findFirstOrThrow({ where: { cardNumber: card.toUpperCase(), usedAt: { not: null } } });
    expect(row).toMatchObject({ issuedVia: 'leader', issuedBy: leader.userId, usedBy: me.userId });
  });

  it('ops merges never grant the source account\'s roles', async () => {
    const leader = await aLeader();
    const resident = await signUpByPhone();
    await rpc.request(identity.mergeUsers, { actor: opsActor, sourceUserId: leader.userId, targetUserId: resident.userId, reason: 'same person' });
    const profile = await rpc.request(identity.getProfile, { actor: actorOf(resident), userId: resident.userId });
    expect(profile.roles).toEqual(['resident']);
  });
});

describe('SMS send budgets (against SMS pumping)', () => {
  it('limits the codes one client may have sent, whatever the numbers', async () => {
    const clientKey = `ip:203.0.113.${Math.floor(Math.random() * 250)}-${crypto.randomUUID().slice(0, 4)}`;
    for (let i = 0; i < 5; i++) await rpc.request(identity.requestOtp, { phone: aPhone(), clientKey });
    const refused = await rpc.request(identity.requestOtp, { phone: aPhone(), clientKey }).catch((e: LinliError) => e);
    expect((refused as LinliError).code).toBe('IDENTITY.SMS_BUDGET_EXHAUSTED');
    expect((refused as LinliError).details).toMatchObject({ scope: 'client', retryAfterSeconds: expect.any(Number) });
    // another client is not affected
    await rpc.request(identity.requestOtp, { phone: aPhone(), clientKey: `${clientKey}-other` });
  });

  it('limits the codes sent to one number prefix from any clients', async () => {
    const segment = `+86177${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
    const phoneOf = (i: number) => `${segment}${String(i).padStart(4, '0')}`;
    for (let i = 0; i < 8; i++) await rpc.request(identity.requestOtp, { phone: phoneOf(i), clientKey: `ip:198.51.100.${i}` });
    const refused = await rpc.request(identity.requestOtp, { phone: phoneOf(8), clientKey: 'ip:198.51.100.99' }).catch((e: LinliError) => e);
    expect([(refused as LinliError).code, ((refused as LinliError).details as { scope: string }).scope]).toEqual(['IDENTITY.SMS_BUDGET_EXHAUSTED', 'number-prefix']);
    expect(await app.get(IdentityDb).otpCode.count({ where: { phone: phoneOf(8) } })).toBe(0);
  });
});
