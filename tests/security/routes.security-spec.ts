import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { ERROR_CODES } from '@linli/contracts';
import { routes } from '@linli/gateway-feature';
import { generateProbes, type Probe } from './generate.js';
import { securityFixtures } from './fixtures.js';
import { startPlatform, type Platform, type Reply } from './platform.js';

/**
 * The security tier: every route of the gateway's table, probed against the real platform (see
 * README.md). Each failure names the probe and what was wrong; the tier fails on any.
 */
const CONCURRENCY = 12;
const ENVELOPE_KEYS = new Set(['code', 'message', 'details', 'traceId', 'requestId']);
const STACK = /\n\s+at\s|\bat\s+[\w$.<>]+\s+\([^)]*:\d+:\d+\)|\.(ts|js|mjs):\d+:\d+/;
const SQL = /\b(select|insert|update|delete)\b[\s\S]{0,120}\b(from|into|set|where)\b|syntax error at|violates (unique|foreign key|check|not-null) constraint|relation "|\bPrisma\b|\bP20\d\d\b|invalid byte sequence/i;
const KNOWN_CODES = new Set<string>(ERROR_CODES);

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
}, 150_000);

afterAll(async () => {
  await platform?.stop();
});

/** Everything wrong with one answer that no route may ever do, whatever was asked. */
function leaks(text: string, extra: readonly string[] = []): string[] {
  const found: string[] = [];
  if (STACK.test(text)) found.push('carries a stack trace');
  if (SQL.test(text)) found.push('carries SQL or database text');
  for (const secret of [...platform.secrets, ...extra]) if (secret && text.includes(secret)) found.push(`carries a secret or private value (${secret.slice(0, 12)}…)`);
  return found;
}

/** Checks an error answer's shape: JSON envelope with a known code. */
function envelopeProblems(reply: { status: number; body: any; text: string }): string[] {
  if (reply.status < 400) return [];
  const problems: string[] = [];
  if (!reply.body || typeof reply.body !== 'object') return [`is not the JSON error envelope: ${reply.text.slice(0, 200)}`];
  if (!KNOWN_CODES.has(reply.body.code)) problems.push(`has no known code (${String(reply.body.code)})`);
  if (typeof reply.body.message !== 'string') problems.push('has no message');
  return problems;
}

function tokenOf(probe: Probe): string | undefined {
  if (probe.token === 'none') return undefined;
  if (probe.token in platform.actors) return platform.actors[probe.token as keyof Platform['actors']].accessToken;
  return platform.badTokens[probe.token as keyof Platform['badTokens']];
}

async function run(probe: Probe): Promise<string[]> {
  let reply: Reply;
  try {
    reply = await platform.http(probe.method, probe.path, {
      token: tokenOf(probe),
      ...(probe.apiKey ? { headers: { 'x-api-key': platform.apiKeys[probe.apiKey] } } : {}),
      ...(probe.body !== undefined ? { raw: probe.body } : {}),
    });
  } catch (error) {
    return [`request failed: ${error instanceof Error ? error.message : String(error)}`];
  }
  const problems: string[] = [];
  if (!probe.expect.status.includes(reply.status)) problems.push(`answered ${reply.status}, expected ${probe.expect.status.join(' or ')}: ${reply.text.slice(0, 300)}`);
  problems.push(...envelopeProblems(reply));
  if (probe.expect.codes && !probe.expect.codes.includes(reply.body?.code)) problems.push(`code ${String(reply.body?.code)}, expected ${probe.expect.codes.join(' or ')}`);
  if (probe.expect.fields) {
    const named = new Set(((reply.body?.details?.fields ?? []) as { path: string }[]).map((field) => field.path));
    const missing = probe.expect.fields.filter((field) => !named.has(field));
    if (missing.length) problems.push(`did not name ${missing.join(', ')} (named: ${[...named].join(', ') || 'none'})`);
  }
  const owner = probe.owner ? platform.actors[probe.owner] : undefined;
  if (probe.kind === 'cross-actor' && reply.body && typeof reply.body === 'object') {
    const extraKeys = Object.keys(reply.body).filter((key) => !ENVELOPE_KEYS.has(key));
    if (extraKeys.length) problems.push(`carries data (${extraKeys.join(', ')})`);
  }
  problems.push(...leaks(reply.text, owner && probe.kind === 'cross-actor' ? [owner.phone, owner.phone.slice(3), owner.name] : []));
  return problems.map((problem) => `${probe.name} (${probe.method} ${probe.path.slice(0, 120)}): ${problem}`);
}

/** Runs every probe with at most `limit` in flight; returns every failure. */
async function runAll(probes: readonly Probe[], limit: number): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < probes.length) failures.push(...(await run(probes[next++]!)));
    }),
  );
  return failures;
}

/** A request written straight to the socket, for what fetch refuses to send. */
function rawRequest(text: string): Promise<{ status: number; body: any; text: string }> {
  const url = new URL(platform.base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const whole = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = whole.split('\r\n\r\n');
      const body = rest.join('\r\n\r\n');
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body: parsed, text: whole });
    });
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

describe('every route of the gateway table', () => {
  it('refuses bad credentials, other actors, bad input and hostile text with codes, and leaks nothing', async () => {
    const { probes, problems } = generateProbes(routes, securityFixtures(platform.ids, { orderLineId: platform.orderLineId, skuId: platform.skuId }));
    expect(problems).toEqual([]);
    // Cross-actor probes write nothing when they are refused; run them first, before input probes
    // from A's own token could (by a failure) change A's resources.
    const ordered = [...probes.filter((p) => p.kind === 'cross-actor'), ...probes.filter((p) => p.kind !== 'cross-actor')];
    const failures = await runAll(ordered, CONCURRENCY);
    expect(failures).toEqual([]);
    expect(probes.length).toBeGreaterThan(routes.length * 5);
  });

  it("leaves A's resources as they were", async () => {
    const a = platform.actors.residentA.accessToken;
    const order = await platform.http('GET', `/v1/orders/${platform.ids.orderId}`, { token: a });
    expect({ status: order.status, orderStatus: order.body?.status }).toEqual({ status: 200, orderStatus: 'pending_payment' });
    const point = await platform.http('GET', `/v1/pickup-points/${platform.ids.pickupPointId}`, { token: a });
    expect(point.body?.name).toBe(`${platform.actors.leaderA.name}'s kiosk`);
    const segment = await platform.http('GET', `/v1/segments/${platform.ids.segmentId}`, { token: platform.actors.leaderA.accessToken });
    expect({ status: segment.status, name: segment.body?.name }).toEqual({ status: 200, name: 'Families of A' });
    const drafts = await platform.http('GET', '/v1/leader/drafts?status=draft', { token: platform.actors.leaderA.accessToken });
    expect(drafts.body?.drafts?.map((d: { draftId: string }) => d.draftId)).toContain(platform.ids.draftId);
    const reminders = await platform.http('GET', '/v1/leader/reminders?status=open', { token: platform.actors.leaderA.accessToken });
    expect(reminders.body?.reminders?.map((r: { reminderId: string }) => r.reminderId)).toContain(platform.ids.reminderId);
  });
});

describe('refusals before any route', () => {
  const cases: [string, () => Promise<{ status: number; body: any; text: string }>, number, string][] = [
    ['unknown route', () => platform.http('GET', '/v1/no-such-route'), 404, 'COMMON.ROUTE_NOT_FOUND'],
    ['unknown method', () => platform.http('DELETE', '/v1/me/profile'), 404, 'COMMON.ROUTE_NOT_FOUND'],
    ['malformed JSON', () => platform.http('POST', '/v1/auth/otp', { raw: '{"phone": ' }), 400, 'COMMON.MALFORMED_JSON'],
    ['not JSON', () => platform.http('POST', '/v1/auth/otp', { raw: 'phone=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, 'COMMON.VALIDATION_FAILED'],
    ['malformed percent-encoding', () => platform.http('GET', '/v1/users/%E0%A4%A/profile', { token: platform.actors.ops.accessToken }), 400, 'COMMON.VALIDATION_FAILED'],
    ['encoded lone surrogate in the path', () => platform.http('GET', '/v1/users/%ED%A0%80/profile', { token: platform.actors.ops.accessToken }), 400, 'COMMON.VALIDATION_FAILED'],
    ['over-long URL', () => platform.http('GET', `/v1/products?tag=${'a'.repeat(20_000)}`), 431, 'COMMON.HEADERS_TOO_LARGE'],
    ['over-long header', () => platform.http('GET', '/v1/me/profile', { headers: { 'x-padding': 'a'.repeat(20_000) } }), 431, 'COMMON.HEADERS_TOO_LARGE'],
    ['over-long path parameter', () => platform.http('GET', `/v1/orders/${'a'.repeat(500)}`, { token: platform.actors.residentA.accessToken }), 400, 'COMMON.VALIDATION_FAILED'],
    ['NUL in a header', () => rawRequest('GET /v1/me/profile HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n'), 400, 'COMMON.VALIDATION_FAILED'],
    ['malformed request line', () => rawRequest('GARBAGE\r\n\r\n'), 400, 'COMMON.VALIDATION_FAILED'],
    ['1 MB body to a public route', () => platform.http('POST', '/v1/auth/otp', { raw: JSON.stringify({ phone: 'x'.repeat(1024 * 1024) }) }), 413, 'COMMON.PAYLOAD_TOO_LARGE'],
  ];
  it.each(cases)('%s → the error envelope with its status and code', async (_name, send, status, code) => {
    const reply = await send();
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
    expect(envelopeProblems(reply)).toEqual([]);
    expect(leaks(reply.text)).toEqual([]);
  });
});

describe('sign-out', () => {
  it('ends the access token at once: the next request with it is 401 AUTH.SESSION_REVOKED', async () => {
    const resident = platform.actors.residentB;
    const phone = '+8613900000828';
    await platform.http('POST', '/v1/auth/otp', { body: { phone } });
    const outbox = await platform.http('GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
    const session = (await platform.http('POST', '/v1/auth/otp/verify', { body: { phone, code: outbox.body.messages[0].code } })).body;
    expect((await platform.http('GET', '/v1/me/profile', { token: session.accessToken })).status).toBe(200);
    expect((await platform.http('POST', '/v1/auth/sign-out', { token: session.accessToken, body: { refreshToken: session.refreshToken } })).status).toBe(200);
    const started = Date.now();
    let reply = await platform.http('GET', '/v1/me/profile', { token: session.accessToken });
    while (reply.status === 200 && Date.now() - started < 2_000) reply = await platform.http('GET', '/v1/me/profile', { token: session.accessToken });
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status: 401, code: 'AUTH.SESSION_REVOKED' });
    expect(Date.now() - started).toBeLessThan(2_000);
    // other users' sessions are untouched
    expect((await platform.http('GET', '/v1/me/profile', { token: resident.accessToken })).status).toBe(200);
  });
});

/** `POST /v1/auth/otp` sent from another loopback address, so each probe is a client of its own. */
async function otpFrom(localAddress: string, phone: string): Promise<{ status: number; body: any }> {
  const url = new URL('/v1/auth/otp', platform.base);
  const payload = JSON.stringify({ phone });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('SMS pumping', () => {
  const four = () => String(Math.floor(Math.random() * 10_000)).padStart(4, '0');

  it('one client cannot have codes sent to any number of phones: the client budget stops it with a code', async () => {
    const sent: number[] = [];
    let refused: { status: number; body: any } | undefined;
    // the report: 110 distinct numbers went through from one client
    for (let i = 0; i < 110 && !refused; i++) {
      const reply = await otpFrom('127.0.0.2', `+86137${four()}${String(i).padStart(4, '0')}`);
      if (reply.status === 200) sent.push(i);
      else refused = reply;
    }
    expect(sent.length).toBeLessThanOrEqual(30);
    expect({ status: refused?.status, code: refused?.body?.code, scope: refused?.body?.details?.scope }).toEqual({ status: 429, code: 'IDENTITY.SMS_BUDGET_EXHAUSTED', scope: 'client' });
    expect(refused!.body.details.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('many clients cannot pump one number prefix: the prefix budget stops them with a code', async () => {
    const prefix = `+86135${four()}`; // +86 and the first seven national digits
    let refused: { status: number; body: any } | undefined;
    let sent = 0;
    for (let i = 0; i < 130 && !refused; i++) {
      const reply = await otpFrom(`127.0.${3 + Math.floor(i / 250)}.${(i % 250) + 1}`, `${prefix}${String(i).padStart(4, '0')}`);
      if (reply.status === 200) sent += 1;
      else refused = reply;
    }
    expect(sent).toBeLessThanOrEqual(100);
    expect({ status: refused?.status, code: refused?.body?.code, scope: refused?.body?.details?.scope }).toEqual({ status: 429, code: 'IDENTITY.SMS_BUDGET_EXHAUSTED', scope: 'number-prefix' });
  });
});
