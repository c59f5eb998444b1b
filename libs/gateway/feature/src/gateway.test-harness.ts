/**
 * Test support for the gateway's integration tests (not part of the build): an in-process gateway
 * on port 0 with its own subject prefix, and tiny NATS responders that stand in for services on that
 * prefix — each validates the request against its contract, so a route that builds a wrong payload fails.
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { z } from 'zod';
import { LinliError, type Role, type RpcContract, identity, localServices } from '@linli/contracts';
import { Subjects, baseConfigFragment, issueAccessToken, loadConfig, tokenConfigFragment } from '@linli/nest-kit';
import { connectTestNats, deleteTestStreams, natsTestUrl, testSubjectPrefix } from '@linli/testing';
import { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
import { gatewayConfigFragment, type GatewayConfig } from './gateway.config.js';
import { isPartner, isPublic, routeKey, type GatewayRoute } from './route.js';

export const TEST_SECRET = 'gateway-test-secret-'.padEnd(48, 'x');
export const ALLOWED_ORIGIN = 'https://app.linli.test';

export function testConfig(prefix: string, overrides: Record<string, string> = {}): GatewayConfig {
  const schema = z.object({ ...baseConfigFragment, ...tokenConfigFragment, ...gatewayConfigFragment });
  return loadConfig(schema, {
    NATS_URL: natsTestUrl(),
    NATS_SUBJECT_PREFIX: prefix,
    AUTH_TOKEN_SECRET: TEST_SECRET,
    HTTP_PORT: '0',
    DEV_ROUTES: 'true',
    CORS_ORIGINS: ALLOWED_ORIGIN,
    LOG_LEVEL: 'error',
    RPC_TIMEOUT_MS: '2000',
    ...overrides,
  });
}

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  prefix: string;
}

export async function startGateway(overrides: Record<string, string> = {}, options: GatewayOptions = {}): Promise<RunningGateway> {
  const prefix = overrides['NATS_SUBJECT_PREFIX'] ?? testSubjectPrefix();
  const gateway = await createGateway(testConfig(prefix, overrides), { logger: false, healthTimeoutMs: 500, ...options });
  const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
  return { gateway, url, prefix };
}

export function tokenFor(roles: Role[], userId: string = randomUUID(), ttlSeconds = 600, now?: Date): string {
  return issueAccessToken({ userId, roles, sessionId: randomUUID(), ttlSeconds, now }, TEST_SECRET).token;
}

export function actorOf(token: string): { userId: string; roles: Role[] } {
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; roles: Role[] };
  return { userId: claims.sub, roles: claims.roles };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
}

export async function http(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (docs page)
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export interface RecordedCall {
  subject: string;
  payload: any;
  traceparent?: string;
}

type Handler = (request: any) => unknown;

const encoder = new TextEncoder();
const now = () => new Date().toISOString();

function tokenPair(userId = randomUUID()) {
  return {
    userId,
    roles: ['resident'],
    accessToken: 'access-token',
    refreshToken: 'refresh-token-0123456789',
    accessTokenExpiresAt: now(),
    refreshTokenExpiresAt: now(),
    isNewUser: false,
  };
}

function profile(userId: string) {
  return { userId, roles: ['resident'], declared: {}, identities: [], consents: [], createdAt: now() };
}

function mergeRequest(mergeRequestId: string, status: 'approved' | 'rejected', decidedBy: string, decisionReason: string) {
  const at = now();
  return { mergeRequestId, status, requestedBy: randomUUID(), sourceUserId: randomUUID(), channel: 'member-card', maskedValue: '****2024', reasons: [], decidedBy, decisionReason, createdAt: at, decidedAt: at };
}

/** A valid reply for each identity subject, built from the request. */
export const sampleReplies: [RpcContract, Handler][] = [
  [identity.requestOtp, () => ({ expiresAt: now(), resendAfterSeconds: 60 })],
  [identity.verifyOtp, () => tokenPair()],
  [identity.wechatSignIn, () => tokenPair()],
  [identity.refreshToken, () => tokenPair()],
  [identity.signOut, () => ({ revoked: true })],
  [identity.linkIdentity, (req) => ({ userId: req.actor.userId, linked: ['member-card'], mergedFromUserId: null })],
  [identity.requestMemberCardCode, () => ({ delivery: 'sms', maskedPhone: '+86138****8000', expiresAt: now(), resendAfterSeconds: 60 })],
  [identity.issueMemberCardCode, (req) => ({ cardNumber: req.cardNumber.toUpperCase(), oneTimeCode: '123456', expiresAt: now() })],
  [identity.listMergeRequests, () => ({ mergeRequests: [] })],
  [identity.decideMergeRequest, (req) => mergeRequest(req.mergeRequestId, req.decision === 'approve' ? 'approved' : 'rejected', req.actor.userId, req.reason)],
  [identity.mergeUsers, (req) => ({ mergeId: randomUUID(), targetUserId: req.targetUserId, sourceUserId: req.sourceUserId, alreadyMerged: false })],
  [identity.getProfile, (req) => profile(req.userId)],
  [identity.updateProfile, (req) => ({ ...profile(req.userId), ...req.patch })],
  [identity.setConsent, (req) => ({ consents: [{ purpose: req.purpose, granted: req.granted, changedAt: now() }] })],
  [identity.exportUserData, (req) => ({ exportedAt: now(), userId: req.userId, data: {} })],
  [identity.eraseUser, (req) => ({ userId: req.userId, erasedAt: now() })],
  [identity.grantRole, (req) => ({ userId: req.userId, roles: ['resident', req.role] })],
  [identity.devSmsOutbox, (req) => ({ messages: [{ phone: req.phone, code: '123456', sentAt: now() }] })],
];

/** Fake partner API keys the fake local-services verification knows: every scope, or none. */
export const PARTNER_KEY_ALL = 'lsk_test-key-with-every-scope';
export const PARTNER_KEY_NONE = 'lsk_test-key-with-no-scope';
export const PARTNER = { providerId: '5b0e2c1a-7d3f-4e8a-9b6c-1d2e3f4a5b6c', keyId: '6c1f3d2b-8e4a-4f9b-8c7d-2e3f4a5b6c7d' };

/** The fake answer of `rpc.local-services.api-key.verify.v1`. */
export function fakeVerifyApiKey(req: { key: string }) {
  if (req.key === PARTNER_KEY_ALL) return { ...PARTNER, scopes: [...localServices.API_KEY_SCOPES] };
  if (req.key === PARTNER_KEY_NONE) return { ...PARTNER, scopes: [] };
  throw new LinliError('LOCAL_SERVICES.API_KEY_INVALID', 'the API key is not valid');
}

/** Stand-ins for services on one subject prefix: answer like the real RPC server (`{ok, data}` / `{ok: false, error}`). */
export class FakeServices {
  readonly calls: RecordedCall[] = [];
  /** Requests that did not match their contract: a route built a wrong payload. */
  readonly rejected: { subject: string; issues: unknown }[] = [];
  private readonly overrides = new Map<string, Handler>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly subjects: Subjects;

  constructor(
    private readonly nc: NatsConnection,
    prefix: string,
  ) {
    this.subjects = new Subjects(prefix);
  }

  async respond(contract: RpcContract, handler: Handler): Promise<void> {
    this.stop(contract);
    const subscription = this.nc.subscribe(this.subjects.of(contract.subject), {
      callback: async (error, msg) => {
        if (error) return;
        const traceparent = msg.headers?.get('traceparent') || undefined;
        let reply: unknown;
        try {
          const raw = JSON.parse(new TextDecoder().decode(msg.data)) as unknown;
          this.calls.push({ subject: contract.subject, payload: raw, traceparent });
          const parsed = contract.request.safeParse(raw);
          if (!parsed.success) {
            this.rejected.push({ subject: contract.subject, issues: parsed.error.issues });
            throw new LinliError('COMMON.VALIDATION_FAILED', 'request does not match the contract');
          }
          const chosen = this.overrides.get(contract.subject) ?? handler;
          reply = { ok: true, data: await chosen(parsed.data) };
        } catch (thrown) {
          const linli = thrown instanceof LinliError ? thrown : new LinliError('COMMON.INTERNAL', 'fake service failed');
          reply = { ok: false, error: linli.toEnvelope(traceparent?.split('-')[1] ?? 'no-trace') };
        }
        msg.respond(encoder.encode(JSON.stringify(reply)));
      },
    });
    this.subscriptions.set(contract.subject, subscription);
    await this.nc.flush();
  }

  /** Answers every sample subject. */
  async respondToAll(): Promise<void> {
    for (const [contract, handler] of sampleReplies) await this.respond(contract, handler);
  }

  /** Replaces the handler of one subject until {@link reset}. */
  override(contract: RpcContract, handler: Handler): void {
    this.overrides.set(contract.subject, handler);
  }

  reset(): void {
    this.overrides.clear();
    this.calls.length = 0;
    this.rejected.length = 0;
  }

  stop(contract: RpcContract): void {
    this.subscriptions.get(contract.subject)?.unsubscribe();
    this.subscriptions.delete(contract.subject);
  }

  lastCall(subject: string): RecordedCall | undefined {
    return this.calls.filter((call) => call.subject === subject).at(-1);
  }
}

/** A valid and an invalid request for one route; `bad.field` is the path the 400 must name. */
export interface RouteCase {
  path?: string;
  query?: string;
  body?: unknown;
  bad: { path?: string; query?: string; body?: unknown; field: string };
}

export interface RouteContractSuite {
  readonly running: RunningGateway;
  readonly fakes: FakeServices;
}

/**
 * What every route of a route file must do, checked route by route against a gateway in process and
 * fake services on its subject prefix: 401 without a token (unless public), 403 without the role,
 * 400 naming the bad field, and a call its contract accepts with the caller as actor (none for public
 * routes). Registers the file's `beforeAll`/`afterEach`/`afterAll`; the returned suite gives the
 * running gateway and the fakes to the file's own route-specific tests.
 *
 * `replies`: the fake reply of each subject (default: {@link sampleReplies}). `replyMayCarryCode`: a
 * successful reply of these routes may have a `code` field of its own (a pickup code), so only error
 * bodies are checked for one.
 */
export function routeContractSuite(options: {
  name: string;
  routes: readonly GatewayRoute[];
  cases: Record<string, RouteCase>;
  replies?: [RpcContract, Handler][];
  replyMayCarryCode?: boolean;
}): RouteContractSuite {
  const { name, routes, cases, replies } = options;
  let running: RunningGateway;
  let nc: NatsConnection;
  let fakes: FakeServices;

  beforeAll(async () => {
    running = await startGateway();
    nc = await connectTestNats(`${name}-routes-test`);
    fakes = new FakeServices(nc, running.prefix);
    if (replies) for (const [contract, handler] of replies) await fakes.respond(contract, handler);
    else await fakes.respondToAll();
  });

  afterEach(() => {
    expect(fakes.rejected).toEqual([]);
    fakes.reset();
  });

  afterAll(async () => {
    await running?.gateway.close();
    if (nc) {
      await deleteTestStreams(nc, running.prefix);
      await nc.close();
    }
  });

  it(`has a case${replies ? ' and a fake reply' : ''} for every ${name} route`, () => {
    expect(Object.keys(cases).sort()).toEqual(routes.map(routeKey).sort());
    if (!replies) return;
    const answered = new Set(replies.map(([contract]) => contract.subject));
    for (const route of routes) expect([routeKey(route), answered.has(route.rpc.subject)]).toEqual([routeKey(route), true]);
  });

  const partnerRoutes = routes.filter((route) => isPartner(route.auth));
  const tokenRoutes = routes.filter((route) => !isPartner(route.auth));
  if (partnerRoutes.length > 0) describe.each(partnerRoutes.map((route) => [routeKey(route), route] as const))('%s (partner API)', (key, route) => {
    const c = cases[key]!;
    const scopes = isPartner(route.auth) ? route.auth.partner.scopes : [];
    const routeCalls = () => fakes.calls.filter((call) => call.subject !== localServices.verifyApiKey.subject);
    const headers = (apiKey?: string) => (apiKey ? { 'x-api-key': apiKey } : {});

    it('answers 401 LOCAL_SERVICES.API_KEY_MISSING without a key, and 401 LOCAL_SERVICES.API_KEY_INVALID with a wrong one', async () => {
      const missing = await http(running.url, route.method, `${c.path ?? route.path}${c.query ?? ''}`, { body: c.body, token: tokenFor(['ops']) });
      expect([missing.status, missing.body.code]).toEqual([401, 'LOCAL_SERVICES.API_KEY_MISSING']);
      const wrong = await http(running.url, route.method, `${c.path ?? route.path}${c.query ?? ''}`, { body: c.body, headers: headers('lsk_wrong') });
      expect([wrong.status, wrong.body.code]).toEqual([401, 'LOCAL_SERVICES.API_KEY_INVALID']);
      expect(routeCalls()).toHaveLength(0);
    });

    if (scopes.length > 0) {
      it('answers 403 LOCAL_SERVICES.API_KEY_SCOPE to a key without the scope', async () => {
        const res = await http(running.url, route.method, `${c.path ?? route.path}${c.query ?? ''}`, { body: c.body, headers: headers(PARTNER_KEY_NONE) });
        expect([res.status, res.body.code]).toEqual([403, 'LOCAL_SERVICES.API_KEY_SCOPE']);
        expect(routeCalls()).toHaveLength(0);
      });
    }

    it('answers 400 COMMON.VALIDATION_FAILED naming the bad field', async () => {
      const res = await http(running.url, route.method, `${c.bad.path ?? c.path ?? route.path}${c.bad.query ?? ''}`, { body: c.bad.body, headers: headers(PARTNER_KEY_ALL) });
      expect(res.status).toBe(400);
      expect((res.body.details.fields as { path: string }[]).map((f) => f.path)).toContain(c.bad.field);
      expect(routeCalls()).toHaveLength(0);
    });

    it('calls the service with a payload its contract accepts and the key’s provider as partner', async () => {
      const res = await http(running.url, route.method, `${c.path ?? route.path}${c.query ?? ''}`, { body: c.body, headers: headers(PARTNER_KEY_ALL) });
      expect([res.status, res.body?.code]).toEqual([route.status ?? 200, undefined]);
      const call = fakes.lastCall(route.rpc.subject);
      expect(call?.payload.partner).toEqual(PARTNER);
      expect(call!.payload).not.toHaveProperty('actor');
    });
  });

  if (tokenRoutes.length > 0) describe.each(tokenRoutes.map((route) => [routeKey(route), route] as const))('%s', (key, route) => {
    const c = cases[key]!;
    if (isPartner(route.auth)) return;
    const publicRoute = isPublic(route.auth);
    const allowedRoles = publicRoute || route.auth.roles === 'any-signed-in' ? (['resident'] as const) : route.auth.roles;
    const token = () => (publicRoute ? undefined : tokenFor([...allowedRoles]));
    const url = (path = route.path, query = '') => `${path}${query}`;

    if (!publicRoute) {
      it('answers 401 AUTH.UNAUTHENTICATED without a token', async () => {
        const res = await http(running.url, route.method, url(c.path, c.query), { body: c.body });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('AUTH.UNAUTHENTICATED');
        expect(fakes.calls).toHaveLength(0);
      });
    }

    if (!publicRoute && route.auth.roles !== 'any-signed-in') {
      const roles = route.auth.roles;
      it('answers 403 AUTH.FORBIDDEN to a caller without the role', async () => {
        const others = (['resident', 'leader', 'partner', 'ops'] as const).filter((role) => !roles.includes(role));
        const res = await http(running.url, route.method, url(c.path, c.query), { body: c.body, token: tokenFor([...others]) });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('AUTH.FORBIDDEN');
        expect(fakes.calls).toHaveLength(0);
      });
    }

    it('answers 400 COMMON.VALIDATION_FAILED naming the bad field', async () => {
      const res = await http(running.url, route.method, url(c.bad.path ?? c.path, c.bad.query), { body: c.bad.body, token: token() });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('COMMON.VALIDATION_FAILED');
      expect((res.body.details.fields as { path: string }[]).map((f) => f.path)).toContain(c.bad.field);
      expect(fakes.calls).toHaveLength(0);
    });

    it('calls the service with a payload its contract accepts, the caller as actor, and answers its reply', async () => {
      const bearer = token();
      const res = await http(running.url, route.method, url(c.path, c.query), { body: c.body, token: bearer });
      if (options.replyMayCarryCode) expect([res.status, res.status >= 400 ? res.body : undefined]).toEqual([route.status ?? 200, undefined]);
      else expect([res.status, res.body?.code]).toEqual([route.status ?? 200, undefined]);
      const call = fakes.lastCall(route.rpc.subject);
      expect(call).toBeDefined();
      if (bearer) expect(call!.payload.actor).toEqual(actorOf(bearer));
      else expect(call!.payload).not.toHaveProperty('actor');
    });
  });

  return {
    get running() {
      return running;
    },
    get fakes() {
      return fakes;
    },
  };
}
