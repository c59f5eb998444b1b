import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { CONSOLE_SECURITY_POLICY, registerConsole } from './console-static.js';

describe('registerConsole', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>邻里</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves hashed assets for a year, the page uncached under its policy, and the page for client routes', async () => {
    const app = Fastify();
    expect(registerConsole(app, dir)).toBe(true);
    const asset = await app.inject({ url: '/console/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of ['/console/', '/console/ops/assets', '/console/resident/orders/42?x=1']) {
      const page = await app.inject({ url });
      expect([url, page.statusCode]).toEqual([url, 200]);
      expect(page.body).toContain('邻里');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['content-security-policy']).toBe(CONSOLE_SECURITY_POLICY);
    }
    expect((await app.inject({ url: '/console' })).headers['location']).toBe('/console/');
    expect((await app.inject({ url: '/console/assets/gone-999.js' })).statusCode).toBe(404);
    expect(CONSOLE_SECURITY_POLICY).toContain("connect-src 'self'");
    await app.close();
  });

  it('serves nothing without a build', async () => {
    const app = Fastify();
    expect(registerConsole(app, join(dir, 'missing'))).toBe(false);
    expect(registerConsole(app, '')).toBe(false);
    expect((await app.inject({ url: '/console/' })).statusCode).toBe(404);
    await app.close();
  });
});
