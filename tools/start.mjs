#!/usr/bin/env node
// `npm start`: one command brings the whole platform up on one machine.
//  1. checks NATS (stops with instructions when none is reachable);
//  2. checks PostgreSQL, or falls back to embedded PGlite databases (one per service);
//  3. generates Prisma clients, builds (services and the web console), creates and migrates every service database;
//  4. starts the six services and the gateway under a supervisor (a crashed one is restarted),
//     waits until /v1/health is up;
//  5. loads demo data once and prints where everything is.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ALL_PROCESSES, SERVICES, databaseUrl } from './lib/services.mjs';
import { Supervisor } from './lib/supervisor.mjs';
import { withHelp } from './lib/cli.mjs';

withHelp(`
npm start
  Brings the platform up on this machine: NATS check, PostgreSQL (or embedded PGlite), build, migrations,
  six services and the gateway, demo data. Honours LINLI_DB_PREFIX, NATS_SUBJECT_PREFIX, HTTP_PORT,
  DATABASE_SERVER_URL and LINLI_EMBEDDED_DB=1 (see README.md).
`);

const root = fileURLToPath(new URL('..', import.meta.url));
const state = join(root, '.linli');
mkdirSync(state, { recursive: true });

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const DATABASE_SERVER_URL = process.env.DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const HTTP_PORT = Number(process.env.HTTP_PORT ?? 3000);
const EMBEDDED = process.env.LINLI_EMBEDDED_DB === '1';

const say = (line) => console.log(`\x1b[36m[linli]\x1b[0m ${line}`);

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: hostname || '127.0.0.1', port: Number(port || defaultPort) });
    socket.setTimeout(1500);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function postgresReachable() {
  const client = new pg.Client({ connectionString: DATABASE_SERVER_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One PGlite instance per service, each served on its own local port. Development only. */
async function startEmbeddedDatabases() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const urls = {};
  let port = Number(process.env.EMBEDDED_DB_BASE_PORT ?? 55432);
  for (const service of SERVICES) {
    const dataDir = join(state, 'pglite', service);
    mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 20 });
    await server.start();
    urls[service] = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    port += 1;
  }
  return urls;
}

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${what} failed`);
    process.exit(result.status ?? 1);
  }
}

function devSecret(name) {
  const file = join(state, `${name}.secret`);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function waitForHealth(timeoutMs) {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < timeoutMs) {
    try {
      const response = await fetch(`http://127.0.0.1:${HTTP_PORT}/v1/health`);
      last = await response.text();
      if (response.ok) return JSON.parse(last);
    } catch (error) {
      last = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the platform did not become healthy in ${timeoutMs / 1000} s: ${last}`);
}

async function main() {
  if (!(await reachable(NATS_URL, 4222))) {
    console.error(`
No NATS server answers at ${NATS_URL}. Linli's services talk over NATS with JetStream.
Start one, then run npm start again:
  • Debian/Ubuntu:  sudo apt-get install nats-server && nats-server -js
  • macOS:          brew install nats-server && nats-server -js
  • any machine:    docker run -p 4222:4222 nats:2 -js
or point NATS_URL at a reachable server.`);
    process.exit(1);
  }
  say(`NATS at ${NATS_URL}`);

  let urlFor = (service) => databaseUrl(DATABASE_SERVER_URL, service);
  let embedded = false;
  if (EMBEDDED || !(await postgresReachable())) {
    embedded = true;
    say(`no PostgreSQL at ${DATABASE_SERVER_URL.replace(/\/\/[^@]*@/, '//')}; using embedded PGlite databases in .linli/pglite (development only)`);
    const urls = await startEmbeddedDatabases();
    urlFor = (service) => urls[service];
  } else {
    say(`PostgreSQL at ${DATABASE_SERVER_URL.replace(/\/\/[^@]*@/, '//')}`);
  }

  say('generating Prisma clients and building');
  run(process.execPath, [join(root, 'tools', 'build.mjs')], 'build');

  const { migrateAll } = await import('./migrate.mjs');
  await migrateAll({ server: DATABASE_SERVER_URL, urlFor, log: (line) => say(`migrate ${line}`) });

  const common = {
    ...process.env,
    NATS_URL,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'log',
    AUTH_TOKEN_SECRET: process.env.AUTH_TOKEN_SECRET ?? devSecret('auth-token'),
    PAYMENT_WEBHOOK_SECRET: process.env.PAYMENT_WEBHOOK_SECRET ?? devSecret('payment-webhook'),
    DEV_ROUTES: process.env.DEV_ROUTES ?? 'true',
    HTTP_PORT: String(HTTP_PORT),
    CORS_ORIGINS: process.env.CORS_ORIGINS ?? '*',
  };
  // Each process runs under the supervisor: a crashed service is started again with backoff (and
  // given up on, loudly, after repeated crashes in a short window) while everything else keeps
  // running; the gateway answers its routes 503 COMMON.UNAVAILABLE meanwhile and /v1/health shows it down.
  const supervisor = new Supervisor({ log: (line) => console.error(`\x1b[33m[linli]\x1b[0m ${line}`) });
  let stopping = false;
  supervisor.on('gave-up', ({ name, critical }) => {
    if (critical) {
      console.error(`[linli] without the ${name} nothing answers; stopping the platform`);
      void shutdown(1);
    }
  });
  supervisor.on('spawn', ({ name, pid, restarts }) => {
    if (restarts > 0) say(`${name} started again (pid ${pid}, restart ${restarts})`);
  });
  for (const name of ALL_PROCESSES) {
    const main = join(root, 'apps', name, 'dist', 'main.js');
    if (!existsSync(main)) {
      say(`${name}: not built (no apps/${name}), skipped`);
      continue;
    }
    const env = { ...common, SERVICE_NAME: name };
    if (name !== 'gateway') env.DATABASE_URL = urlFor(name);
    // PGlite is one session: connections to its socket server share it, so interleaved statements and
    // transactions of a pool would collide. One connection per service keeps each session whole.
    if (name !== 'gateway' && embedded) env.DATABASE_POOL_SIZE = '1';
    supervisor.add({
      name,
      critical: name === 'gateway',
      start: () => spawn(process.execPath, ['--enable-source-maps', main], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] }),
    });
  }
  async function shutdown(code = 0) {
    if (stopping) return;
    stopping = true;
    say('stopping (SIGTERM to every service; each drains NATS and finishes in-flight work)');
    await supervisor.stop();
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const health = await waitForHealth(90_000);
  say(`all services up: ${Object.keys(health.services ?? {}).join(', ')}`);
  const { seedDemo } = await import('./seed.mjs');
  await seedDemo({ baseUrl: `http://127.0.0.1:${HTTP_PORT}`, natsUrl: NATS_URL, stateDir: state, log: (line) => say(`demo ${line}`) });
  say(`API:       http://localhost:${HTTP_PORT}/v1`);
  say(`API docs:  http://localhost:${HTTP_PORT}/docs`);
  say(`console:   http://localhost:${HTTP_PORT}/console/  (resident H5, leader workbench, ops console)`);
  say(`health:    http://localhost:${HTTP_PORT}/v1/health`);
  say('Ctrl-C stops everything.');
}

main().catch((error) => {
  console.error(`[linli] start failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
