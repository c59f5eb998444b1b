import { randomUUID } from 'node:crypto';
import { LinliError, leaderOps, type RpcContract } from '@linli/contracts';
import { actorOf, http, routeContractSuite, tokenFor, type RouteCase } from '../gateway.test-harness.js';
import { leaderOpsRoutes } from './leader-ops.routes.js';

const someone = randomUUID();
const applicationId = randomUUID();
const pickupPointId = randomUUID();
const hours = [{ weekday: 1, opens: '08:00', closes: '20:00' }];
const pointBody = { name: 'Gate 2 shop', address: '2 Tianlin Road', compoundIds: ['compound-1'], openingHours: hours, capacity: 80 };

const cases: Record<string, RouteCase> = {
  'PUT /v1/ops/compounds/:compoundId': {
    path: '/v1/ops/compounds/compound-1',
    body: { name: 'Green Garden', city: 'Shanghai', district: 'Xuhui' },
    bad: { path: '/v1/ops/compounds/compound-1', body: { name: 'Green Garden', city: 'Shanghai', timeZone: 'Mars/Base' }, field: 'body.timeZone' },
  },
  'GET /v1/compounds': { query: '?city=Shanghai&limit=20', bad: { query: '?limit=0', field: 'query.limit' } },
  'POST /v1/leader-applications': {
    body: { compoundId: 'compound-1', displayName: 'Auntie Wang', phone: '138 0013 8000', statement: 'I run the shop by gate 2.' },
    bad: { body: { compoundId: 'compound-1', displayName: 'Auntie Wang', phone: '110' }, field: 'body.phone' },
  },
  'GET /v1/me/leader-applications': { query: '?status=pending', bad: { query: `?userId=${someone}`, field: 'query.userId' } },
  'GET /v1/ops/leader-applications': { query: `?status=pending&userId=${someone}&limit=10`, bad: { query: '?status=maybe', field: 'query.status' } },
  'POST /v1/ops/leader-applications/:applicationId/approve': {
    path: `/v1/ops/leader-applications/${applicationId}/approve`,
    bad: { path: '/v1/ops/leader-applications/42/approve', field: 'params.applicationId' },
  },
  'POST /v1/ops/leader-applications/:applicationId/reject': {
    path: `/v1/ops/leader-applications/${applicationId}/reject`,
    body: { reason: 'Another leader already serves this building.' },
    bad: { path: `/v1/ops/leader-applications/${applicationId}/reject`, body: { reason: '  ' }, field: 'body.reason' },
  },
  'POST /v1/pickup-points': { body: pointBody, bad: { body: { ...pointBody, capacity: 0 }, field: 'body.capacity' } },
  'PATCH /v1/pickup-points/:pickupPointId': {
    path: `/v1/pickup-points/${pickupPointId}`,
    body: { capacity: 120, status: 'suspended' },
    bad: { path: `/v1/pickup-points/${pickupPointId}`, body: { openingHours: [{ weekday: 1, opens: '20:00', closes: '08:00' }] }, field: 'body.openingHours.0.closes' },
  },
  'GET /v1/pickup-points/:pickupPointId': { path: `/v1/pickup-points/${pickupPointId}`, bad: { path: '/v1/pickup-points/nope', field: 'params.pickupPointId' } },
  'GET /v1/pickup-points': { query: '?compoundId=compound-1', bad: { query: '?status=active', field: 'query.compoundId' } },
  'PUT /v1/me/pickup-point': {
    body: { pickupPointId, compoundId: 'compound-1' },
    bad: { body: { pickupPointId, compoundId: 'compound-1', userId: someone }, field: 'body.userId' },
  },
  'GET /v1/me/pickup-point': { bad: { query: `?userId=${someone}`, field: 'query.userId' } },
  'GET /v1/ops/users/:userId/pickup-point': { path: `/v1/ops/users/${someone}/pickup-point`, bad: { path: '/v1/ops/users/42/pickup-point', field: 'params.userId' } },
};

const now = () => new Date().toISOString();
const compound = { compoundId: 'compound-1', name: 'Green Garden', city: 'Shanghai', timeZone: 'Asia/Shanghai' };
const application = (userId: string) => ({
  applicationId,
  userId,
  compoundId: 'compound-1',
  status: 'pending',
  displayName: 'Auntie Wang',
  phone: '+8613800138000',
  statement: null,
  decisionReason: null,
  decidedBy: null,
  decidedAt: null,
  createdAt: now(),
});
const point = (leaderUserId: string) => ({ ...pointBody, pickupPointId, leaderUserId, timeZone: 'Asia/Shanghai', status: 'active', createdAt: now(), updatedAt: now() });
const binding = (userId: string) => ({ userId, pickupPointId, compoundId: 'compound-1', boundAt: now(), unboundAt: null, endReason: null });

/** A valid reply for each leader-ops subject, built from the request. */
const replies: [RpcContract, (req: any) => unknown][] = [
  [leaderOps.upsertCompound, (req) => ({ ...compound, ...req.compound, created: true })],
  [leaderOps.listCompounds, () => ({ compounds: [compound], nextAfter: null })],
  [leaderOps.applyAsLeader, (req) => application(req.actor.userId)],
  [leaderOps.listApplications, (req) => ({ applications: [application(req.userId ?? req.actor.userId)], nextAfter: null })],
  [leaderOps.approveApplication, (req) => ({ ...application(someone), status: 'approved', decidedBy: req.actor.userId, decidedAt: now() })],
  [leaderOps.rejectApplication, (req) => ({ ...application(someone), status: 'rejected', decisionReason: req.reason, decidedBy: req.actor.userId, decidedAt: now() })],
  [leaderOps.createPickupPoint, (req) => point(req.leaderUserId ?? req.actor.userId)],
  [leaderOps.updatePickupPoint, (req) => ({ ...point(req.actor.userId), ...req.patch })],
  [leaderOps.getPickupPoint, () => point(someone)],
  [leaderOps.listPickupPoints, () => ({ pickupPoints: [point(someone)] })],
  [leaderOps.bindResident, (req) => ({ binding: binding(req.actor.userId), previousPickupPointId: null, changed: true })],
  [leaderOps.getBinding, (req) => ({ userId: req.userId ?? req.actor.userId, current: binding(req.userId ?? req.actor.userId), history: [] })],
];

const suite = routeContractSuite({ name: 'leader-ops', routes: leaderOpsRoutes, cases, replies });

describe('route specifics', () => {
  it('takes the compound id from the path and the caller as actor', async () => {
    const ops = tokenFor(['ops']);
    await http(suite.running.url, 'PUT', '/v1/ops/compounds/compound-9', { token: ops, body: { name: 'Plum Court', city: 'Hangzhou' } });
    expect(suite.fakes.lastCall(leaderOps.upsertCompound.subject)?.payload).toEqual({ actor: actorOf(ops), compound: { compoundId: 'compound-9', name: 'Plum Court', city: 'Hangzhou', timeZone: 'Asia/Shanghai' } });
  });

  it("lists only the caller's own applications on /v1/me, whatever the query", async () => {
    const resident = tokenFor(['resident']);
    await http(suite.running.url, 'GET', '/v1/me/leader-applications?status=rejected', { token: resident });
    expect(suite.fakes.lastCall(leaderOps.listApplications.subject)?.payload).toEqual({ actor: actorOf(resident), status: 'rejected', userId: actorOf(resident).userId, limit: 100 });
  });

  it("maps leader-ops' error codes to HTTP statuses", async () => {
    const expectations: [string, number][] = [
      ['LEADER_OPS.POINT_NOT_SERVING_COMPOUND', 409],
      ['LEADER_OPS.POINT_SUSPENDED', 409],
      ['LEADER_OPS.PICKUP_POINT_NOT_FOUND', 404],
      ['LEADER_OPS.COMPOUND_NOT_FOUND', 404],
    ];
    const resident = tokenFor(['resident']);
    for (const [code, status] of expectations) {
      suite.fakes.override(leaderOps.bindResident, () => {
        throw new LinliError(code as 'LEADER_OPS.POINT_SUSPENDED', 'refused', { pickupPointId });
      });
      const res = await http(suite.running.url, 'PUT', '/v1/me/pickup-point', { token: resident, body: { pickupPointId, compoundId: 'compound-1' } });
      expect([code, res.status, res.body.code, res.body.details]).toEqual([code, status, code, { pickupPointId }]);
    }
    const leader = tokenFor(['leader']);
    for (const [code, status] of [
      ['LEADER_OPS.NOT_APPROVED_LEADER', 403],
      ['LEADER_OPS.NOT_POINT_OWNER', 403],
      ['LEADER_OPS.COMPOUND_IN_USE', 409],
    ] as const) {
      suite.fakes.override(leaderOps.createPickupPoint, () => {
        throw new LinliError(code, 'refused');
      });
      const res = await http(suite.running.url, 'POST', '/v1/pickup-points', { token: leader, body: pointBody });
      expect([code, res.status]).toEqual([code, status]);
    }
  });
});
