import { z } from 'zod';
import { ROLES, identity, rpcContracts } from '@linli/contracts';
import { apiIndexRoute } from './api-index.js';
import { healthRoute } from './health.js';
import { assertValidRoute, defineRoute, isPublic, pathParams, routeKey, type GatewayRoute, type RouteDoc } from './route.js';
import { routes } from './routes/index.js';

/** The only routes anyone may call without a token. Adding one here is a deliberate, reviewed decision. */
const PUBLIC_ROUTES = [
  'GET /v1',
  'GET /v1/health',
  'POST /v1/auth/otp',
  'POST /v1/auth/otp/verify',
  'POST /v1/auth/wechat',
  'POST /v1/auth/refresh',
  'GET /v1/dev/sms-outbox',
  'POST /v1/payments/callback',
  'GET /v1/calendar/festivals',
];

const IDENTITY_ROUTES = [
  'POST /v1/auth/otp',
  'POST /v1/auth/otp/verify',
  'POST /v1/auth/wechat',
  'POST /v1/auth/refresh',
  'POST /v1/auth/sign-out',
  'GET /v1/me/profile',
  'PATCH /v1/me/profile',
  'PUT /v1/me/consents/:purpose',
  'POST /v1/me/identities',
  'POST /v1/me/identities/member-card/code',
  'POST /v1/leader/member-cards/code',
  'GET /v1/ops/merge-requests',
  'POST /v1/ops/merge-requests/:mergeRequestId/approve',
  'POST /v1/ops/merge-requests/:mergeRequestId/reject',
  'GET /v1/me/export',
  'POST /v1/me/erasure',
  'GET /v1/users/:userId/profile',
  'POST /v1/ops/users/merge',
  'POST /v1/ops/users/:userId/roles',
  'GET /v1/dev/sms-outbox',
];

const all: RouteDoc[] = [apiIndexRoute, healthRoute, ...routes];

/** A schema rejects unknown fields: strict objects, or unions of them. */
function rejectsUnknownFields(schema: z.ZodType): boolean {
  if (schema instanceof z.ZodOptional) return rejectsUnknownFields(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodObject) return schema.def.catchall instanceof z.ZodNever;
  if (schema instanceof z.ZodDiscriminatedUnion || schema instanceof z.ZodUnion) {
    return (schema.options as z.ZodType[]).every((option) => rejectsUnknownFields(option));
  }
  return false;
}

/** Every schema inside a schema (object fields, array elements, union options, optional/nullable/pipe insides). */
function schemasWithin(schema: z.ZodType, found = new Set<unknown>()): Set<unknown> {
  if (found.has(schema)) return found;
  found.add(schema);
  found.add(schema.def);
  const def = schema.def as unknown as Record<string, unknown>;
  const children: unknown[] = [
    ...(schema instanceof z.ZodObject ? Object.values(schema.shape) : []),
    ...(Array.isArray(def['options']) ? (def['options'] as unknown[]) : []),
    def['element'],
    def['innerType'],
    def['in'],
    def['out'],
    def['left'],
    def['right'],
  ];
  for (const child of children) if (child instanceof z.ZodType) schemasWithin(child, found);
  return found;
}

/** Body fields a route validates with a schema of its own rather than one of its RPC contract's. */
function fieldsNotFromContract(route: GatewayRoute): string[] {
  if (!(route.body instanceof z.ZodObject)) return [];
  const known = schemasWithin(route.rpc.request);
  // `.meta()` (documentation only) copies a schema with the same definition.
  return Object.entries(route.body.shape as Record<string, z.ZodType>)
    .filter(([, field]) => !known.has(field) && !known.has(field.def))
    .map(([key]) => `${routeKey(route)}: body.${key}`);
}

describe('route table', () => {
  it('has one route per method and path', () => {
    const keys = all.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('guards every route: each is public, names roles or needs a partner API key, and only the listed routes are public', () => {
    for (const route of all) {
      const auth = route.auth as { public?: unknown; roles?: unknown; partner?: { scopes?: unknown } };
      const publicRoute = auth.public === true;
      const guarded = auth.roles === 'any-signed-in' || (Array.isArray(auth.roles) && auth.roles.length > 0);
      const partnerKey = Array.isArray(auth.partner?.scopes);
      expect([routeKey(route), [publicRoute, guarded, partnerKey].filter(Boolean).length]).toEqual([routeKey(route), 1]);
      expect([routeKey(route), partnerKey]).toEqual([routeKey(route), route.path.startsWith('/v1/partner/')]);
      if (Array.isArray(auth.roles)) for (const role of auth.roles) expect(ROLES).toContain(role);
    }
    expect(all.filter((route) => isPublic(route.auth)).map(routeKey).sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('restricts the ops routes to ops', () => {
    for (const route of all.filter((r) => r.path.startsWith('/v1/ops/') || r.path.startsWith('/v1/users/'))) {
      expect([routeKey(route), route.auth]).toEqual([routeKey(route), { roles: ['ops'] }]);
    }
  });

  it('exposes every identity contract a client may call', () => {
    expect(routes.filter((route) => route.rpc.subject.startsWith('rpc.identity.')).map(routeKey).sort()).toEqual([...IDENTITY_ROUTES].sort());
  });

  it('validates every body with the contract: each body field is one of its RPC request’s own schemas', () => {
    expect(routes.flatMap(fieldsNotFromContract)).toEqual([]);
    const handWritten = defineRoute({
      method: 'POST',
      path: '/v1/auth/otp',
      summary: 'a body written again by hand',
      tags: ['auth'],
      auth: { public: true },
      body: z.object({ phone: z.string() }).strict(),
      response: identity.requestOtp.response,
      rpc: identity.requestOtp,
      toRpc: ({ body }) => ({ phone: body.phone }),
    });
    expect(fieldsNotFromContract(handWritten)).toEqual(['POST /v1/auth/otp: body.phone']);
  });

  it('only calls known RPC contracts, never a health subject', () => {
    const known = new Set(rpcContracts.map((c) => c.subject));
    for (const route of routes) {
      expect(known.has(route.rpc.subject)).toBe(true);
      expect(route.rpc.subject).not.toMatch(/\.health\.v1$/);
    }
  });

  it('rejects unknown fields in every body, query and path', () => {
    for (const route of all) {
      for (const part of [route.body, route.query, route.params]) {
        if (part) expect([routeKey(route), rejectsUnknownFields(part)]).toEqual([routeKey(route), true]);
      }
    }
  });

  it('keeps development routes under /v1/dev/', () => {
    for (const route of all) expect([routeKey(route), route.devOnly === true]).toEqual([routeKey(route), route.path.startsWith('/v1/dev/')]);
  });

  it('declares exactly the parameters of each path', () => {
    expect(pathParams('/v1/ops/users/:userId/roles')).toEqual(['userId']);
    for (const route of all) expect(() => assertValidRoute(route)).not.toThrow();
  });

  it('refuses an ill-formed route when it is defined', () => {
    const base = { method: 'GET' as const, summary: 's', tags: [], response: identity.getProfile.response, rpc: identity.getProfile };
    const toRpc = () => ({ actor: { userId: '7d7f5f0e-8a57-4c55-9a3c-9f1c6f3f9b01', roles: ['ops' as const] }, userId: '7d7f5f0e-8a57-4c55-9a3c-9f1c6f3f9b01' });
    expect(() => defineRoute({ ...base, path: '/v1/x', auth: { roles: [] }, toRpc })).toThrow(/auth/);
    expect(() => defineRoute({ ...base, path: '/v1/x', auth: {} as { public: true }, toRpc })).toThrow(/auth/);
    expect(() => defineRoute({ ...base, path: '/v2/x', auth: { roles: ['ops'] }, toRpc })).toThrow(/under \/v1/);
    expect(() => defineRoute({ ...base, path: '/v1/x/:id', auth: { roles: ['ops'] }, toRpc })).toThrow(/params/);
    expect(() => defineRoute({ ...base, path: '/v1/dev/x', auth: { public: true }, toRpc })).toThrow(/development/);
    expect(() => defineRoute({ ...base, path: '/v1/x', auth: { partner: { scopes: ['catalog'] } }, toRpc })).toThrow(/partner/);
    expect(() => defineRoute({ ...base, path: '/v1/partner/x', auth: { roles: ['ops'] }, toRpc })).toThrow(/partner/);
    expect(() => defineRoute({ ...base, path: '/v1/partner/x', auth: { partner: { scopes: ['everything' as 'catalog'] } }, toRpc })).toThrow(/auth/);
  });
});
