import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { LinliKitModule, baseConfigFragment, loadConfig, tokenConfigFragment } from '@linli/nest-kit';
import { IdentityModule } from '@linli/identity-feature';
import { createGateway, gatewayConfigFragment, type Gateway } from '@linli/gateway-feature';
import { aPhone, connectTestNats, createTestDatabase, deleteTestStreams, natsTestUrl, testSubjectPrefix, type TestDatabase } from '@linli/testing';

/**
 * Sign-out ends the access token at once: the real identity service and the real gateway, in process
 * on one subject prefix. identity announces the revoked session through its outbox; every gateway
 * (one running, one started later that learns it by replay) refuses the token with 401
 * AUTH.SESSION_REVOKED, while the user's other session goes on working.
 */
const secret = 'session-revocation-test-secret-'.padEnd(48, 'x');
const prefix = testSubjectPrefix();
let db: TestDatabase;
let identityApp: INestApplicationContext;
let nc: NatsConnection;
const gateways: Gateway[] = [];

async function startGateway(): Promise<string> {
  const schema = z.object({ ...baseConfigFragment, ...tokenConfigFragment, ...gatewayConfigFragment });
  const config = loadConfig(schema, {
    NATS_URL: natsTestUrl(),
    NATS_SUBJECT_PREFIX: prefix,
    AUTH_TOKEN_SECRET: secret,
    HTTP_PORT: '0',
    DEV_ROUTES: 'true',
    LOG_LEVEL: 'error',
  });
  const gateway = await createGateway(config, { logger: false });
  gateways.push(gateway);
  return gateway.listen({ port: 0, host: '127.0.0.1' });
}

async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function signIn(base: string, phone: string): Promise<{ userId: string; accessToken: string; refreshToken: string }> {
  await call(base, 'POST', '/v1/auth/otp', { body: { phone } });
  const outbox = await call(base, 'GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
  const signed = await call(base, 'POST', '/v1/auth/otp/verify', { body: { phone, code: outbox.body.messages[0].code } });
  expect(signed.status).toBe(200);
  return signed.body;
}

beforeAll(async () => {
  db = await createTestDatabase('identity', join(__dirname, '..', '..', 'libs', 'identity', 'data-access', 'prisma', 'migrations'));
  const moduleRef = await Test.createTestingModule({
    imports: [
      LinliKitModule.forRoot({ service: 'identity', natsUrl: natsTestUrl(), rpcTimeoutMs: 5000, healthPort: 0, subjectPrefix: prefix }),
      IdentityModule.forRoot({ databaseUrl: db.url, tokenSecret: secret, smsAdapter: 'log', wechatAdapter: 'dev', otpResendSeconds: 0 }),
    ],
  }).compile();
  identityApp = await moduleRef.init();
  nc = await connectTestNats('session-revocation');
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await identityApp?.close();
  if (nc) {
    await deleteTestStreams(nc, prefix);
    await nc.close();
  }
  await db?.drop();
});

it('refuses a signed-out access token at once on every gateway, until it would have expired, and only that session', async () => {
  const base = await startGateway();
  const phone = aPhone();
  const phoneSession = await signIn(base, phone);
  const otherSession = await signIn(base, phone);
  expect(otherSession.userId).toBe(phoneSession.userId);
  expect((await call(base, 'GET', '/v1/me/profile', { token: phoneSession.accessToken })).status).toBe(200);

  const signedOut = await call(base, 'POST', '/v1/auth/sign-out', { token: phoneSession.accessToken, body: { refreshToken: phoneSession.refreshToken } });
  expect(signedOut).toEqual({ status: 200, body: { revoked: true } });

  // "At once": the revocation travels identity's outbox and JetStream; allow it a moment, no more.
  const started = Date.now();
  let refused = await call(base, 'GET', '/v1/me/profile', { token: phoneSession.accessToken });
  while (refused.status === 200 && Date.now() - started < 2_000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    refused = await call(base, 'GET', '/v1/me/profile', { token: phoneSession.accessToken });
  }
  expect(refused.status).toBe(401);
  expect(refused.body).toMatchObject({ code: 'AUTH.SESSION_REVOKED', message: expect.any(String) });
  expect(refused.body.userId).toBeUndefined();

  // Every route refuses it, not just the one asked first; the other session of the same user works on.
  expect((await call(base, 'GET', '/v1/me/export', { token: phoneSession.accessToken })).body.code).toBe('AUTH.SESSION_REVOKED');
  expect((await call(base, 'GET', '/v1/me/profile', { token: otherSession.accessToken })).status).toBe(200);

  // A gateway that starts afterwards learns the revocation from the stream before it serves.
  const late = await startGateway();
  expect((await call(late, 'GET', '/v1/me/profile', { token: phoneSession.accessToken })).body.code).toBe('AUTH.SESSION_REVOKED');
  expect((await call(late, 'GET', '/v1/me/profile', { token: otherSession.accessToken })).status).toBe(200);
});
