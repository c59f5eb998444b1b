import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { connectTestNats, deleteTestStreams } from '@linli/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { buildApps, e2eEnvironment, freePort, root, startService, type RunningService } from '../e2e/support.js';

/** Debian's Chromium (`apt-get install chromium fonts-wqy-microhei`); nothing downloads a browser. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(root, 'tests', 'browser', 'screenshots');

const SERVICES = ['identity', 'leader-ops', 'orders', 'recommendations', 'communities', 'local-services'];

export interface Platform {
  base: string;
  prefix: string;
  seed: SeedContext;
  stop(): Promise<void>;
}

/** What tools/seed.mjs returns (the parts the tests use). */
export interface SeedContext {
  ops: { accessToken: string; userId: string };
  residents: { phone: string; compoundId: string; tokens: { accessToken: string; userId: string } }[];
  compounds: string[];
}

/**
 * The platform as `npm start` runs it, for one test file: the services and the gateway as real
 * processes (own databases, own subject prefix, own port), the console's production build served
 * by the gateway, and the demo data of tools/seed.mjs loaded through the API.
 */
export async function startPlatform(): Promise<Platform> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei`);
  buildApps(['gateway', ...SERVICES]);
  const built = spawnSync(process.execPath, [join(root, 'tools', 'console.mjs'), 'build'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`console build failed:\n${built.stdout}${built.stderr}`);
  const env = await e2eEnvironment(SERVICES);
  const port = await freePort();
  const services: RunningService[] = [];
  const nc: NatsConnection = await connectTestNats('browser');
  const stop = async () => {
    for (const service of services.reverse()) await service.stop();
    await deleteTestStreams(nc, env.prefix).catch(() => undefined);
    await nc.close();
    await env.dropAll();
  };
  try {
    services.push(await startService('identity', env.env('identity')));
    // No quiet hours: the care message is sent whatever the time of day the tests run at.
    services.push(await startService('leader-ops', env.env('leader-ops', { MESSAGE_QUIET_HOURS: 'off' })));
    services.push(
      await startService('orders', env.env('orders', { PAYMENT_PROVIDER: 'dev', ORDER_SCHEDULER_INTERVAL_MS: '250', DEV_PAYMENT_CALLBACK_DELAY_MS: '150', DEV_PAYMENT_DUPLICATE_RATE: '0' })),
    );
    services.push(await startService('recommendations', env.env('recommendations')));
    services.push(await startService('communities', env.env('communities')));
    services.push(await startService('local-services', env.env('local-services')));
    services.push(
      await startService(
        'gateway',
        env.env('gateway', { HTTP_PORT: String(port), DEV_ROUTES: 'true', RATE_LIMIT_PER_MINUTE_CLIENT: '100000', RATE_LIMIT_PER_MINUTE_USER: '100000' }),
      ),
    );
    const base = `http://127.0.0.1:${port}`;
    // The demo data of `npm start`; its ops bootstrap grants over NATS under this file's prefix.
    process.env['NATS_SUBJECT_PREFIX'] = env.prefix;
    // eslint-disable-next-line @nx/enforce-module-boundaries -- tools/seed.mjs is a script, not a lib: the same demo data `npm start` loads
    const { seedDemo } = (await import('../../tools/seed.mjs')) as { seedDemo: (options: object) => Promise<SeedContext> };
    const seed = await seedDemo({ baseUrl: base, natsUrl: process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222', log: () => undefined });
    return { base, prefix: env.prefix, seed, stop };
  } catch (error) {
    const output = services.map((s) => `--- ${s.name}\n${s.output.join('').slice(-3000)}`).join('\n');
    await stop();
    throw new Error(`${(error as Error).stack}\n${output}`);
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** An API answer a step expects (e.g. the eventual consistency of a binding), matched by status and path. */
export interface Expected {
  status: number;
  path: string;
}

export interface Watch {
  problems: string[];
  /** Runs `step` with `expected` answers not counted as problems (only during the step). */
  expecting<T>(expected: Expected[], step: () => Promise<T>): Promise<T>;
}

/**
 * A page that records every problem: console errors, uncaught exceptions, failed requests, HTTP
 * error responses and any request to a host other than the gateway.
 */
export function watch(page: Page, base: string): Watch {
  const problems: string[] = [];
  const origin = new URL(base).origin;
  let allowed: Expected[] = [];
  const isAllowed = (status: number | undefined, url: string | undefined) =>
    !!url && allowed.some((e) => (status === undefined || e.status === status) && new URL(url).pathname === e.path);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium reports each HTTP error answer as a console error too; an expected one is not a problem.
    const match = /status of (\d{3})/.exec(message.text());
    if (match && isAllowed(Number(match[1]), message.location().url)) return;
    problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) problems.push(`request to another host: ${url}`);
  });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400 && !isAllowed(response.status(), response.url())) problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return {
    problems,
    async expecting(expected, step) {
      allowed = expected;
      try {
        return await step();
      } finally {
        allowed = [];
      }
    },
  };
}

export async function newContext(browser: Browser, kind: 'mobile' | 'desktop'): Promise<BrowserContext> {
  return browser.newContext(
    kind === 'mobile'
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }
      : { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' },
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let fonts and the last request settle, so the picture shows what a person sees.
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the console's OTP form, reading the code from the development SMS outbox. */
export async function signIn(page: Page, base: string, phone: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.getByTestId('phone').fill(phone);
  await page.getByTestId('send-code').click();
  await page.getByTestId('dev-outbox').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid=code]') as HTMLInputElement | null)?.value.length === 6);
  await page.getByTestId('sign-in').click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The gateway's API from the test (setting up what the journey does not do through the console). */
export function apiOf(base: string) {
  return async <T = any>(method: string, path: string, token?: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (response.status >= 400) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** Signs a phone in through the API's OTP flow (the code from the development SMS outbox): for set-up steps. */
export async function apiSignIn(base: string, phone: string): Promise<{ userId: string; accessToken: string }> {
  const api = apiOf(base);
  await api('POST', '/v1/auth/otp', undefined, { phone });
  const outbox = await api<{ messages: { code: string }[] }>('GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
  return api('POST', '/v1/auth/otp/verify', undefined, { phone, code: outbox.messages[0]!.code, device: 'browser test' });
}
