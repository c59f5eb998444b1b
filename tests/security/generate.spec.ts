import { z } from 'zod';
import { identity } from '@linli/contracts';
import { routeKey, routes, type RouteDoc } from '@linli/gateway-feature';
import { BAD_API_KEYS, BAD_TOKENS, generateProbes, type SecurityFixtures } from './generate.js';
import { PARAM_OWNERS, SHARED_READS, ROLES, securityFixtures } from './fixtures.js';

const ID = '11111111-2222-4333-8444-555555555555';

const fixtures: SecurityFixtures = {
  params: { thingId: { ownedBy: 'residentA', value: ID }, sku: { ownedBy: null, value: 'SKU-1' } },
  sharedReads: {},
  bodies: {},
  roles: ROLES,
};

/** A fake table: routes as plain objects, the way a careless edit could add one without `defineRoute`. */
function route(overrides: Partial<RouteDoc> & Pick<RouteDoc, 'method' | 'path'>): RouteDoc {
  return { summary: 'x', tags: [], auth: { roles: 'any-signed-in' }, response: z.object({}), ...overrides } as RouteDoc;
}

describe('security probe generator', () => {
  it('reports a route without auth metadata instead of probing it', () => {
    const { probes, problems } = generateProbes([route({ method: 'GET', path: '/v1/new-thing', auth: undefined as never })], fixtures);
    expect(problems).toEqual([expect.stringContaining('GET /v1/new-thing: no auth metadata')]);
    expect(probes).toHaveLength(0);
    for (const auth of [{}, { roles: [] }, { public: false }, { public: true, roles: ['ops'] }]) {
      expect(generateProbes([route({ method: 'GET', path: '/v1/x', auth: auth as never })], fixtures).problems).toHaveLength(1);
    }
  });

  it('covers a new protected route with every bad token, without a test of its own', () => {
    const { probes, problems } = generateProbes([route({ method: 'GET', path: '/v1/things/:thingId', auth: { roles: ['resident'] } })], fixtures);
    expect(problems).toEqual([]);
    const auth = probes.filter((p) => p.kind === 'auth');
    expect(auth.map((p) => [p.token, p.expect.codes![0]])).toEqual(Object.entries(BAD_TOKENS));
    expect(auth.every((p) => p.path === `/v1/things/${ID}` && p.expect.status.join() === '401')).toBe(true);
  });

  it("probes a path id of A's with B's token, expecting 403/404", () => {
    const { probes } = generateProbes(
      [route({ method: 'GET', path: '/v1/things/:thingId' }), route({ method: 'GET', path: '/v1/skus/:sku' }), route({ method: 'GET', path: '/v1/leader/things/:thingId', auth: { roles: ['leader'] } })],
      fixtures,
    );
    const cross = probes.filter((p) => p.kind === 'cross-actor');
    expect(cross.map((p) => [p.route, p.token])).toEqual([
      ['GET /v1/things/:thingId', 'residentB'],
      ['GET /v1/things/:thingId', 'leaderB'],
      ['GET /v1/leader/things/:thingId', 'leaderB'],
    ]);
    expect(cross.every((p) => p.expect.status.join() === '403,404' && p.owner === 'residentA')).toBe(true);
  });

  it('reports a path parameter nobody classified', () => {
    const { problems } = generateProbes([route({ method: 'GET', path: '/v1/widgets/:widgetId' })], fixtures);
    expect(problems).toEqual([expect.stringContaining(':widgetId is not classified')]);
  });

  it('sends no credentials probes to a public route, and still probes its input', () => {
    const body = z.object({ phone: z.string(), count: z.number().int(), tags: z.array(z.string()) }).strict();
    const { probes } = generateProbes([route({ method: 'POST', path: '/v1/open', auth: { public: true }, body })], fixtures);
    expect(probes.filter((p) => p.kind === 'auth')).toHaveLength(0);
    expect(probes.every((p) => p.token === 'none')).toBe(true);
    const byName = Object.fromEntries(probes.map((p) => [p.name.split(' · ')[1], p]));
    expect(JSON.parse(byName['every field of the wrong type']!.body!)).toEqual({ phone: 12345, count: 'wrong', tags: 12345 });
    expect(byName['every field of the wrong type']!.expect.fields).toEqual(['body.phone', 'body.count', 'body.tags']);
    expect(byName['over-long strings']!.expect.fields).toEqual(['body.phone']);
    expect(byName['NUL in text fields']!.expect.fields).toEqual(['body.phone', 'body.__probe.deep.0']);
    expect(byName['lone surrogate in text fields']!.body).toBe('{"phone":"a\\ud800b","__probe":"a\\ud800b"}');
    expect(byName['1 MB body']!.expect).toEqual({ status: [413], codes: ['COMMON.PAYLOAD_TOO_LARGE'] });
  });

  it('reads the fields of a union body from every branch', () => {
    const { probes } = generateProbes([route({ method: 'POST', path: '/v1/me/identities', body: identity.linkIdentity.request.omit({ actor: true }) })], fixtures);
    expect(probes.find((p) => p.kind === 'wrong-type' && p.body !== '[1,2,3]')!.expect.fields).toEqual(['body.proof']);
  });

  it('finds nothing to report in the real route table and fixtures', () => {
    const ids = Object.fromEntries(Object.keys(PARAM_OWNERS).map((name) => [name, ID])) as Record<string, string>;
    const { probes, problems } = generateProbes(routes, securityFixtures(ids, { orderLineId: ID, skuId: ID }));
    expect(problems).toEqual([]);
    for (const key of Object.keys(SHARED_READS)) expect(routes.map(routeKey)).toContain(key);
    // every route is probed, and every protected one with every bad token
    expect(new Set(probes.map((p) => p.route))).toEqual(new Set(routes.map(routeKey)));
    const tokenRoutes = routes.filter((r) => !('public' in r.auth) && !('partner' in r.auth));
    const partnerRoutes = routes.filter((r) => 'partner' in r.auth);
    expect(partnerRoutes.length).toBeGreaterThan(0);
    expect(probes.filter((p) => p.kind === 'auth')).toHaveLength(tokenRoutes.length * Object.keys(BAD_TOKENS).length + partnerRoutes.length * Object.keys(BAD_API_KEYS).length);
    // partner routes are called with provider A's key, never a bearer token
    for (const probe of probes.filter((p) => partnerRoutes.some((r) => routeKey(r) === p.route))) expect([probe.name, probe.token]).toEqual([probe.name, 'none']);
  });
});
