/**
 * The security tier's probes, generated from the gateway's route table: nothing here names a route
 * except the fixtures' classification of path parameters (whose resource an id names) and the few
 * routes whose resource every signed-in user may read. A route added to the table is probed as soon
 * as it exists; one without auth metadata, or with a path parameter nobody classified, is a problem
 * the tier reports (and fails on) instead of probing it.
 */
import { z } from 'zod';
import type { Role } from '@linli/contracts';
import { pathParams, routeKey, type RouteDoc } from '@linli/gateway-feature';

/** The seeded actors: A owns the resources the path ids name, B is the other resident or leader. */
export const ACTORS = ['residentA', 'residentB', 'leaderA', 'leaderB', 'ops'] as const;
export type ActorName = (typeof ACTORS)[number];

/** Bad credentials every protected route must refuse with 401. */
export const BAD_TOKENS = {
  none: 'AUTH.UNAUTHENTICATED',
  garbage: 'AUTH.TOKEN_INVALID',
  tampered: 'AUTH.TOKEN_INVALID',
  'alg-none-jwt': 'AUTH.TOKEN_INVALID',
  'alg-none': 'AUTH.TOKEN_INVALID',
  'other-secret': 'AUTH.TOKEN_INVALID',
  expired: 'AUTH.TOKEN_EXPIRED',
  revoked: 'AUTH.SESSION_REVOKED',
} as const;
export type BadToken = keyof typeof BAD_TOKENS;

/** Bad API keys every partner route (`/v1/partner/…`, `auth: {partner: …}`) must refuse with 401. */
export const BAD_API_KEYS = {
  none: 'LOCAL_SERVICES.API_KEY_MISSING',
  garbage: 'LOCAL_SERVICES.API_KEY_INVALID',
  revoked: 'LOCAL_SERVICES.API_KEY_REVOKED',
} as const;
/** The API keys probes send: provider A's (owner resident A), provider B's, and the bad ones. */
export type ApiKeyKind = 'partnerA' | 'partnerB' | Exclude<keyof typeof BAD_API_KEYS, 'none'>;
export type TokenKind = BadToken | ActorName;

export interface ParamFixture {
  /** The actor whose resource the id names, or null for shared things (catalogue, the caller's own consent purpose). */
  ownedBy: 'residentA' | 'leaderA' | null;
  value: string;
}

export interface SecurityFixtures {
  /** Every path parameter name of the table, classified. */
  params: Record<string, ParamFixture>;
  /** Route keys (`GET /v1/x/:id`) whose path resource every signed-in user may read, each with its reason. */
  sharedReads: Record<string, string>;
  /** A valid body for a route probed by another actor, so that the refusal is the ownership check and not validation. */
  bodies: Record<string, unknown>;
  roles: Record<ActorName, readonly Role[]>;
}

export type ProbeKind = 'auth' | 'cross-actor' | 'unknown-field' | 'wrong-type' | 'over-long' | 'unsafe-text' | 'too-large';

export interface Probe {
  name: string;
  route: string;
  kind: ProbeKind;
  method: string;
  /** The concrete URL path with its query string. */
  path: string;
  token: TokenKind;
  /** Partner routes: the API key sent as `X-Api-Key` (none when unset). */
  apiKey?: ApiKeyKind;
  /** Raw JSON text, sent as application/json. */
  body?: string;
  expect: {
    status: readonly number[];
    /** When set, the answer's code is one of these. */
    codes?: readonly string[];
    /** When set, `details.fields` names each of these paths. */
    fields?: readonly string[];
  };
  /** Whose data must not appear in the answer (cross-actor probes). */
  owner?: ActorName;
}

export interface GeneratedProbes {
  probes: Probe[];
  /** Routes that cannot be probed as they are: the tier fails listing them. */
  problems: string[];
}

const UNKNOWN = '__probe';
const LONG_TEXT = 10_000;
export const ONE_MEGABYTE = 1024 * 1024;
const READ_ONLY = new Set(['GET']);

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace(/^#\/\$defs\//, '');
  return root.$defs?.[name] ?? {};
}

/** The JSON types a schema accepts (`any` when it does not say). */
function jsonTypes(schema: JsonSchema, root: JsonSchema, depth = 0): Set<string> {
  const s = resolve(schema, root);
  const types = new Set<string>();
  if (depth > 8) return new Set(['any']);
  if (s.type) for (const t of Array.isArray(s.type) ? s.type : [s.type]) types.add(t === 'integer' ? 'number' : t);
  if (s.const !== undefined) types.add(s.const === null ? 'null' : typeof s.const);
  for (const value of s.enum ?? []) types.add(value === null ? 'null' : typeof value);
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) for (const t of jsonTypes(branch, root, depth + 1)) types.add(t);
  return types.size ? types : new Set(['any']);
}

/** Top-level properties of a body schema (the union of its branches'), with the JSON types each accepts. */
export function bodyProperties(schema: z.ZodType): Map<string, Set<string>> {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = new Map<string, Set<string>>();
  const visit = (node: JsonSchema, depth: number) => {
    const s = resolve(node, root);
    if (depth > 4) return;
    for (const [name, property] of Object.entries(s.properties ?? {})) {
      const types = jsonTypes(property, root);
      const known = properties.get(name);
      properties.set(name, known ? new Set([...known, ...types]) : types);
    }
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) visit(branch, depth + 1);
  };
  visit(root, 0);
  return properties;
}

/** A value of a JSON type the property does not accept, or undefined when it accepts anything. */
function wrongValue(types: Set<string>): unknown {
  if (types.has('any')) return undefined;
  const candidates: [string, unknown][] = [
    ['number', 12345],
    ['string', 'wrong'],
    ['boolean', true],
    ['array', [['x']]],
    ['object', { [UNKNOWN]: 1 }],
  ];
  return candidates.find(([type]) => !types.has(type))?.[1];
}

/** The route's auth metadata is exactly one of the declared shapes: public, roles, or a partner API key. */
export function hasAuthMetadata(route: RouteDoc): boolean {
  const auth = (route as { auth?: unknown }).auth as { public?: unknown; roles?: unknown; partner?: { scopes?: unknown } } | undefined;
  if (!auth || typeof auth !== 'object') return false;
  const isPublicRoute = auth.public === true;
  const hasRoles = auth.roles === 'any-signed-in' || (Array.isArray(auth.roles) && auth.roles.length > 0);
  const partnerKey = Array.isArray(auth.partner?.scopes);
  return [isPublicRoute, hasRoles, partnerKey].filter(Boolean).length === 1;
}

function isPartnerRoute(route: RouteDoc): boolean {
  return 'partner' in route.auth;
}

function accepts(route: RouteDoc, roles: readonly Role[]): boolean {
  if ('public' in route.auth) return true;
  if (!('roles' in route.auth)) return false;
  return route.auth.roles === 'any-signed-in' || route.auth.roles.some((role) => roles.includes(role));
}

function concretePath(route: RouteDoc, fixtures: SecurityFixtures, replace: Record<string, string> = {}): string {
  return route.path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, (_match, name: string) => replace[name] ?? encodeURIComponent(fixtures.params[name]?.value ?? name));
}

/** Generates every probe for every route of the table. */
export function generateProbes(routes: readonly RouteDoc[], fixtures: SecurityFixtures): GeneratedProbes {
  const probes: Probe[] = [];
  const problems: string[] = [];
  const keys = new Set(routes.map((route) => routeKey(route)));
  for (const key of [...Object.keys(fixtures.sharedReads), ...Object.keys(fixtures.bodies)]) {
    if (!keys.has(key)) problems.push(`${key}: named in tests/security/fixtures.ts but not in the route table`);
  }

  for (const route of routes) {
    const key = routeKey(route);
    if (!hasAuthMetadata(route)) {
      problems.push(`${key}: no auth metadata — declare auth: {public: true} or {roles: [...] | 'any-signed-in'}`);
      continue;
    }
    const params = pathParams(route.path);
    const unclassified = params.filter((name) => !fixtures.params[name]);
    if (unclassified.length) {
      problems.push(`${key}: path parameter ${unclassified.map((n) => `:${n}`).join(', ')} is not classified in tests/security/fixtures.ts (whose resource does it name?)`);
      continue;
    }
    const isPublicRoute = 'public' in route.auth;
    const partner = isPartnerRoute(route);
    const add = (kind: ProbeKind, what: string, probe: Omit<Probe, 'name' | 'route' | 'kind' | 'method'> & { method?: string }) =>
      probes.push({ name: `${key} · ${what}`, route: key, kind, method: probe.method ?? route.method, ...probe });
    const path = concretePath(route, fixtures);

    // 1. Credentials: every protected route refuses each bad token with 401 and its code; a partner
    // route each bad API key (bearer tokens mean nothing there).
    if (partner) {
      for (const [apiKey, code] of Object.entries(BAD_API_KEYS) as [keyof typeof BAD_API_KEYS, string][]) {
        add('auth', `${apiKey} API key`, { path, token: 'none', ...(apiKey === 'none' ? {} : { apiKey }), expect: { status: [401], codes: [code] } });
      }
    } else if (!isPublicRoute) {
      for (const [token, code] of Object.entries(BAD_TOKENS) as [BadToken, string][]) {
        add('auth', `${token} token`, { path, token, expect: { status: [401], codes: [code] } });
      }
    }

    // 2. Another resident's or leader's token on a path id owned by A: 403/404, no data.
    const owners = [...new Set(params.map((name) => fixtures.params[name]!.ownedBy).filter((owner): owner is 'residentA' | 'leaderA' => owner !== null))];
    if (partner && owners.length > 0) {
      // provider B's key on provider A's resource (the booking of resident A at provider A)
      const body = key in fixtures.bodies ? JSON.stringify(fixtures.bodies[key]) : route.body && !READ_ONLY.has(route.method) ? '{}' : undefined;
      add('cross-actor', `provider B's key on ${owners.join(' and ')}'s resource`, { path, token: 'none', apiKey: 'partnerB', body, expect: { status: [403, 404] }, owner: owners[0] });
    } else if (!isPublicRoute && owners.length > 0 && !(key in fixtures.sharedReads)) {
      const others = (['residentB', 'leaderB'] as const).filter((actor) => accepts(route, fixtures.roles[actor]));
      const body = key in fixtures.bodies ? JSON.stringify(fixtures.bodies[key]) : route.body && !READ_ONLY.has(route.method) ? '{}' : undefined;
      for (const actor of others.length ? others : (['residentB'] as const)) {
        add('cross-actor', `${actor} on ${owners.join(' and ')}'s resource`, { path, token: actor, body, expect: { status: [403, 404] }, owner: owners[0] });
      }
    }

    // 3. Input: a token that passes the role check, so the refusal is validation's.
    const caller: TokenKind = isPublicRoute || partner ? 'none' : (['residentA', 'leaderA', 'ops'] as const).find((actor) => accepts(route, fixtures.roles[actor]))!;
    const callerKey = partner ? ({ apiKey: 'partnerA' } as const) : {};
    const invalid = (fields: string[]) => ({ status: [400], codes: ['COMMON.VALIDATION_FAILED'], fields });
    const join = (p: string) => `${path}${p}`;

    add('unknown-field', 'unknown query parameter', { path: join(`?${UNKNOWN}=1`), token: caller, ...callerKey, expect: invalid([`query.${UNKNOWN}`]) });
    add('unsafe-text', 'NUL in a query parameter', { path: join(`?${UNKNOWN}=a%00b`), token: caller, ...callerKey, expect: invalid([`query.${UNKNOWN}`]) });
    const queryNames = route.query instanceof z.ZodObject ? Object.keys(route.query.shape) : [];
    if (queryNames.length) {
      add('unsafe-text', 'NUL in every declared query parameter', {
        path: join(`?${queryNames.map((name) => `${name}=a%00b`).join('&')}`),
        token: caller, ...callerKey,
        expect: invalid(queryNames.map((name) => `query.${name}`)),
      });
    }
    for (const name of params) {
      add('unsafe-text', `NUL in :${name}`, { path: concretePath(route, fixtures, { [name]: 'a%00b' }), token: caller, ...callerKey, expect: invalid([`params.${name}`]) });
    }

    if (READ_ONLY.has(route.method)) continue;
    const properties = route.body ? bodyProperties(route.body) : new Map<string, Set<string>>();
    const strings = [...properties].filter(([, types]) => types.has('string')).map(([name]) => name);

    add('unknown-field', 'unknown body field', { path, token: caller, ...callerKey, body: JSON.stringify({ [UNKNOWN]: 1 }), expect: invalid([`body.${UNKNOWN}`]) });
    add('wrong-type', 'body of the wrong type', { path, token: caller, ...callerKey, body: '[1,2,3]', expect: { status: [400], codes: ['COMMON.VALIDATION_FAILED'] } });
    const wrong = Object.fromEntries([...properties].map(([name, types]) => [name, wrongValue(types)]).filter(([, value]) => value !== undefined));
    if (Object.keys(wrong).length) {
      add('wrong-type', 'every field of the wrong type', { path, token: caller, ...callerKey, body: JSON.stringify(wrong), expect: invalid(Object.keys(wrong).map((name) => `body.${name}`)) });
    }
    if (strings.length) {
      add('over-long', 'over-long strings', {
        path,
        token: caller, ...callerKey,
        body: JSON.stringify(Object.fromEntries(strings.map((name) => [name, 'x'.repeat(LONG_TEXT)]))),
        expect: invalid(strings.map((name) => `body.${name}`)),
      });
    }
    const nested = { [UNKNOWN]: { deep: ['a\u0000b'] } };
    add('unsafe-text', 'NUL in text fields', {
      path,
      token: caller, ...callerKey,
      body: JSON.stringify({ ...Object.fromEntries(strings.map((name) => [name, 'a\u0000b'])), ...nested }),
      expect: invalid([...strings.map((name) => `body.${name}`), `body.${UNKNOWN}.deep.0`]),
    });
    // A lone surrogate cannot be written as UTF-8: it arrives as a JSON escape.
    const surrogates = `{${[...strings, UNKNOWN].map((name) => `${JSON.stringify(name)}:"a\\ud800b"`).join(',')}}`;
    add('unsafe-text', 'lone surrogate in text fields', { path, token: caller, ...callerKey, body: surrogates, expect: invalid([...strings, UNKNOWN].map((name) => `body.${name}`)) });
    add('too-large', '1 MB body', { path, token: caller, ...callerKey, body: JSON.stringify({ [UNKNOWN]: 'x'.repeat(ONE_MEGABYTE) }), expect: { status: [413], codes: ['COMMON.PAYLOAD_TOO_LARGE'] } });
  }
  return { probes, problems };
}
