import { randomUUID } from 'node:crypto';
import { LinliError, recommendations as r, type RpcContract } from '@linli/contracts';
import { actorOf, http, routeContractSuite, tokenFor, type RouteCase } from '../gateway.test-harness.js';
import { recommendationsRoutes } from './recommendations.routes.js';

const someone = randomUUID();
const segmentId = randomUUID();
const campaignId = randomUUID();
const now = () => new Date().toISOString();
const event = () => ({ eventId: randomUUID(), kind: 'view', occurredAt: now(), skuId: 'sku-1' });
const segmentBody = { name: 'Young families', rule: { tag: 'has_infant', eq: true } };

const cases: Record<string, RouteCase> = {
  'GET /v1/me/recommendations': { query: `?campaignId=${campaignId}&limit=5`, bad: { query: '?limit=99', field: 'query.limit' } },
  'POST /v1/behaviour': { body: { events: [event(), event()] }, bad: { body: { events: [{ ...event(), kind: 'teleport' }] }, field: 'body.events.0.kind' } },
  'GET /v1/customers/:userId/assets': { path: `/v1/customers/${someone}/assets`, bad: { path: `/v1/customers/${someone}/assets`, query: '?all=1', field: 'query.all' } },
  'GET /v1/segments': { bad: { query: '?mine=1', field: 'query.mine' } },
  'POST /v1/segments': { body: segmentBody, bad: { body: { ...segmentBody, name: '' }, field: 'body.name' } },
  'GET /v1/segments/:segmentId': { path: `/v1/segments/${segmentId}`, bad: { path: '/v1/segments/42', field: 'params.segmentId' } },
  'PUT /v1/segments/:segmentId': { path: `/v1/segments/${segmentId}`, body: segmentBody, bad: { path: `/v1/segments/${segmentId}`, body: { name: 'x' }, field: 'body.rule' } },
  'DELETE /v1/segments/:segmentId': { path: `/v1/segments/${segmentId}`, bad: { path: '/v1/segments/nope', field: 'params.segmentId' } },
  'GET /v1/segments/:segmentId/members': { path: `/v1/segments/${segmentId}/members`, query: '?limit=20&offset=40', bad: { path: `/v1/segments/${segmentId}/members`, query: '?offset=-1', field: 'query.offset' } },
  'GET /v1/compounds/:compoundId/insights': { path: '/v1/compounds/compound-1/insights', query: '?from=2026-01-01&to=2026-06-30', bad: { path: '/v1/compounds/compound-1/insights', query: '?from=January', field: 'query.from' } },
  'GET /v1/asset-metrics': { query: '?compoundId=compound-1&from=2026-01-01', bad: { query: '?to=2026-13-01x', field: 'query.to' } },
  'GET /v1/ops/recommendations/backtest': { bad: { query: '?latest=true', field: 'query.latest' } },
  'POST /v1/ops/recommendations/backtests': { body: { asOf: '2026-06-30', holdoutDays: 90 }, bad: { body: { holdoutDays: 1 }, field: 'body.holdoutDays' } },
  'POST /v1/ops/recommendations/assets/refresh': { bad: { body: { asOf: 'today' }, field: 'body.asOf' } },
};

const segment = (actorId: string, body: { name: string; description?: string; rule: Record<string, unknown> }) => ({
  segmentId,
  name: body.name,
  description: body.description ?? '',
  rule: body.rule,
  pickupPointId: null,
  createdBy: actorId,
  createdAt: now(),
  updatedAt: now(),
});
const backtest = { backtestId: randomUUID(), ranAt: now(), status: 'ok', calibrationEnd: '2026-03-31', holdoutEnd: '2026-06-30', customers: 10, predictedPurchases: 4.2, actualPurchases: 5, mae: 0.5, correlation: 0.6, calibration: [], model: { r: 0.2, alpha: 4, a: 0.8, b: 2.4 }, reason: null };

/** A valid reply for each recommendations subject, built from the request. */
const replies: [RpcContract, (req: any) => unknown][] = [
  [r.getRecommendations, (req) => ({ userId: req.actor.userId, personalised: true, campaignId: req.campaignId ?? null, items: [{ itemId: 'sku-1', skuId: 'sku-1', bundleId: null, productId: null, offerId: null, name: '鲜牛奶', score: 1, reason: { kind: 'repurchase', text: 'you buy this every ~2 weeks' } }], modelFittedAt: now(), generatedAt: now() })],
  [r.recordBehaviour, (req) => ({ accepted: req.events.length, duplicates: 0, parked: 0 })],
  [r.getCustomerAssets, (req) => ({ userId: req.userId, compoundId: null, pickupPointId: null, consent: { profiling: null, marketing: null }, rfm: null, lifecycle: null, predictions: null, tags: [], completeness: 0, computedAt: null })],
  [r.listSegments, (req) => ({ segments: [segment(req.actor.userId, segmentBody)] })],
  [r.createSegment, (req) => segment(req.actor.userId, req.segment)],
  [r.getSegment, (req) => segment(req.actor.userId, segmentBody)],
  [r.updateSegment, (req) => segment(req.actor.userId, req.segment)],
  [r.deleteSegment, (req) => ({ segmentId: req.segmentId, deleted: true })],
  [r.segmentMembers, (req) => ({ segmentId: req.segmentId, evaluatedAt: now(), total: 0, members: [] })],
  [r.compoundInsights, (req) => ({ compoundId: req.compoundId, from: req.from ?? '2026-01-01', to: req.to ?? '2026-06-30', customers: 0, tagCompleteness: 0, household: [], categories: [], boughtTogether: [], suggestions: [] })],
  [
    r.assetMetrics,
    (req) => ({
      scope: { kind: req.pickupPointId ? 'pickup-point' : req.compoundId ? 'compound' : 'platform', id: req.pickupPointId ?? req.compoundId ?? null },
      from: req.from ?? '2026-01-01',
      to: req.to ?? '2026-03-31',
      customers: 0,
      orders: 0,
      revenueCents: 0,
      repurchaseRate: null,
      crossPurchaseRate: null,
      arpuCents: null,
      ltv: { customers: 0, meanCents: null, percentilesCents: null, histogram: [] },
      nps: { value: null, note: 'no survey events exist yet' },
      kFactor: { value: null, note: 'no referral events exist yet' },
      cohorts: [],
      notes: [],
    }),
  ],
  [r.latestBacktest, () => ({ backtest })],
  [r.runBacktest, () => ({ backtest })],
  [r.refreshAssets, () => ({ customers: 3, asOf: '2026-06-30', bgnbd: 'converged', gammaGamma: 'converged', computedAt: now() })],
];

const suite = routeContractSuite({ name: 'recommendations', routes: recommendationsRoutes, cases, replies });

describe('route specifics', () => {
  it('asks for the caller’s own recommendations with the default size, whatever they are', async () => {
    const resident = tokenFor(['resident']);
    await http(suite.running.url, 'GET', '/v1/me/recommendations', { token: resident });
    expect(suite.fakes.lastCall(r.getRecommendations.subject)?.payload).toEqual({ actor: actorOf(resident), limit: 10 });
    const res = await http(suite.running.url, 'GET', `/v1/me/recommendations?userId=${someone}`, { token: resident });
    expect(res.status).toBe(400);
  });

  it('passes the metrics scope and range through', async () => {
    const leader = tokenFor(['leader']);
    await http(suite.running.url, 'GET', '/v1/asset-metrics?pickupPointId=pp-1&from=2026-01-01&to=2026-01-31', { token: leader });
    expect(suite.fakes.lastCall(r.assetMetrics.subject)?.payload).toEqual({ actor: actorOf(leader), pickupPointId: 'pp-1', from: '2026-01-01', to: '2026-01-31' });
  });

  it("maps the recommendations service's error codes to HTTP statuses", async () => {
    const leader = tokenFor(['leader']);
    for (const [code, status] of [
      ['RECOMMENDATIONS.SEGMENT_NOT_FOUND', 404],
      ['RECOMMENDATIONS.SEGMENT_NAME_TAKEN', 409],
      ['RECOMMENDATIONS.CUSTOMER_NOT_FOUND', 404],
      ['AUTH.FORBIDDEN', 403],
    ] as const) {
      suite.fakes.override(r.createSegment, () => {
        throw new LinliError(code, 'refused', { name: 'Young families' });
      });
      const res = await http(suite.running.url, 'POST', '/v1/segments', { token: leader, body: segmentBody });
      expect([code, res.status, res.body.code]).toEqual([code, status, code]);
    }
    suite.fakes.override(r.getRecommendations, () => {
      throw new LinliError('RECOMMENDATIONS.CAMPAIGN_NOT_FOUND', 'no such campaign', { campaignId });
    });
    const res = await http(suite.running.url, 'GET', `/v1/me/recommendations?campaignId=${campaignId}`, { token: tokenFor(['resident']) });
    expect([res.status, res.body.code]).toEqual([404, 'RECOMMENDATIONS.CAMPAIGN_NOT_FOUND']);
  });
});
