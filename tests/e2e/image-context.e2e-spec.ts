// The image context (`npm run image:context`, what the Dockerfile copies to /app): laid out in a
// folder outside the repository, it holds no sources and no development dependencies, its own
// `tools/migrate.mjs` migrates a fresh database (the chart's migration Job), and a service started
// from it alone becomes healthy on its probe port and answers over NATS.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { dropDatabase } from '@linli/nest-kit';
import { natsTestUrl, testServerUrl, testSubjectPrefix } from '@linli/testing';
import { buildApps, freePort, natsRpc, root } from './support.js';

let out: string;
let databaseUrl: string;
let child: ChildProcess | undefined;
let nc: NatsConnection;

function filesUnder(dir: string, skip: (path: string) => boolean, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (skip(path)) continue;
    if (statSync(path).isDirectory()) filesUnder(path, skip, found);
    else found.push(path);
  }
  return found;
}

beforeAll(() => {
  buildApps();
  out = mkdtempSync(join(tmpdir(), 'linli-image-'));
  // What `npm run image:context -- --out <dir>` does, after the build above.
  const laid = spawnSync(process.execPath, [join(root, 'tools', 'image-context.mjs'), '--out', out, '--no-build'], { cwd: root, encoding: 'utf8' });
  if (laid.status !== 0) throw new Error(`image:context failed:\n${laid.stdout}${laid.stderr}`);
  const url = new URL(testServerUrl());
  url.pathname = `/linli_image_identity_${randomBytes(4).toString('hex')}`;
  databaseUrl = url.toString();
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await nc?.close();
  await dropDatabase(databaseUrl).catch(() => undefined);
  rmSync(out, { recursive: true, force: true });
});

describe('image context', () => {
  it('holds compiled code and production dependencies only', () => {
    const ours = filesUnder(out, (path) => path.includes(`${join(out, 'node_modules')}`)).map((path) => relative(out, path));
    expect(ours.filter((file) => /\.(ts|tsx|map|tsbuildinfo)$/.test(file))).toEqual([]);
    expect(ours.filter((file) => file.split('/').includes('src'))).toEqual([]);
    expect(ours.filter((file) => file.startsWith('tools/')).sort()).toEqual(['tools/lib/cli.mjs', 'tools/lib/services.mjs', 'tools/migrate.mjs']);
    expect(ours).toEqual(expect.arrayContaining(['apps/identity/dist/main.js', 'apps/gateway/dist/main.js', 'libs/orders/data-access/prisma/migrations/20261124180647_init/migration.sql', 'libs/orders/data-access/prisma/functions/orders_place_orders.sql']));
    // The web console's bundle, which the gateway serves under /console/.
    expect(ours).toEqual(expect.arrayContaining(['apps/console/dist/index.html']));
    expect(ours.filter((file) => file.startsWith('apps/console/dist/assets/') && file.endsWith('.js')).length).toBeGreaterThan(0);
    for (const dev of ['typescript', 'jest', 'prisma', '@nestjs/testing', '@swc/core', 'nx', 'eslint', '@electric-sql/pglite', 'autocannon']) {
      expect([dev, existsSync(join(out, 'node_modules', dev))]).toEqual([dev, false]);
    }
    for (const runtime of ['@nestjs/core', '@prisma/client', '@prisma/adapter-pg', 'pg', '@nats-io/transport-node', 'fastify', 'zod']) {
      expect([runtime, existsSync(join(out, 'node_modules', runtime, 'package.json'))]).toEqual([runtime, true]);
    }
  });

  it('migrates a database with its own tools/migrate.mjs and starts a service from the folder alone that becomes healthy', async () => {
    const env = { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production' };
    const migrated = spawnSync(process.execPath, ['tools/migrate.mjs', '--service', 'identity'], { cwd: out, env: { ...env, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
    expect([migrated.status, migrated.stderr]).toEqual([0, '']);
    expect(migrated.stdout).toMatch(/identity: applied .*_init/);

    const prefix = testSubjectPrefix();
    const healthPort = await freePort();
    child = spawn(process.execPath, ['apps/identity/dist/main.js'], {
      cwd: out,
      env: {
        ...env,
        SERVICE_NAME: 'identity',
        DATABASE_URL: databaseUrl,
        AUTH_TOKEN_SECRET: randomBytes(24).toString('hex'),
        NATS_URL: natsTestUrl(),
        NATS_SUBJECT_PREFIX: prefix,
        HEALTH_PORT: String(healthPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));

    const deadline = Date.now() + 30_000;
    let ready: { status?: string; checks?: Record<string, string> } | undefined;
    while (!ready && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`identity exited with ${child.exitCode}:\n${output.join('')}`);
      try {
        const response = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
        if (response.status === 200) ready = await response.json();
      } catch {
        // not listening yet
      }
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect([ready, output.join('').slice(-2000)]).toEqual([{ service: 'identity', status: 'up', version: expect.any(String), uptimeSeconds: expect.any(Number), checks: { nats: 'up', database: 'up' } }, expect.any(String)]);

    nc = await connect({ servers: natsTestUrl(), name: 'image-context-test' });
    const phone = `+86137${String(Date.now()).slice(-8)}`;
    const sent = await natsRpc<{ resendAfterSeconds: number }>(nc, prefix, 'rpc.identity.otp.request.v1', { phone });
    expect(sent.resendAfterSeconds).toBeGreaterThan(0);
  });
});
