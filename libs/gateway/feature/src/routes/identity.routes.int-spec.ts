import { randomUUID } from 'node:crypto';
import { actorOf, http, routeContractSuite, tokenFor, type RouteCase } from '../gateway.test-harness.js';
import { identityRoutes } from './identity.routes.js';

const phone = '+8613800138000';
const someone = randomUUID();
const refreshToken = 'refresh-token-0123456789';

const cases: Record<string, RouteCase> = {
  'POST /v1/auth/otp': { body: { phone: '138 0013 8000' }, bad: { body: { phone: '12345' }, field: 'body.phone' } },
  'POST /v1/auth/otp/verify': { body: { phone, code: '123456', device: 'iPhone' }, bad: { body: { phone, code: '12ab' }, field: 'body.code' } },
  'POST /v1/auth/wechat': { body: { app: 'mini-program', loginCode: 'dev:alice' }, bad: { body: { app: 'fax', loginCode: 'dev:alice' }, field: 'body.app' } },
  'POST /v1/auth/refresh': { body: { refreshToken }, bad: { body: {}, field: 'body.refreshToken' } },
  'POST /v1/auth/sign-out': { body: { refreshToken }, bad: { body: { refreshToken, everywhere: true }, field: 'body.everywhere' } },
  'GET /v1/me/profile': { bad: { query: '?userId=' + someone, field: 'query.userId' } },
  'PATCH /v1/me/profile': {
    body: { nickname: 'Xiao Li', household: { adults: 2, children: [{ birthYear: 2020 }] } },
    bad: { body: { nickname: 'Xiao Li', household: { adults: -1 } }, field: 'body.household.adults' },
  },
  'PUT /v1/me/consents/:purpose': {
    path: '/v1/me/consents/profiling',
    body: { granted: false },
    bad: { path: '/v1/me/consents/selling', body: { granted: true }, field: 'params.purpose' },
  },
  'POST /v1/me/identities': {
    body: { proof: { channel: 'member-card', cardNumber: 'CARD-2024', code: '123456' } },
    bad: { body: { proof: { channel: 'member-card', cardNumber: 'CARD-2024' } }, field: 'body.proof.code' },
  },
  'POST /v1/me/identities/member-card/code': { body: { cardNumber: 'CARD-2024' }, bad: { body: { cardNumber: '!' }, field: 'body.cardNumber' } },
  'POST /v1/leader/member-cards/code': { body: { cardNumber: 'CARD-2024' }, bad: { body: { cardNumber: 'CARD-2024', userId: someone }, field: 'body.userId' } },
  'GET /v1/ops/merge-requests': { query: '?status=pending', bad: { query: '?status=open', field: 'query.status' } },
  'POST /v1/ops/merge-requests/:mergeRequestId/approve': {
    path: `/v1/ops/merge-requests/${someone}/approve`,
    body: { reason: 'same person, checked by phone' },
    bad: { path: '/v1/ops/merge-requests/42/approve', body: { reason: 'same person' }, field: 'params.mergeRequestId' },
  },
  'POST /v1/ops/merge-requests/:mergeRequestId/reject': {
    path: `/v1/ops/merge-requests/${someone}/reject`,
    body: { reason: 'not the same person' },
    bad: { path: `/v1/ops/merge-requests/${someone}/reject`, body: {}, field: 'body.reason' },
  },
  'GET /v1/me/export': { bad: { query: '?format=csv', field: 'query.format' } },
  'POST /v1/me/erasure': { bad: { body: { userId: someone }, field: 'body.userId' } },
  'GET /v1/users/:userId/profile': { path: `/v1/users/${someone}/profile`, bad: { path: '/v1/users/42/profile', field: 'params.userId' } },
  'POST /v1/ops/users/merge': {
    body: { sourceUserId: someone, targetUserId: randomUUID(), reason: 'same person, two phones' },
    bad: { body: { sourceUserId: someone, targetUserId: randomUUID(), reason: '' }, field: 'body.reason' },
  },
  'POST /v1/ops/users/:userId/roles': {
    path: `/v1/ops/users/${someone}/roles`,
    body: { role: 'leader' },
    bad: { path: `/v1/ops/users/${someone}/roles`, body: { role: 'mayor' }, field: 'body.role' },
  },
  'GET /v1/dev/sms-outbox': { query: `?phone=${encodeURIComponent(phone)}`, bad: { query: '?phone=110', field: 'query.phone' } },
};

const suite = routeContractSuite({ name: 'identity', routes: identityRoutes, cases });

describe('route specifics', () => {
  it('acts on the caller for /v1/me routes, and on the path user for ops routes', async () => {
    const resident = tokenFor(['resident']);
    await http(suite.running.url, 'PUT', '/v1/me/consents/marketing', { token: resident, body: { granted: true } });
    expect(suite.fakes.lastCall('rpc.identity.consent.set.v1')?.payload).toEqual({ actor: actorOf(resident), userId: actorOf(resident).userId, purpose: 'marketing', granted: true });
    const ops = tokenFor(['ops']);
    await http(suite.running.url, 'POST', `/v1/ops/users/${someone}/roles`, { token: ops, body: { role: 'partner' } });
    expect(suite.fakes.lastCall('rpc.identity.role.grant.v1')?.payload).toEqual({ actor: actorOf(ops), userId: someone, role: 'partner' });
  });

  it('normalises phone numbers the way the contract does', async () => {
    await http(suite.running.url, 'POST', '/v1/auth/otp', { body: { phone: '+86 138-0013-8000' } });
    expect(suite.fakes.lastCall('rpc.identity.otp.request.v1')?.payload).toEqual({ phone, clientKey: expect.stringMatching(/^ip:/) });
  });

  it('links any of the proof channels', async () => {
    const token = tokenFor(['resident']);
    for (const proof of [
      { channel: 'phone', phone, code: '123456' },
      { channel: 'wechat', app: 'official-account', loginCode: 'dev:bob' },
      { channel: 'member-card', cardNumber: 'M-0001', code: '654321' },
    ]) {
      const res = await http(suite.running.url, 'POST', '/v1/me/identities', { token, body: { proof } });
      expect(res.status).toBe(200);
      expect(suite.fakes.lastCall('rpc.identity.identity.link.v1')?.payload).toEqual({ actor: actorOf(token), proof });
    }
    const unproven = await http(suite.running.url, 'POST', '/v1/me/identities', { token, body: { proof: { channel: 'member-card', cardNumber: 'M-0001' } } });
    expect([unproven.status, unproven.body.code]).toEqual([400, 'COMMON.VALIDATION_FAILED']);
    const bad = await http(suite.running.url, 'POST', '/v1/me/identities', { token, body: { proof: { channel: 'email', address: 'a@b.c' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: { path: string }) => f.path)).toContain('body.proof.channel');
  });
});
