import { z } from 'zod';
import { ROLES, localServices, type Actor, type Role, type RpcContract } from '@linli/contracts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Who may call a route: anyone, any signed-in user, or a user holding at least one of the roles. */
export type PublicAuth = { readonly public: true };
export type RoleAuth = { readonly roles: readonly Role[] | 'any-signed-in' };
/** A provider's system calling with an API key (`X-Api-Key`) holding every scope listed (none: any valid key); only under `/v1/partner/`. */
export type PartnerAuth = { readonly partner: { readonly scopes: readonly localServices.ApiKeyScope[] } };
export type RouteAuth = PublicAuth | RoleAuth | PartnerAuth;

/** Request parts of a route without a schema of their own: nothing may be sent there. */
export const NoParams = z.object({}).strict();
export const NoQuery = z.object({}).strict();
export const NoBody = z.object({}).strict().optional();

type ObjectSchema = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

/** Another status a route may answer with besides its success status (e.g. 503 from health). */
export interface ExtraResponse {
  readonly status: number;
  readonly description: string;
  readonly schema: z.ZodType;
}

/** What the OpenAPI document needs to know about a route. */
export interface RouteDoc {
  readonly method: HttpMethod;
  /** Fastify path syntax (`/v1/users/:userId/profile`), `/v1` itself or under it. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  readonly params?: ObjectSchema;
  readonly query?: ObjectSchema;
  /** Request body; a route without one accepts no body (or `{}`). */
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  /** Success status, 200 unless set. */
  readonly status?: number;
  readonly extraResponses?: readonly ExtraResponse[];
  /** Registered only when `DEV_ROUTES=true`; must live under `/v1/dev/`. */
  readonly devOnly?: boolean;
  /** Defaults to one derived from method and path (`POST /v1/auth/otp/verify` → `postAuthOtpVerify`). */
  readonly operationId?: string;
}

/** What a route's `toRpc` receives: the validated request parts and the authenticated caller. */
export interface RouteInput<Params = unknown, Query = unknown, Body = unknown, A = Actor | undefined, P = localServices.Partner | undefined> {
  params: Params;
  query: Query;
  body: Body;
  actor: A;
  /** The client as the gateway sees it (its address), for budgets kept by services. */
  client: { ip: string };
  /** The verified API key's provider on partner routes (`undefined` elsewhere). */
  partner: P;
}

/** A route answered by one RPC: the gateway validates, authorises, calls, and returns the reply. */
export interface GatewayRoute extends RouteDoc {
  readonly rpc: RpcContract;
  toRpc(input: RouteInput): unknown;
  /** When it returns a file for this request (e.g. `format=csv`), that is sent instead of the JSON reply. */
  file?(input: RouteInput, reply: unknown): RouteFile | undefined;
}

/** A download a route answers with instead of JSON. */
export interface RouteFile {
  content: string;
  contentType: string;
  filename: string;
}

type ActorOf<A extends RouteAuth> = A extends PublicAuth | PartnerAuth ? undefined : Actor;
type PartnerOf<A extends RouteAuth> = A extends PartnerAuth ? localServices.Partner : undefined;

export interface RouteSpec<
  A extends RouteAuth,
  C extends RpcContract,
  P extends ObjectSchema,
  Q extends ObjectSchema,
  B extends z.ZodType,
> extends Omit<RouteDoc, 'auth' | 'params' | 'query' | 'body'> {
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  rpc: C;
  toRpc(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>, ActorOf<A>, PartnerOf<A>>): z.input<C['request']>;
  file?(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>, ActorOf<A>, PartnerOf<A>>, reply: z.output<C['response']>): RouteFile | undefined;
}

const PATH_PARAM = /:([A-Za-z][A-Za-z0-9]*)/g;

/** The names of a Fastify path's parameters (`/v1/users/:userId` → `['userId']`). */
export function pathParams(path: string): string[] {
  return [...path.matchAll(PATH_PARAM)].map((match) => match[1]!);
}

/** `/v1/users/:userId/profile` → `/v1/users/{userId}/profile`. */
export function openApiPath(path: string): string {
  return path.replace(PATH_PARAM, '{$1}');
}

export function defaultOperationId(method: HttpMethod, path: string): string {
  const words = path
    .replace(/^\/v1\//, '')
    .split(/[/-]/)
    .filter(Boolean)
    .map((word) => (word.startsWith(':') ? `by-${word.slice(1)}` : word))
    .flatMap((word) => word.split('-'));
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}

export function isPublic(auth: RouteAuth): auth is PublicAuth {
  return 'public' in auth && auth.public === true;
}

export function isPartner(auth: RouteAuth): auth is PartnerAuth {
  return 'partner' in auth && typeof auth.partner === 'object' && auth.partner !== null;
}

/** Human wording of a route's access rule, used in logs and the OpenAPI description. */
export function describeAuth(auth: RouteAuth): string {
  if (isPublic(auth)) return 'Public: no token needed.';
  if (isPartner(auth)) {
    return auth.partner.scopes.length ? `Partner API: an API key (X-Api-Key header) with the scopes: ${auth.partner.scopes.join(', ')}.` : 'Partner API: any valid API key (X-Api-Key header).';
  }
  if (auth.roles === 'any-signed-in') return 'Any signed-in user (bearer access token).';
  return `Requires one of the roles: ${auth.roles.join(', ')} (bearer access token).`;
}

/** Throws when a route is ill-formed; run for every route when the table is built, so a bad route fails at start. */
export function assertValidRoute(route: RouteDoc): void {
  const where = `${route.method} ${route.path}`;
  if (!HTTP_METHODS.includes(route.method)) throw new Error(`${where}: unknown method`);
  if (!/^\/v1(\/[a-z0-9:/-]*[a-z0-9])?$/i.test(route.path)) throw new Error(`${where}: path must be /v1 or under /v1/`);
  const auth = route.auth as Partial<{ public: unknown; roles: unknown; partner: { scopes?: unknown } }>;
  const publicRoute = auth.public === true;
  const roles = auth.roles;
  const rolesOk = roles === 'any-signed-in' || (Array.isArray(roles) && roles.length > 0 && roles.every((r) => (ROLES as readonly string[]).includes(r)));
  const scopes = auth.partner?.scopes;
  const partnerOk = Array.isArray(scopes) && scopes.every((s) => (localServices.API_KEY_SCOPES as readonly string[]).includes(s));
  if ([publicRoute, rolesOk, partnerOk].filter(Boolean).length !== 1) {
    throw new Error(`${where}: auth must be exactly one of {public: true}, {roles: [...] | 'any-signed-in'} or {partner: {scopes: [...]}}`);
  }
  if (partnerOk !== route.path.startsWith('/v1/partner/')) throw new Error(`${where}: partner (API key) routes live under /v1/partner/, and only they do`);
  if ((route.devOnly === true) !== route.path.startsWith('/v1/dev/')) {
    throw new Error(`${where}: development-only routes live under /v1/dev/, and only they do`);
  }
  const declared = route.params instanceof z.ZodObject ? Object.keys(route.params.shape).sort() : [];
  const inPath = pathParams(route.path).sort();
  if (declared.join(',') !== inPath.join(',')) {
    throw new Error(`${where}: params schema declares [${declared.join(', ')}] but the path has [${inPath.join(', ')}]`);
  }
  if (route.query !== undefined && !(route.query instanceof z.ZodObject)) throw new Error(`${where}: query must be a zod object`);
  if ((route.method === 'GET' || route.method === 'DELETE') && route.body !== undefined) throw new Error(`${where}: ${route.method} takes no body`);
}

/**
 * Declares an HTTP route answered by one RPC. `toRpc` is type-checked against the contract's request;
 * `actor` is `undefined` on public routes and the verified caller everywhere else.
 */
export function defineRoute<
  A extends RouteAuth,
  C extends RpcContract,
  P extends ObjectSchema = typeof NoParams,
  Q extends ObjectSchema = typeof NoQuery,
  B extends z.ZodType = typeof NoBody,
>(spec: RouteSpec<A, C, P, Q, B>): GatewayRoute {
  const route = spec as unknown as GatewayRoute;
  assertValidRoute(route);
  return route;
}

/** The method-and-path key of a route (`GET /v1/me/profile`). */
export function routeKey(route: Pick<RouteDoc, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
