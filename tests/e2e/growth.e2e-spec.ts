import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { communities, type EventContract } from '@linli/contracts';
import { connectTestNats, deleteTestStreams, publishTestEvent } from '@linli/testing';
import type { z } from 'zod';
import { apiClient } from './client.js';
import { buildApps, e2eEnvironment, freePort, natsRpc, startService, type RunningService } from './support.js';

/**
 * A new resident's 7-day plan over HTTP, with gateway, identity, leader-ops, orders, communities
 * (growth), recommendations and local-services as real processes: an invited neighbour signs up with the inviter's
 * code, places and pays a first order, collects it at the leader's point after the cut-off, joins a
 * community, attends an event and answers the NPS survey — earning points and reaching 常客 — and the
 * inviter's reward and the K-factor's inputs show in the asset metrics. Then a second order is paid
 * partly with points: the balance drops when they are held, they are spent when the order is paid,
 * and they come back when it is cancelled.
 *
 * The community actions (join, check-in, survey answer) are published here as the communities
 * module's events (`communities.member.joined.v1`, `…event.checked-in.v1`, `…survey.answered.v1`),
 * since the routes that cause them are not part of this service yet.
 */

const CUTOFF_AFTER_MS = 15_000;
const COMPOUND = 'e2e-growth-garden';
const PHONES = { ops: '+8613800000801', leader: '+8613800000811', inviter: '+8613900000821', newcomer: '+8613900000822' };

let env: Awaited<ReturnType<typeof e2eEnvironment>>;
const services: RunningService[] = [];
let nc: NatsConnection;
let base = '';

const { http, ok, signIn, refreshUntil, until } = apiClient(() => base, { waitMs: 20_000 });

/** Publishes a communities-module event the way its outbox relay does (envelope, message id). */
async function publishCommunityEvent<C extends EventContract>(contract: C, data: z.input<C['data']>): Promise<void> {
  await publishTestEvent({ nc, prefix: env.prefix }, contract, data, { source: 'communities' });
}

const shanghaiDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

beforeAll(async () => {
  buildApps(['gateway', 'identity', 'leader-ops', 'orders', 'communities', 'recommendations', 'local-services']);
  env = await e2eEnvironment(['identity', 'leader-ops', 'orders', 'communities', 'recommendations', 'local-services']);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  services.push(await startService('identity', env.env('identity')));
  services.push(await startService('leader-ops', env.env('leader-ops')));
  services.push(await startService('orders', env.env('orders', { ORDER_SCHEDULER_INTERVAL_MS: '200', ORDER_PAYMENT_TIMEOUT_SECONDS: '60', DEV_PAYMENT_CALLBACK_DELAY_MS: '100', DEV_PAYMENT_DUPLICATE_RATE: '0' })));
  services.push(await startService('communities', env.env('communities', { GROWTH_JOB_INTERVAL_MS: '0' })));
  services.push(await startService('recommendations', env.env('recommendations', { ASSETS_REFRESH_INTERVAL_MS: '0', BACKTEST_INTERVAL_MS: '0' })));
  // the personal-data copy the test reads asks every service for its part
  services.push(await startService('local-services', env.env('local-services')));
  services.push(await startService('gateway', env.env('gateway', { HTTP_PORT: String(port), DEV_ROUTES: 'true', RATE_LIMIT_PER_MINUTE_CLIENT: '100000', RATE_LIMIT_PER_MINUTE_USER: '100000' })));
  nc = await connectTestNats('growth-e2e');
});

afterAll(async () => {
  const logDir = process.env['E2E_SERVICE_LOGS'];
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    for (const service of services) writeFileSync(join(logDir, `growth-${service.name}.log`), service.output.join(''));
  }
  for (const service of services.reverse()) await service.stop();
  if (nc) {
    await deleteTestStreams(nc, env.prefix);
    await nc.close();
  }
  await env?.dropAll();
});

describe("a new resident's 7-day plan", () => {
  it('sign-up by invite, first order and pickup, community, event, NPS → points, 常客, the inviter rewarded, K-factor inputs in the metrics', async () => {
    // ---- the compound, its leader and pickup point
    let ops = await signIn(PHONES.ops);
    await natsRpc(nc, env.prefix, 'rpc.identity.role.grant.v1', { actor: { userId: '00000000-0000-4000-8000-000000000001', roles: ['ops'] }, userId: ops.userId, role: 'ops' });
    ops = await refreshUntil(ops, 'ops');
    await ok('PUT', `/v1/ops/compounds/${COMPOUND}`, { token: ops.accessToken, body: { name: 'Growth Garden 成长花园', city: 'Hangzhou' } });
    let leader = await signIn(PHONES.leader);
    const application = await ok('POST', '/v1/leader-applications', { token: leader.accessToken, body: { compoundId: COMPOUND, displayName: 'Auntie Wang', phone: PHONES.leader } }, 201);
    await ok('POST', `/v1/ops/leader-applications/${application.applicationId}/approve`, { token: ops.accessToken });
    leader = await refreshUntil(leader, 'leader');
    const openingHours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '23:59' }));
    const point = await ok('POST', '/v1/pickup-points', { token: leader.accessToken, body: { name: 'Gate 1 kiosk', address: 'Gate 1', compoundIds: [COMPOUND], openingHours, capacity: 50 } }, 201);

    // ---- the inviter shares their code; the neighbour signs up with it
    const inviter = await signIn(PHONES.inviter);
    await ok('PATCH', '/v1/me/profile', { token: inviter.accessToken, body: { compoundId: COMPOUND } });
    // growth learns the inviter's compound from identity's profile event (their invitations are counted there)
    await until('inviter placed', async () => {
      const copy = await ok('GET', '/v1/me/export', { token: inviter.accessToken });
      const members = (copy.data['communities']?.sections ?? copy.data['communities'])?.['growth-members'] as { compoundId: string | null }[] | undefined;
      return members?.[0]?.compoundId === COMPOUND ? true : undefined;
    });
    const invite = await until('invite code', async () => {
      const r = await http('GET', '/v1/me/invite', { token: inviter.accessToken });
      return r.status === 200 ? r.body : undefined;
    });
    await ok('POST', '/v1/me/invite/shares', { token: inviter.accessToken, body: { channel: 'wechat' } }, 201);
    const resident = await signIn(PHONES.newcomer, invite.code);
    expect(resident.isNewUser).toBe(true);
    await ok('PATCH', '/v1/me/profile', { token: resident.accessToken, body: { compoundId: COMPOUND } });
    await ok('PUT', '/v1/me/pickup-point', { token: resident.accessToken, body: { pickupPointId: point.pickupPointId, compoundId: COMPOUND } });
    await until('attributed', async () => ((await ok('GET', '/v1/me/invite', { token: resident.accessToken })).invitedBy === inviter.userId ? true : undefined));
    const journey = await ok('GET', '/v1/me/journey', { token: resident.accessToken });
    expect(journey.journeys.map((j: { journeyId: string }) => j.journeyId).sort()).toEqual(['ninety-day', 'seven-day']);
    // a code can attribute only once, and nobody invites themselves
    expect((await http('POST', '/v1/me/invite/claim', { token: resident.accessToken, body: { code: invite.code } })).body.code).toBe('GROWTH.ALREADY_ATTRIBUTED');
    expect((await http('POST', '/v1/me/invite/claim', { token: inviter.accessToken, body: { code: invite.code } })).body.code).toBe('GROWTH.SELF_REFERRAL');

    // ---- the first order: 59.00 yuan of vegetables (×1.5 → 88 points), paid, collected after the cut-off
    await ok('PUT', '/v1/ops/categories/vegetables', { token: ops.accessToken, body: { name: 'Vegetables 蔬菜' } });
    const product = await ok('POST', '/v1/ops/products', { token: ops.accessToken, body: { name: 'Spinach', categoryId: 'vegetables', unit: 'pack', skus: [{ code: 'E2E-GROWTH-SPINACH', spec: '500 g', priceCents: 700 }] } }, 201);
    const now = Date.now();
    const campaign = await ok(
      'POST',
      '/v1/ops/campaigns',
      {
        token: ops.accessToken,
        body: {
          title: 'First order 第一单',
          startsAt: new Date(now - 60_000).toISOString(),
          cutoffAt: new Date(now + CUTOFF_AFTER_MS).toISOString(),
          deliveryDate: shanghaiDate(now + 86_400_000),
          targets: { compoundIds: [COMPOUND] },
          offers: [{ kind: 'sku', skuId: product.skus[0].skuId, priceCents: 590 }],
          stock: [{ skuId: product.skus[0].skuId, quantity: 100 }],
        },
      },
      201,
    );
    const published = await ok('POST', `/v1/ops/campaigns/${campaign.campaignId}/publish`, { token: ops.accessToken });
    await until('binding known to orders', async () => ((await http('GET', '/v1/campaigns', { token: resident.accessToken })).status === 200 ? true : undefined));
    const order = await ok(
      'POST',
      '/v1/orders',
      { token: resident.accessToken, body: { campaignId: campaign.campaignId, idempotencyKey: 'growth-first-order', lines: [{ offerId: published.offers[0].offerId, quantity: 10 }], expectedTotalCents: 5_900 } },
      201,
    );
    await ok('POST', `/v1/orders/${order.orderId}/pay`, { token: resident.accessToken });
    await until('paid', async () => ((await ok('GET', `/v1/orders/${order.orderId}`, { token: resident.accessToken })).status === 'paid' ? true : undefined));
    await until('first-order step', async () => {
      const plan = (await ok('GET', '/v1/me/journey', { token: resident.accessToken })).journeys.find((j: { journeyId: string }) => j.journeyId === 'seven-day');
      return plan.steps.find((s: { stepId: string }) => s.stepId === 'first-order').completedAt ? true : undefined;
    });
    await until('locked at the cut-off', async () => ((await ok('GET', `/v1/orders/${order.orderId}`, { token: resident.accessToken })).status === 'locked' ? true : undefined), CUTOFF_AFTER_MS + 20_000);
    // the cut-off locks orders first and closes the campaign after; ship once it is closed
    await until('campaign closed', async () => ((await ok('GET', `/v1/campaigns/${campaign.campaignId}`, { token: ops.accessToken })).status === 'closed' ? true : undefined), 20_000);
    await ok('POST', `/v1/ops/campaigns/${campaign.campaignId}/ship`, { token: ops.accessToken });
    await ok('POST', `/v1/leader/pickup-points/${point.pickupPointId}/campaigns/${campaign.campaignId}/receipt`, { token: leader.accessToken, body: { shortages: [] } });
    const code = await ok('GET', `/v1/orders/${order.orderId}/pickup-code`, { token: resident.accessToken });
    expect(await ok('POST', '/v1/leader/pickups', { token: leader.accessToken, body: { code: code.code } })).toMatchObject({ status: 'picked_up' });

    // purchase points 88 + first-pickup bonus 50; the inviter's reward follows the first collected order
    await until('purchase points', async () => ((await ok('GET', '/v1/me/points', { token: resident.accessToken })).balance === 138 ? true : undefined));
    await until('inviter rewarded', async () => ((await ok('GET', '/v1/me/points', { token: inviter.accessToken })).balance === 200 ? true : undefined));

    // ---- joins a suggested community, attends an event, answers the NPS survey (community events)
    const communityId = randomUUID();
    const where = { compoundId: COMPOUND, pickupPointId: point.pickupPointId };
    await publishCommunityEvent(communities.memberJoined, { communityId, scope: 'compound', ...where, userId: resident.userId, role: 'member', joinedAt: new Date().toISOString() });
    await publishCommunityEvent(communities.checkedIn, { eventId: randomUUID(), communityId, ...where, organiserUserId: leader.userId, userId: resident.userId, checkedInAt: new Date().toISOString() });
    await publishCommunityEvent(communities.surveyAnswered, {
      surveyId: randomUUID(),
      responseId: randomUUID(),
      userId: resident.userId,
      kind: 'nps',
      score: 10,
      trigger: 'pickup',
      ...where,
      leaderUserId: leader.userId,
      answeredAt: new Date().toISOString(),
    });
    const tier = await until('常客', async () => {
      const t = await ok('GET', '/v1/me/tier', { token: resident.accessToken });
      return t.tier === 'regular' ? t : undefined;
    });
    expect(tier).toMatchObject({ tierName: '常客', perks: { voteWeight: 2 }, progress: { next: { tier: 'co-builder' } } });
    const points = await until('community points', async () => {
      const p = await ok('GET', '/v1/me/points', { token: resident.accessToken });
      return p.balance === 138 + 5 + 20 + 10 ? p : undefined;
    });
    expect(points.entries.map((e: { kind: string }) => e.kind)).toEqual(['earn', 'earn', 'earn', 'earn', 'earn']);
    const plan = (await ok('GET', '/v1/me/journey', { token: resident.accessToken })).journeys.find((j: { journeyId: string }) => j.journeyId === 'seven-day');
    expect(plan).toMatchObject({ completed: true });
    expect((await ok('GET', '/v1/me/badges', { token: resident.accessToken })).badges.map((b: { badgeId: string }) => b.badgeId)).toEqual(['first-order']);

    // ---- spending more than the balance: 409 with a code, nothing written
    const over = await http('POST', '/v1/me/points/reservations', { token: resident.accessToken, body: { points: 174, reference: { kind: 'order', id: 'next-order' }, idempotencyKey: 'growth-too-much' } });
    expect({ status: over.status, code: over.body.code }).toEqual({ status: 409, code: 'GROWTH.INSUFFICIENT_POINTS' });
    expect((await ok('GET', '/v1/me/points', { token: resident.accessToken })).balance).toBe(173);

    // ---- points as an order discount (1 point = 1 cent): held at placement, spent when paid, back on cancel
    const later = await ok(
      'POST',
      '/v1/ops/campaigns',
      {
        token: ops.accessToken,
        body: {
          title: 'Second order 第二单',
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          cutoffAt: new Date(Date.now() + 600_000).toISOString(),
          deliveryDate: shanghaiDate(Date.now() + 2 * 86_400_000),
          targets: { compoundIds: [COMPOUND] },
          offers: [{ kind: 'sku', skuId: product.skus[0].skuId, priceCents: 590 }],
          stock: [{ skuId: product.skus[0].skuId, quantity: 100 }],
        },
      },
      201,
    );
    const laterOffer = (await ok('POST', `/v1/ops/campaigns/${later.campaignId}/publish`, { token: ops.accessToken })).offers[0].offerId;
    const tooMany = await http('POST', '/v1/orders', {
      token: resident.accessToken,
      body: { campaignId: later.campaignId, idempotencyKey: 'growth-points-too-many', lines: [{ offerId: laterOffer, quantity: 1 }], expectedTotalCents: 590, pointsToSpend: 174 },
    });
    expect({ status: tooMany.status, code: tooMany.body.code }).toEqual({ status: 409, code: 'GROWTH.INSUFFICIENT_POINTS' });
    expect((await ok('GET', '/v1/orders', { token: resident.accessToken })).orders).toHaveLength(1);
    const discounted = await ok(
      'POST',
      '/v1/orders',
      { token: resident.accessToken, body: { campaignId: later.campaignId, idempotencyKey: 'growth-points-order', lines: [{ offerId: laterOffer, quantity: 1 }], expectedTotalCents: 590, pointsToSpend: 100 } },
      201,
    );
    expect(discounted).toMatchObject({ totalCents: 590, pointsSpent: 100, pointsDiscountCents: 100, payableCents: 490 });
    expect(await ok('GET', '/v1/me/points', { token: resident.accessToken })).toMatchObject({ balance: 73, held: 100 });
    const intent = await ok('POST', `/v1/orders/${discounted.orderId}/pay`, { token: resident.accessToken });
    expect(intent.amountCents).toBe(490);
    await until('points order paid', async () => ((await ok('GET', `/v1/orders/${discounted.orderId}`, { token: resident.accessToken })).status === 'paid' ? true : undefined));
    await until('points spent', async () => {
      const p = await ok('GET', '/v1/me/points', { token: resident.accessToken });
      return p.balance === 73 && p.held === 0 ? true : undefined;
    });
    const cancelled = await ok('POST', `/v1/orders/${discounted.orderId}/cancel`, { token: resident.accessToken, body: {} });
    expect(cancelled).toMatchObject({ status: 'cancelled', refundedCents: 490 });
    await until('points back after the cancel', async () => ((await ok('GET', '/v1/me/points', { token: resident.accessToken })).balance === 173 ? true : undefined));
    const kinds = (await ok('GET', '/v1/me/points', { token: resident.accessToken })).entries.map((e: { kind: string }) => e.kind);
    expect(kinds.slice(0, 3)).toEqual(['refund', 'commit', 'reserve']);

    // ---- the funnel and the K-factor
    const funnel = await ok('GET', '/v1/ops/journeys/seven-day/funnel', { token: ops.accessToken });
    expect(funnel.steps.find((s: { stepId: string }) => s.stepId === 'reach-regular')).toMatchObject({ completed: 1 });
    const month = shanghaiDate(Date.now()).slice(0, 7);
    const metrics = await until('K-factor inputs', async () => {
      const m = await ok('GET', `/v1/asset-metrics?compoundId=${COMPOUND}`, { token: ops.accessToken });
      const row = m.kFactorByMonth.find((r: { month: string }) => r.month === month);
      return m.kFactor.value !== null && row?.conversions === 1 ? m : undefined;
    });
    expect(metrics.kFactorByMonth.find((r: { month: string }) => r.month === month)).toMatchObject({ invitesSent: 1, signUps: 1, conversions: 1 });
    expect(metrics.kFactor.value).toBeGreaterThan(0);
  });
});
