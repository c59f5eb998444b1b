import { connectTestNats, deleteTestStreams } from '@linli/testing';
import { apiClient } from './client.js';
import { SpanCollector, buildApps, e2eEnvironment, freePort, startService, type RunningService } from './support.js';

/**
 * Gateway, identity and orders (which answers identity's pre-merge check) as real processes: a resident signs up over HTTP by phone code, links the
 * WeChat identity they used before (merging that account), and reads the merged profile back. The
 * trace of the sign-up spans gateway → NATS → identity → PostgreSQL.
 */
let env: Awaited<ReturnType<typeof e2eEnvironment>>;
let collector: SpanCollector;
let services: RunningService[] = [];
let base = '';

const { http, lastSms } = apiClient(() => base);

beforeAll(async () => {
  buildApps();
  env = await e2eEnvironment(['identity', 'orders']);
  collector = new SpanCollector();
  await collector.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url };
  services.push(await startService('identity', env.env('identity', otel)));
  services.push(await startService('orders', env.env('orders', { PAYMENT_PROVIDER: 'dev' })));
  services.push(await startService('gateway', env.env('gateway', { ...otel, HTTP_PORT: String(port), DEV_ROUTES: 'true' })));
});

afterAll(async () => {
  for (const service of services.reverse()) await service.stop();
  await collector?.stop();
  const nc = await connectTestNats();
  await deleteTestStreams(nc, env.prefix);
  await nc.close();
  await env?.dropAll();
});

describe('sign-up, WeChat link and merged profile over HTTP', () => {
  it('runs the whole flow and traces it across processes', async () => {
    // Before: the resident once used the mini-program and declared a child there.
    const wechat = await http('POST', '/v1/auth/wechat', { body: { app: 'mini-program', loginCode: 'dev:e2e-lin' } });
    expect(wechat.status).toBe(200);
    const patched = await http('PATCH', '/v1/me/profile', { token: wechat.body.accessToken, body: { household: { children: [{ birthYear: 2023 }] } } });
    expect(patched.status).toBe(200);

    // Sign up by phone.
    const phone = '+8613712345678';
    expect((await http('POST', '/v1/auth/otp', { body: { phone } })).status).toBe(200);
    const code = await lastSms(phone);
    const signUp = await http('POST', '/v1/auth/otp/verify', { body: { phone, code } });
    expect(signUp.status).toBe(200);
    expect(signUp.body.isNewUser).toBe(true);
    const traceId = signUp.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(signUp.headers.get('x-request-id')).toBeTruthy();

    // A replayed code is refused with a clear code.
    const replay = await http('POST', '/v1/auth/otp/verify', { body: { phone, code } });
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.body.code).toBe('IDENTITY.OTP_ALREADY_USED');

    // Link the WeChat identity: the mini-program account is merged into the phone account.
    const token = signUp.body.accessToken as string;
    const linked = await http('POST', '/v1/me/identities', { token, body: { proof: { channel: 'wechat', app: 'mini-program', loginCode: 'dev:e2e-lin' } } });
    expect(linked.status).toBe(200);
    expect(linked.body.mergedFromUserId).toBe(wechat.body.userId);

    const profile = await http('GET', '/v1/me/profile', { token });
    expect(profile.status).toBe(200);
    expect(profile.body.userId).toBe(signUp.body.userId);
    expect(profile.body.household).toEqual({ children: [{ birthYear: 2023 }] });
    expect(profile.body.identities.map((i: { channel: string }) => i.channel).sort()).toEqual(['mini-program-openid', 'phone', 'wechat-unionid']);

    // Another resident's data is refused.
    const other = await http('GET', `/v1/users/${wechat.body.userId}/profile`, { token });
    expect(other.status).toBe(403);

    // One trace: gateway HTTP span → NATS request → identity handler → PostgreSQL queries.
    const deadline = Date.now() + 10_000;
    const has = () => {
      const spans = collector.trace(traceId!);
      return (
        spans.some((s) => s.service === 'gateway' && s.kind === 2) &&
        spans.some((s) => s.service === 'gateway' && s.name.startsWith('nats request rpc.identity.otp.verify')) &&
        spans.some((s) => s.service === 'identity' && s.name.startsWith('nats handle rpc.identity.otp.verify')) &&
        spans.some((s) => s.service === 'identity' && s.name.startsWith('postgresql'))
      );
    };
    while (!has() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    const spans = collector.trace(traceId!);
    expect(has()).toBe(true);
    const handler = spans.find((s) => s.service === 'identity' && s.name.startsWith('nats handle'))!;
    const request = spans.find((s) => s.service === 'gateway' && s.name.startsWith('nats request'))!;
    expect(handler.parentSpanId).toBe(request.spanId);
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const identity = services.find((s) => s.name === 'identity')!;
    const code = await identity.stop();
    expect(code === 0 || code === null).toBe(true);
    services = services.filter((s) => s !== identity);
  });
});
