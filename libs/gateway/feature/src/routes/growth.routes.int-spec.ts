import { randomUUID } from 'node:crypto';
import { LinliError, growth, type RpcContract } from '@linli/contracts';
import { actorOf, http, routeContractSuite, tokenFor, type RouteCase } from '../gateway.test-harness.js';
import { growthRoutes } from './growth.routes.js';

const someone = randomUUID();
const reservationId = randomUUID();
const proposalId = randomUUID();
const now = () => new Date().toISOString();

const cases: Record<string, RouteCase> = {
  'GET /v1/me/points': { query: '?limit=20', bad: { query: '?limit=0', field: 'query.limit' } },
  'POST /v1/me/points/reservations': {
    body: { points: 30, reference: { kind: 'order', id: 'order-1' }, idempotencyKey: 'reserve-0001' },
    bad: { body: { points: 0, reference: { kind: 'order', id: 'order-1' }, idempotencyKey: 'reserve-0001' }, field: 'body.points' },
  },
  'POST /v1/me/points/reservations/:reservationId/commit': { path: `/v1/me/points/reservations/${reservationId}/commit`, bad: { path: '/v1/me/points/reservations/42/commit', field: 'params.reservationId' } },
  'POST /v1/me/points/reservations/:reservationId/release': { path: `/v1/me/points/reservations/${reservationId}/release`, bad: { path: '/v1/me/points/reservations/42/release', field: 'params.reservationId' } },
  'GET /v1/rewards': { bad: { query: '?all=1', field: 'query.all' } },
  'POST /v1/me/points/redemptions': { body: { rewardId: 'coupon-5-yuan', idempotencyKey: 'redeem-0001' }, bad: { body: { rewardId: 'coupon-5-yuan', idempotencyKey: 'x' }, field: 'body.idempotencyKey' } },
  'GET /v1/ops/members/:userId/points': { path: `/v1/ops/members/${someone}/points`, bad: { path: '/v1/ops/members/42/points', field: 'params.userId' } },
  'POST /v1/ops/members/:userId/points/adjustments': {
    path: `/v1/ops/members/${someone}/points/adjustments`,
    body: { delta: -20, reason: 'duplicate credit', idempotencyKey: 'adjust-0001' },
    bad: { path: `/v1/ops/members/${someone}/points/adjustments`, body: { delta: 0, reason: 'nothing', idempotencyKey: 'adjust-0001' }, field: 'body.delta' },
  },
  'GET /v1/me/tier': { bad: { query: `?userId=${someone}`, field: 'query.userId' } },
  'PUT /v1/ops/members/:userId/tier': {
    path: `/v1/ops/members/${someone}/tier`,
    body: { tier: 'co-builder', reason: 'community founder' },
    bad: { path: `/v1/ops/members/${someone}/tier`, body: { tier: 'vip', reason: 'community founder' }, field: 'body.tier' },
  },
  'POST /v1/ops/tier-reviews': { body: { month: '2026-11' }, bad: { body: { month: '2026-13-01' }, field: 'body.month' } },
  'GET /v1/me/badges': { bad: { query: `?userId=${someone}`, field: 'query.userId' } },
  'GET /v1/members/:userId/badges': { path: `/v1/members/${someone}/badges`, bad: { path: '/v1/members/42/badges', field: 'params.userId' } },
  'GET /v1/me/journey': { bad: { query: '?journeyId=seven-day', field: 'query.journeyId' } },
  'GET /v1/ops/journeys/:journeyId/funnel': { path: '/v1/ops/journeys/seven-day/funnel', query: '?from=2026-11-01&to=2026-11-30', bad: { path: '/v1/ops/journeys/seven-day/funnel', query: '?from=yesterday', field: 'query.from' } },
  'GET /v1/me/invite': { bad: { query: '?code=ABCD1234', field: 'query.code' } },
  'POST /v1/me/invite/shares': { body: { channel: 'wechat' }, bad: { body: { channel: 'unrecorded' }, field: 'body.channel' } },
  'POST /v1/me/invite/claim': { body: { code: 'K7M2Q9XA' }, bad: { body: { code: 'no!' }, field: 'body.code' } },
  'POST /v1/proposals/:proposalId/backings': { path: `/v1/proposals/${proposalId}/backings`, body: { points: 50, idempotencyKey: 'back-00001' }, bad: { path: `/v1/proposals/${proposalId}/backings`, body: { points: -1, idempotencyKey: 'back-00001' }, field: 'body.points' } },
  'GET /v1/proposals/:proposalId/backing': { path: `/v1/proposals/${proposalId}/backing`, bad: { path: '/v1/proposals/42/backing', field: 'params.proposalId' } },
};

const perks = { pointsMultiplier: 1.2, voteWeight: 2, earlyAccessHours: 2, canBackProposals: true };
const tierView = (userId: string) => ({ userId, tier: 'regular', tierName: '常客', since: now(), perks, progress: { score: 9, windowDays: 90, next: null, activity: {} }, rulesVersion: '2026-12-01' });
const reservation = (userId: string, status: string) => ({ reservationId, userId, points: 30, reference: { kind: 'order', id: 'order-1' }, status, balance: 70, createdAt: now(), settledAt: null });
const invite = { code: 'K7M2Q9XA', link: 'https://linli.app/i/K7M2Q9XA', invitesSent: 1, signedUp: 0, converted: 0, invitedBy: null };
const backing = { proposalId, totalPoints: 50, backers: [], votes: { count: 0, weighted: 0, byTier: {} } };

const replies: [RpcContract, (req: any) => unknown][] = [
  [growth.getStatement, (req) => ({ userId: req.userId ?? req.actor.userId, balance: 70, held: 30, entries: [] })],
  [growth.reservePoints, (req) => reservation(req.actor.userId, 'held')],
  [growth.commitPoints, (req) => reservation(req.actor.userId, 'committed')],
  [growth.releasePoints, (req) => reservation(req.actor.userId, 'released')],
  [growth.listRewards, () => ({ rewards: [{ rewardId: 'coupon-5-yuan', title: '5元优惠券', cost: 500, perMemberLimit: null }] })],
  [growth.redeemReward, (req) => ({ redemptionId: randomUUID(), rewardId: req.rewardId, cost: 500, balance: 0, redeemedAt: now() })],
  [growth.adjustPoints, () => ({ entryId: randomUUID(), balance: 10 })],
  [growth.getTier, (req) => tierView(req.actor.userId)],
  [growth.grantTier, (req) => ({ ...tierView(req.userId), tier: req.tier })],
  [growth.runTierReview, (req) => ({ month: req.month, reviewed: 3, downgraded: 1, alreadyRun: false })],
  [growth.listBadges, (req) => ({ userId: req.userId ?? req.actor.userId, badges: [] })],
  [growth.myJourney, () => ({ journeys: [] })],
  [growth.journeyFunnel, (req) => ({ journeyId: req.journeyId, title: '7天体验计划', from: req.from ?? null, to: req.to ?? null, enrolled: 0, steps: [] })],
  [growth.getInvite, () => invite],
  [growth.recordShare, () => ({ ...invite, invitesSent: 2 })],
  [growth.claimInvite, () => ({ inviterUserId: someone, attributedAt: now() })],
  [growth.backProposal, () => backing],
  [growth.proposalBacking, () => backing],
];

const suite = routeContractSuite({ name: 'growth', routes: growthRoutes, cases, replies, replyMayCarryCode: true });

describe('route specifics', () => {
  it('reads the points of the caller only on /v1/me, and of the named member for ops', async () => {
    const resident = tokenFor(['resident']);
    const me = await http(suite.running.url, 'GET', '/v1/me/points', { token: resident });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ balance: 70, entries: [] });
    expect(suite.fakes.lastCall(growth.getStatement.subject)?.payload).toEqual({ actor: actorOf(resident), limit: 50 });
    const ops = tokenFor(['ops']);
    await http(suite.running.url, 'GET', `/v1/ops/members/${someone}/points?limit=5`, { token: ops });
    expect(suite.fakes.lastCall(growth.getStatement.subject)?.payload).toEqual({ actor: actorOf(ops), userId: someone, limit: 5 });
  });

  it("maps growth's error codes to HTTP statuses", async () => {
    const resident = tokenFor(['resident']);
    for (const [code, status] of [
      ['GROWTH.INSUFFICIENT_POINTS', 409],
      ['GROWTH.IDEMPOTENCY_KEY_REUSED', 409],
      ['GROWTH.REWARD_ALREADY_REDEEMED', 409],
      ['GROWTH.REWARD_NOT_FOUND', 404],
    ] as const) {
      suite.fakes.override(growth.redeemReward, () => {
        throw new LinliError(code, 'refused', { rewardId: 'coupon-5-yuan' });
      });
      const res = await http(suite.running.url, 'POST', '/v1/me/points/redemptions', { token: resident, body: { rewardId: 'coupon-5-yuan', idempotencyKey: 'redeem-0002' } });
      expect([code, res.status, res.body.code]).toEqual([code, status, code]);
    }
    for (const [code, status] of [
      ['GROWTH.SELF_REFERRAL', 409],
      ['GROWTH.REFERRAL_LOOP', 409],
      ['GROWTH.ALREADY_ATTRIBUTED', 409],
      ['GROWTH.ATTRIBUTION_CLOSED', 409],
      ['GROWTH.INVITE_CODE_UNKNOWN', 404],
    ] as const) {
      suite.fakes.override(growth.claimInvite, () => {
        throw new LinliError(code, 'refused');
      });
      const res = await http(suite.running.url, 'POST', '/v1/me/invite/claim', { token: resident, body: { code: 'K7M2Q9XA' } });
      expect([code, res.status]).toEqual([code, status]);
    }
    suite.fakes.override(growth.backProposal, () => {
      throw new LinliError('GROWTH.TIER_TOO_LOW', 'refused');
    });
    const res = await http(suite.running.url, 'POST', `/v1/proposals/${proposalId}/backings`, { token: resident, body: { points: 5, idempotencyKey: 'back-00002' } });
    expect(res.status).toBe(403);
  });
});
