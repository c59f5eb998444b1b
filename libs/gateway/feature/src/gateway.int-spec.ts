import type { NatsConnection } from '@nats-io/transport-node';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { LinliError, SERVICE_NAMES, health, identity } from '@linli/contracts';
import { connectTestNats, deleteTestStreams } from '@linli/testing';
import { buildOpenApi, documentedRoutes } from './openapi.js';
import { ALLOWED_ORIGIN, FakeServices, http, startGateway, tokenFor, type RunningGateway } from './gateway.test-harness.js';

const phone = '+8613800138000';
const exporter = new InMemorySpanExporter();
let main: RunningGateway;
let nc: NatsConnection;
let fakes: FakeServices;
const others: RunningGateway[] = [];

beforeAll(async () => {
  main = await startGateway({}, { exporter });
  nc = await connectTestNats('gateway-test');
  fakes = new FakeServices(nc, main.prefix);
  await fakes.respondToAll();
});

afterEach(() => fakes.reset());

afterAll(async () => {
  for (const running of [main, ...others]) await running?.gateway.close();
  if (nc) {
    for (const running of [main, ...others]) if (running) await deleteTestStreams(nc, running.prefix);
    await nc.close();
  }
});

function expectEnvelope(body: any, code: string): void {
  expect(body).toMatchObject({ code, message: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/), requestId: expect.any(String) });
}

describe('request bodies', () => {
  it('answers malformed JSON with 400 COMMON.MALFORMED_JSON', async () => {
    const res = await http(main.url, 'POST', '/v1/auth/otp', { rawBody: '{"phone": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'COMMON.MALFORMED_JSON');
  });

  it('answers a body over BODY_LIMIT_BYTES with 413 COMMON.PAYLOAD_TOO_LARGE', async () => {
    const res = await http(main.url, 'POST', '/v1/auth/otp', { body: { phone, padding: 'x'.repeat(300 * 1024) } });
    expect(res.status).toBe(413);
    expectEnvelope(res.body, 'COMMON.PAYLOAD_TOO_LARGE');
    expect(fakes.calls).toHaveLength(0);
  });

  it('rejects unknown fields and reports every bad field with its path', async () => {
    const res = await http(main.url, 'POST', '/v1/auth/otp/verify', { body: { phone: '12', code: 'abc', admin: true } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'COMMON.VALIDATION_FAILED');
    const paths = (res.body.details.fields as { path: string }[]).map((f) => f.path).sort();
    expect(paths).toEqual(['body.admin', 'body.code', 'body.phone']);
  });

  it('takes JSON only', async () => {
    const res = await http(main.url, 'POST', '/v1/auth/otp', { rawBody: `phone=${phone}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'COMMON.VALIDATION_FAILED');
    expect(res.body.details.fields[0].path).toBe('headers.content-type');
  });

  it('treats an empty JSON body as no body', async () => {
    const res = await http(main.url, 'POST', '/v1/me/erasure', { token: tokenFor(['resident']), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  });
});

describe('hostile text and framework refusals', () => {
  it('refuses a NUL character or a lone surrogate anywhere in the request with 400 before any service is called', async () => {
    const token = tokenFor(['resident']);
    const nul = await http(main.url, 'PATCH', '/v1/me/profile', { token, body: { nickname: 'Wang\u0000' } });
    expect(nul.status).toBe(400);
    expectEnvelope(nul.body, 'COMMON.VALIDATION_FAILED');
    expect(nul.body.details.fields).toEqual([{ path: 'body.nickname', message: expect.stringContaining('NUL') }]);
    const surrogate = await http(main.url, 'PATCH', '/v1/me/profile', { token, rawBody: '{"building":"3\\ud800"}', headers: { 'content-type': 'application/json' } });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.details.fields).toEqual([{ path: 'body.building', message: expect.any(String) }]);
    const query = await http(main.url, 'GET', '/v1/compounds?city=Hang%00zhou', { token });
    expect(query.status).toBe(400);
    expect(query.body.details.fields).toEqual([{ path: 'query.city', message: expect.any(String) }]);
    const param = await http(main.url, 'GET', '/v1/compounds/a%00b/insights', { token: tokenFor(['ops']) });
    expect(param.status).toBe(400);
    expectEnvelope(param.body, 'COMMON.VALIDATION_FAILED');
    const key = await http(main.url, 'POST', '/v1/behaviour', { token, body: { ['events\u0000']: [] } });
    expect(key.status).toBe(400);
    expect(fakes.calls).toHaveLength(0);
  });

  it('answers a URL it cannot decode with 400 in the envelope', async () => {
    for (const path of ['/v1/users/%ED%A0%80/profile', '/v1/users/%E0%A4%A/profile']) {
      const res = await http(main.url, 'GET', path, { token: tokenFor(['ops']) });
      expect(res.status).toBe(400);
      expectEnvelope(res.body, 'COMMON.VALIDATION_FAILED');
    }
  });

  it('answers an over-long URL or header block with 431 COMMON.HEADERS_TOO_LARGE in the envelope', async () => {
    for (const res of [
      await http(main.url, 'GET', `/v1/products?tag=${'a'.repeat(20_000)}`),
      await http(main.url, 'GET', '/v1/me/profile', { headers: { 'x-padding': 'a'.repeat(20_000) } }),
    ]) {
      expect(res.status).toBe(431);
      expect(res.body).toMatchObject({ code: 'COMMON.HEADERS_TOO_LARGE', message: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/), requestId: expect.any(String) });
    }
  });
});

describe('authentication', () => {
  it('answers a missing token with 401 AUTH.UNAUTHENTICATED', async () => {
    const res = await http(main.url, 'GET', '/v1/me/profile');
    expect(res.status).toBe(401);
    expectEnvelope(res.body, 'AUTH.UNAUTHENTICATED');
    const basic = await http(main.url, 'GET', '/v1/me/profile', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    expectEnvelope(basic.body, 'AUTH.UNAUTHENTICATED');
  });

  it('answers an expired token with 401 AUTH.TOKEN_EXPIRED', async () => {
    const expired = tokenFor(['resident'], undefined, 60, new Date(Date.now() - 3_600_000));
    const res = await http(main.url, 'GET', '/v1/me/profile', { token: expired });
    expect(res.status).toBe(401);
    expectEnvelope(res.body, 'AUTH.TOKEN_EXPIRED');
  });

  it('answers a forged token (escalated roles, other secret, garbage) with 401 AUTH.TOKEN_INVALID', async () => {
    const [v, claims, signature] = tokenFor(['resident']).split('.');
    const escalated = JSON.parse(Buffer.from(claims!, 'base64url').toString());
    escalated.roles = ['ops'];
    const forged = `${v}.${Buffer.from(JSON.stringify(escalated)).toString('base64url')}.${signature}`;
    for (const token of [forged, `${v}.${claims}.${Buffer.from('x'.repeat(32)).toString('base64url')}`, 'not-a-token']) {
      const res = await http(main.url, 'GET', '/v1/users/7d7f5f0e-8a57-4c55-9a3c-9f1c6f3f9b01/profile', { token });
      expect(res.status).toBe(401);
      expectEnvelope(res.body, 'AUTH.TOKEN_INVALID');
    }
    expect(fakes.calls).toHaveLength(0);
  });

  it('answers a missing role with 403 AUTH.FORBIDDEN before calling the service', async () => {
    const res = await http(main.url, 'POST', '/v1/ops/users/merge', { token: tokenFor(['resident', 'leader']), body: {} });
    expect(res.status).toBe(403);
    expectEnvelope(res.body, 'AUTH.FORBIDDEN');
    expect(fakes.calls).toHaveLength(0);
  });

  it('passes the verified caller to the service as the actor', async () => {
    const userId = '7d7f5f0e-8a57-4c55-9a3c-9f1c6f3f9b01';
    const res = await http(main.url, 'GET', '/v1/me/profile', { token: tokenFor(['resident', 'leader'], userId) });
    expect(res.status).toBe(200);
    expect(fakes.lastCall(identity.getProfile.subject)?.payload).toEqual({ actor: { userId, roles: ['resident', 'leader'] }, userId });
  });
});

describe('service errors', () => {
  it('maps a service error code to its status and passes the envelope through', async () => {
    fakes.override(identity.verifyOtp, () => {
      throw new LinliError('IDENTITY.OTP_INVALID', 'the code is wrong');
    });
    const res = await http(main.url, 'POST', '/v1/auth/otp/verify', { body: { phone, code: '000000' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'IDENTITY.OTP_INVALID');
    expect(res.body.message).toBe('the code is wrong');
  });

  it('sends Retry-After with a service rate limit', async () => {
    fakes.override(identity.requestOtp, () => {
      throw new LinliError('IDENTITY.OTP_RATE_LIMITED', 'too many codes', { retryAfterSeconds: 42 });
    });
    const res = await http(main.url, 'POST', '/v1/auth/otp', { body: { phone } });
    expect(res.status).toBe(429);
    expectEnvelope(res.body, 'IDENTITY.OTP_RATE_LIMITED');
    expect(res.headers.get('retry-after')).toBe('42');
    expect(res.body.details).toEqual({ retryAfterSeconds: 42 });
  });

  it('passes an ownership refusal from the service through as 403', async () => {
    fakes.override(identity.getProfile, () => {
      throw new LinliError('AUTH.FORBIDDEN', 'you may not act on this user');
    });
    const res = await http(main.url, 'GET', '/v1/me/profile', { token: tokenFor(['resident']) });
    expect(res.status).toBe(403);
    expectEnvelope(res.body, 'AUTH.FORBIDDEN');
  });

  it('answers 503 COMMON.UNAVAILABLE when no service answers the subject', async () => {
    fakes.stop(identity.wechatSignIn);
    try {
      const res = await http(main.url, 'POST', '/v1/auth/wechat', { body: { app: 'mini-program', loginCode: 'dev:alice' } });
      expect(res.status).toBe(503);
      expectEnvelope(res.body, 'COMMON.UNAVAILABLE');
    } finally {
      await fakes.respondToAll();
    }
  });

  it('hides an unexpected failure behind 500 COMMON.INTERNAL with an error id', async () => {
    fakes.override(identity.exportUserData, () => ({ not: 'the contract' }));
    const res = await http(main.url, 'GET', '/v1/me/export', { token: tokenFor(['resident']) });
    expect(res.status).toBe(500);
    expectEnvelope(res.body, 'COMMON.INTERNAL');
    expect(res.body.details.errorId).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toContain('the contract');
  });
});

describe('routing', () => {
  it('answers an unknown route with 404 COMMON.ROUTE_NOT_FOUND in the envelope', async () => {
    for (const [method, path] of [['GET', '/v1/nope'], ['DELETE', '/v1/me/profile'], ['GET', '/']]) {
      const res = await http(main.url, method!, path!);
      expect(res.status).toBe(404);
      expectEnvelope(res.body, 'COMMON.ROUTE_NOT_FOUND');
    }
  });

  it('registers development routes only with DEV_ROUTES=true', async () => {
    const enabled = await http(main.url, 'GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
    expect(enabled.status).toBe(200);
    const off = await startGateway({ DEV_ROUTES: 'false' });
    others.push(off);
    const disabled = await http(off.url, 'GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
    expect(disabled.status).toBe(404);
    expectEnvelope(disabled.body, 'COMMON.ROUTE_NOT_FOUND');
    const docs = await http(off.url, 'GET', '/docs/openapi.json');
    expect(Object.keys(docs.body.paths)).not.toContain('/v1/dev/sms-outbox');
  });
});

describe('request and trace ids', () => {
  it('echoes a well-formed x-request-id and replaces a malformed one', async () => {
    const echoed = await http(main.url, 'GET', '/v1/nope', { headers: { 'x-request-id': 'client-req-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-req-42');
    expect(echoed.body.requestId).toBe('client-req-42');
    const replaced = await http(main.url, 'GET', '/v1/me/profile', { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.body.requestId).toBe(replaced.headers.get('x-request-id'));
  });

  it('puts x-request-id and x-trace-id on every response, the trace id matching the error body', async () => {
    for (const res of [
      await http(main.url, 'POST', '/v1/auth/otp', { body: { phone } }),
      await http(main.url, 'GET', '/v1/me/profile'),
      await http(main.url, 'GET', '/v1/nope'),
      await http(main.url, 'GET', '/docs/openapi.json'),
    ]) {
      expect(res.headers.get('x-request-id')).toEqual(expect.any(String));
      expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
      if (res.status >= 400) expect(res.body.traceId).toBe(res.headers.get('x-trace-id'));
    }
  });

  it('runs each request as a SERVER span that the NATS request and the service join', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await http(main.url, 'POST', '/v1/auth/otp', { body: { phone }, headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-trace-id')).toBe(traceId);
    expect(fakes.lastCall(identity.requestOtp.subject)?.traceparent).toContain(traceId);
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const server = spans.find((span) => span.kind === SpanKind.SERVER && span.name === 'POST /v1/auth/otp');
    const client = spans.find((span) => span.kind === SpanKind.CLIENT && span.name === `nats request ${identity.requestOtp.subject}`);
    expect(server).toBeDefined();
    expect(client?.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const res = await http(main.url, 'OPTIONS', '/v1/me/profile', {
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('gives no CORS grant to other origins, and exposes the id headers to allowed ones', async () => {
    const other = await http(main.url, 'GET', '/v1/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await http(main.url, 'GET', '/v1/me/profile', { headers: { origin: ALLOWED_ORIGIN } });
    expect(allowed.status).toBe(401);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });
});

describe('rate limits', () => {
  it('limits each client address per minute with 429 COMMON.RATE_LIMITED and Retry-After', async () => {
    const limited = await startGateway({ RATE_LIMIT_PER_MINUTE_CLIENT: '5' });
    others.push(limited);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await http(limited.url, 'GET', '/v1/nope')).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404]);
    const res = await http(limited.url, 'GET', '/v1/me/profile', { token: tokenFor(['resident']) });
    expect(res.status).toBe(429);
    expectEnvelope(res.body, 'COMMON.RATE_LIMITED');
    expect(res.body.details).toMatchObject({ scope: 'client', limitPerMinute: 5 });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits each signed-in user per minute without holding back other users', async () => {
    const limited = await startGateway({ RATE_LIMIT_PER_MINUTE_USER: '3' });
    others.push(limited);
    const services = new FakeServices(nc, limited.prefix);
    await services.respond(identity.getProfile, (req: { userId: string }) => ({ userId: req.userId, roles: ['resident'], declared: {}, identities: [], consents: [], createdAt: new Date().toISOString() }));
    const busy = tokenFor(['resident']);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await http(limited.url, 'GET', '/v1/me/profile', { token: busy })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const last = await http(limited.url, 'GET', '/v1/me/profile', { token: busy });
    expectEnvelope(last.body, 'COMMON.RATE_LIMITED');
    expect(last.body.details).toMatchObject({ scope: 'user', limitPerMinute: 3 });
    expect((await http(limited.url, 'GET', '/v1/me/profile', { token: tokenFor(['resident']) })).status).toBe(200);
  });
});

describe('index', () => {
  it('answers GET /v1 with links to health, the docs and the OpenAPI document, each of which answers', async () => {
    const res = await http(main.url, 'GET', '/v1');
    expect(res.status).toBe(200);
    expect(res.body.links).toMatchObject({ health: { href: '/v1/health' }, docs: { href: '/docs' }, openapi: { href: '/docs/openapi.json' } });
    const openapi = await http(main.url, 'GET', res.body.links.openapi.href);
    expect(openapi.status).toBe(200);
    expect(openapi.body.paths['/v1']).toBeDefined();
  });
});

describe('health', () => {
  it('reports 503 degraded while a service does not answer', async () => {
    await fakes.respond(health.identity, () => ({ service: 'identity', status: 'up', version: '0.1.0', uptimeSeconds: 3, checks: { nats: 'up', database: 'up' } }));
    const res = await http(main.url, 'GET', '/v1/health');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('degraded');
    expect(res.body.services.gateway).toMatchObject({ status: 'up', checks: { nats: 'up' } });
    expect(res.body.services.identity).toMatchObject({ status: 'up', checks: { database: 'up' } });
    expect(res.body.services.orders).toMatchObject({ status: 'down', error: { code: 'COMMON.UNAVAILABLE' } });
  });

  it('reports 200 up when every service is up', async () => {
    for (const service of SERVICE_NAMES.filter((s) => s !== 'gateway')) {
      await fakes.respond(health[service], () => ({ service, status: 'up', version: '0.1.0', uptimeSeconds: 1, checks: {} }));
    }
    const res = await http(main.url, 'GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('up');
    expect(Object.keys(res.body.services).sort()).toEqual([...SERVICE_NAMES].sort());
  });
});

describe('docs', () => {
  it('serves the OpenAPI document of the registered routes and a page that renders it', async () => {
    const doc = await http(main.url, 'GET', '/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body).toEqual(buildOpenApi(documentedRoutes()));
    const page = await http(main.url, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('/docs/docs.js');
    const script = await http(main.url, 'GET', '/docs/docs.js');
    expect(script.status).toBe(200);
    expect(script.body).toContain('/docs/openapi.json');
  });
});

describe('shutdown', () => {
  it('finishes the requests in flight, then stops accepting', async () => {
    const stopping = await startGateway();
    const services = new FakeServices(nc, stopping.prefix);
    await services.respond(identity.requestOtp, async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { expiresAt: new Date().toISOString(), resendAfterSeconds: 60 };
    });
    const inFlight = http(stopping.url, 'POST', '/v1/auth/otp', { body: { phone } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stopping.gateway.close();
    expect((await inFlight).status).toBe(200);
    await expect(http(stopping.url, 'GET', '/v1/health')).rejects.toThrow();
    await deleteTestStreams(nc, stopping.prefix);
  });
});
