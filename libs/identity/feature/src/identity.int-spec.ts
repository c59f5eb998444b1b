import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { fileURLToPath } from 'node:url';
import { LinliError, identity, leaderOps, health } from '@linli/contracts';
import { LinliKitModule, RpcClient, Subjects, enqueueEvent, issueAccessToken } from '@linli/nest-kit';
import { EventRecorder, aPhone, connectTestNats, createTestDatabase, deleteTestStreams, natsTestUrl, testSubjectPrefix, waitUntil, type TestDatabase } from '@linli/testing';
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

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LinliError) return error.code;
    throw error;
  }
  throw new Error('expected a LinliError');
}

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
      IdentityModule.forRoot({ databaseUrl: db.url, tokenSecret: secret, smsAdapter: 'log', wechatAdapter: 'dev', otpResendSeconds: 0 }),
    ],
  }).compile();
  app = await moduleRef.init();
  rpc = app.get(RpcClient);
  nc = await connectTestNats();
  events = await EventRecorder.start(nc, prefix);
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

  it('refuses a replayed, wrong, expired-by-attempts code with distinct codes', async () => {
    const phone = aPhone();
    await rpc.request(identity.requestOtp, { phone });
    const code = await lastCode(phone);
    await rpc.request(identity.verifyOtp, { phone, code });
    expect(await codeOf(rpc.request(identity.verifyOtp, { phone, code }))).toBe('IDENTITY.OTP_ALREADY_USED');

    await rpc.request(identity.requestOtp, { phone });
    const good = await lastCode(phone);
    const wrong = good === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect(await codeOf(rpc.request(identity.verifyOtp, { phone, code: wrong }))).toBe('IDENTITY.OTP_INVALID');
    expect(await codeOf(rpc.request(identity.verifyOtp, { phone, code: good }))).toBe('IDENTITY.OTP_TOO_MANY_ATTEMPTS');
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
    expect(JSON.stringify(exported.data)).toContain(phone);
    expect((exported.data['consentHistory'] as unknown[]).length).toBe(2);

    const erased = await rpc.request(identity.eraseUser, { actor, userId: user.userId });
    const again = await rpc.request(identity.eraseUser, { actor, userId: user.userId });
    expect(again.erasedAt).toBe(erased.erasedAt);
    await events.waitFor((all) => all.some((e) => e.subject === 'identity.user.erased.v1' && (e.data as { userId: string }).userId === user.userId));
    expect(await codeOf(rpc.request(identity.getProfile, { actor, userId: user.userId }))).toBe('IDENTITY.USER_ERASED');
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
