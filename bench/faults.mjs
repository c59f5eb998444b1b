#!/usr/bin/env node
// Fault benchmark (`npm run bench -- faults [options]`): orders at a steady rate through the real
// gateway while processes are killed with SIGKILL one after another — orders, then identity, then the
// gateway (each restarted by the same supervisor `npm start` uses, tools/lib/supervisor.mjs), then
// NATS itself (a private nats-server with its own JetStream store, started again after a few
// seconds). Clients behave like real ones: a failed or unanswered order is retried with the same
// idempotency key. Afterwards every order a client was given (2xx) must be in the orders database,
// in its outbox and on the ORDERS stream (0 lost), no idempotency key may have made two orders and no
// order two events (0 duplicates). Reports how long each kill took to recover and what clients saw
// meanwhile (responses by status and code). Writes bench/results/faults.json.
//
// The machine's own NATS (127.0.0.1:4222) is a system service shared with everything else running
// here, so the bench never stops it: it runs its own nats-server on a free port (--nats-server,
// default `nats-server` on PATH). With --shared-nats it uses NATS_URL instead and skips the NATS kill.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect as tcpConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { benchArgs } from './lib/bench-args.mjs';
import { jsonApi } from './lib/bench-http.mjs';
import { buildApps, createDatabases, freePort, pgClient, setUpFlashSale, subjectPrefix, until } from './lib/bench-platform.mjs';
import { latencySummary, round } from './lib/bench-stats.mjs';
import { verify } from './lib/bench-verify.mjs';
import { Supervisor } from '../tools/lib/supervisor.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = benchArgs('faults', {
  rate: { type: 'string', default: '40' },
  'steady-seconds': { type: 'string', default: '10' },
  'nats-down-seconds': { type: 'string', default: '3' },
  buyers: { type: 'string', default: '40' },
  kills: { type: 'string', default: 'orders,identity,gateway,nats' },
  'shared-nats': { type: 'boolean', default: false },
  'nats-server': { type: 'string', default: 'nats-server' },
  'no-build': { type: 'boolean', default: false },
  out: { type: 'string', default: join(root, 'bench', 'results', 'faults.json') },
  server: { type: 'string', default: process.env.DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
  nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
});
const settings = {
  rate: Number(args.rate),
  steadySeconds: Number(args['steady-seconds']),
  natsDownSeconds: Number(args['nats-down-seconds']),
  buyers: Number(args.buyers),
  kills: args.kills.split(',').filter(Boolean),
};
for (const kill of settings.kills) if (!['orders', 'identity', 'gateway', 'nats'].includes(kill)) throw new Error(`unknown kill target ${kill}`);
const log = (line) => console.log(line);
const HOST = '127.0.0.1';
const SERVICES = ['identity', 'leader-ops', 'orders', 'gateway'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const t0 = performance.now();
const at = () => performance.now() - t0;

function reachable(port) {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: HOST, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}


/** A private nats-server with JetStream on a free port; `kill()` is SIGKILL, `start()` again reuses the store. */
async function privateNats(binary, logDir) {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'linli-faults-js-'));
  let child;
  const start = async () => {
    child = spawn(binary, ['-a', HOST, '-p', String(port), '-js', '-sd', store], { stdio: ['ignore', openSync(join(logDir, 'nats.log'), 'a'), openSync(join(logDir, 'nats.log'), 'a')] });
    await until('nats-server listening', 10_000, () => reachable(port));
  };
  await start();
  return {
    url: `nats://${HOST}:${port}`,
    version: spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    start,
    kill: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGKILL'))),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')));
      rmSync(store, { recursive: true, force: true });
    },
  };
}

/** What clients saw: responses counted by route kind and `status code` (network failures as `0 ECONNREFUSED` etc.). */
class Observations {
  constructor() {
    this.events = []; // [ms, kind, key]
  }
  record(kind, status, code) {
    this.events.push([at(), kind, `${status}${code ? ` ${code}` : ''}`]);
  }
  between(from, to) {
    const counts = {};
    for (const [t, kind, key] of this.events) {
      if (t < from || t > to) continue;
      counts[kind] ??= {};
      counts[kind][key] = (counts[kind][key] ?? 0) + 1;
    }
    return counts;
  }
  firstFailure(kind, after) {
    const hit = this.events.find(([t, k, key]) => k === kind && t > after && !/^2\d\d/.test(key));
    return hit ? hit[0] : undefined;
  }
  firstOk(kind, after) {
    const hit = this.events.find(([t, k, key]) => k === kind && t > after && /^2\d\d/.test(key));
    return hit ? hit[0] : undefined;
  }
}

async function main() {
  buildApps(root, args, log);
  const tag = randomBytes(4).toString('hex');
  const prefix = subjectPrefix();
  const secret = randomBytes(24).toString('hex');
  const logDir = join(tmpdir(), `linli-faults-${tag}`);
  mkdirSync(logDir, { recursive: true });
  const cleanups = [];
  const observations = new Observations();
  const supervisor = new Supervisor({ policy: { initialDelayMs: 250 }, log: (line) => log(`  supervisor: ${line}`) });
  try {
    // ------------------------------------------------------------------ NATS, databases, services
    let nats;
    let natsUrl = args.nats;
    if (!args['shared-nats']) {
      nats = await privateNats(args['nats-server'], logDir);
      cleanups.push(() => nats.stop());
      natsUrl = nats.url;
    }
    const dbs = await createDatabases(root, args.server, ['identity', 'leader-ops', 'orders'], tag);
    cleanups.push(() => dbs.drop());
    const port = await freePort();
    const common = { PATH: process.env.PATH ?? '', NODE_ENV: 'production', NATS_URL: natsUrl, NATS_SUBJECT_PREFIX: prefix, AUTH_TOKEN_SECRET: secret, LOG_LEVEL: 'log' };
    const env = {
      // Every buyer signs up from 127.0.0.1 with numbers of one prefix: the SMS budgets would refuse the setup.
      identity: { ...common, DATABASE_URL: dbs.urls.identity, ACCESS_TOKEN_TTL_SECONDS: '7200', OTP_BUDGET_PER_CLIENT_PER_HOUR: '100000', OTP_BUDGET_PER_PREFIX_PER_HOUR: '100000' },
      'leader-ops': { ...common, DATABASE_URL: dbs.urls['leader-ops'] },
      orders: { ...common, DATABASE_URL: dbs.urls.orders, PAYMENT_WEBHOOK_SECRET: secret },
      gateway: { ...common, HTTP_PORT: String(port), DEV_ROUTES: 'true', RATE_LIMIT_PER_MINUTE_CLIENT: '1000000', RATE_LIMIT_PER_MINUTE_USER: '1000000' },
    };
    for (const name of SERVICES) {
      const out = openSync(join(logDir, `${name}.log`), 'a');
      supervisor.add({
        name,
        start: () => spawn(process.execPath, ['--enable-source-maps', join(root, 'apps', name, 'dist', 'main.js')], { cwd: root, env: env[name], stdio: ['ignore', out, out] }),
      });
    }
    cleanups.push(() => supervisor.stop());
    log(`service logs in ${logDir}`);

    const base = `http://${HOST}:${port}`;
    const healthOf = async () => {
      try {
        const response = await fetch(`${base}/v1/health`, { signal: AbortSignal.timeout(3000) });
        return (await response.json()).services ?? {};
      } catch {
        return undefined;
      }
    };
    const up = async (name) => {
      const services = await healthOf();
      if (!services) return false;
      return name === 'gateway' || name === 'nats' ? SERVICES.every((s) => services[s]?.status === 'up') : services[name]?.status === 'up';
    };
    await until('every service healthy', 60_000, async () => (await healthOf()) && (await Promise.all(SERVICES.map(up))).every(Boolean), 250);

    const nc = await connect({ servers: natsUrl, name: 'bench-faults', maxReconnectAttempts: -1 });
    cleanups.push(() => nc.close());
    const ordersDb = pgClient(dbs.urls.orders);
    await ordersDb.connect();
    cleanups.push(() => ordersDb.end());

    log('setting up buyers, a leader per compound and a campaign through the gateway …');
    const api = jsonApi(HOST, port, { connections: 16 });
    const sale = await setUpFlashSale({ api, nc, prefix, ordersDb, buyers: settings.buyers, compounds: 2, hotStock: 1_000_000, hotLimit: 999, spreadSkus: 1, spreadStock: 1_000, log, concurrency: 8 });
    api.close();
    const hot = sale.hots[0];

    // ------------------------------------------------------------------ steady load with retries
    const accepted = new Map(); // orderId → units
    const orderIdsByKey = new Map(); // idempotency key → Set of order ids given to the client
    const latencies = [];
    const outcome = { placed: 0, refused: {}, gaveUp: 0, retries: 0 };
    let running = true;
    const pending = new Set();
    const call = async (kind, method, path, token, body) => {
      try {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        const json = text ? JSON.parse(text) : undefined;
        observations.record(kind, response.status, response.status >= 400 ? json?.code : undefined);
        return { status: response.status, body: json };
      } catch (error) {
        const code = error?.cause?.code ?? error?.name ?? 'ERROR';
        observations.record(kind, 0, code);
        return { status: 0, body: undefined };
      }
    };
    const placeOne = async (seq) => {
      const buyer = sale.people[seq % sale.people.length];
      const idempotencyKey = `faults-${tag}-${seq}`;
      const body = { campaignId: sale.campaignId, idempotencyKey, lines: [{ offerId: hot.offerId, quantity: 1 }], expectedTotalCents: hot.priceCents };
      const started = performance.now();
      for (let attempt = 0; attempt < 60; attempt += 1) {
        if (attempt > 0) {
          outcome.retries += 1;
          await sleep(Math.min(2000, 200 * attempt));
        }
        const result = await call('orders', 'POST', '/v1/orders', buyer.token, body);
        if (result.status >= 200 && result.status < 300) {
          accepted.set(result.body.orderId, 1);
          if (!orderIdsByKey.has(idempotencyKey)) orderIdsByKey.set(idempotencyKey, new Set());
          orderIdsByKey.get(idempotencyKey).add(result.body.orderId);
          outcome.placed += 1;
          latencies.push(performance.now() - started);
          return;
        }
        // Unavailable, timed out or not reached: the client tries again with the same key.
        if (result.status === 0 || result.status >= 500) continue;
        const code = result.body?.code ?? String(result.status);
        outcome.refused[code] = (outcome.refused[code] ?? 0) + 1;
        return;
      }
      outcome.gaveUp += 1;
    };
    const readProfile = async (seq) => {
      const buyer = sale.people[seq % sale.people.length];
      await call('profile', 'GET', '/v1/me/profile', buyer.token);
    };
    const interval = 1000 / settings.rate;
    let seq = 0;
    const loadStartedAt = at();
    const load = (async () => {
      let next = performance.now();
      while (running) {
        const mine = seq++;
        const work = placeOne(mine);
        pending.add(work);
        work.finally(() => pending.delete(work));
        // One identity call for every four orders, so an identity outage shows up too.
        if (mine % 4 === 0) {
          const read = readProfile(mine);
          pending.add(read);
          read.finally(() => pending.delete(read));
        }
        next += interval;
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
      }
    })();

    // ------------------------------------------------------------------ the kills
    const kills = [];
    log(`steady load: ${settings.rate} orders/s (+ ${settings.rate / 4} profile reads/s); kills: ${settings.kills.join(', ')}`);
    await sleep(settings.steadySeconds * 1000);
    for (const target of settings.kills) {
      if (target === 'nats' && !nats) {
        kills.push({ target, skipped: 'the shared NATS of the machine is never stopped (--shared-nats)' });
        continue;
      }
      const killedAt = at();
      const entry = { target, killedAt: round(killedAt / 1000, 2) };
      if (target === 'nats') {
        await nats.kill();
        log(`  ${round(killedAt / 1000, 1)} s: nats-server killed (SIGKILL); starting it again in ${settings.natsDownSeconds} s`);
        await sleep(settings.natsDownSeconds * 1000);
        await nats.start();
        entry.restartedAfterSeconds = round((at() - killedAt) / 1000, 2);
      } else {
        const pid = supervisor.child(target).pid;
        const respawn = supervisor.nextSpawn(target, 60_000);
        process.kill(pid, 'SIGKILL');
        log(`  ${round(killedAt / 1000, 1)} s: ${target} (pid ${pid}) killed (SIGKILL)`);
        const spawned = await respawn;
        entry.restartedAfterSeconds = round((at() - killedAt) / 1000, 2);
        entry.newPid = spawned.pid;
      }
      await until(`${target} healthy again`, 120_000, () => up(target), 100);
      const healthyAt = at();
      entry.healthyAfterSeconds = round((healthyAt - killedAt) / 1000, 2);
      const kind = target === 'identity' ? 'profile' : 'orders';
      // Client-side recovery: from the kill to the first success of the affected calls after their
      // first failure (0 when no client call failed).
      const firstFail = observations.firstFailure(kind, killedAt);
      if (firstFail !== undefined) {
        const okAgain = await until(`a successful ${kind} call after ${target} recovered`, 60_000, () => observations.firstOk(kind, firstFail), 100);
        entry.clientsServedAgainAfterSeconds = round((okAgain - killedAt) / 1000, 2);
      } else {
        entry.clientsServedAgainAfterSeconds = 0;
      }
      if (target !== 'nats') entry.restarts = supervisor.restarts(target);
      // Responses that arrived from the kill until 6 s after healthy, so requests that were in flight
      // at the kill and timed out (RPC_TIMEOUT_MS, 5 s) are counted too.
      await sleep(Math.max(0, healthyAt + 6_000 - at()));
      entry.clientsSaw = observations.between(killedAt, healthyAt + 6_000);
      kills.push(entry);
      log(`    healthy after ${entry.healthyAfterSeconds} s; clients saw ${JSON.stringify(entry.clientsSaw)}`);
      await sleep(settings.steadySeconds * 1000);
    }
    running = false;
    await load;
    log('load stopped; waiting for the retries still in flight …');
    await Promise.allSettled([...pending]);
    const loadSeconds = (at() - loadStartedAt) / 1000;

    // ------------------------------------------------------------------ the books
    log('verifying every accepted order in the orders database, its outbox and the ORDERS stream …');
    const checks = await verify({ db: ordersDb, nc, prefix, hots: [hot], hotStock: 1_000_000, hotLimit: 999, accepted });
    const keyDuplicatesInDb = Number(
      (await ordersDb.query(`SELECT count(*)::int AS n FROM (SELECT user_id, idempotency_key FROM orders WHERE idempotency_key LIKE $1 GROUP BY 1, 2 HAVING count(*) > 1) d`, [`faults-${tag}-%`])).rows[0].n,
    );
    const keysGivenTwoOrders = [...orderIdsByKey.values()].filter((ids) => ids.size > 1).length;
    const duplicates = keyDuplicatesInDb + keysGivenTwoOrders + checks.orders.duplicateEvents;
    const all = observations.between(0, Infinity);

    const result = {
      benchmark: 'faults',
      machine: { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, nats: nats ? nats.version : `shared ${natsUrl}`, date: new Date().toISOString(), loadAverageAtStart: loadavg().map((v) => round(v, 2)) },
      settings: { ...settings, natsKill: nats ? 'private nats-server (own JetStream store), SIGKILL, started again' : 'skipped: shared NATS' },
      // The gateway answered (with a status, never a refused connection) through every kill but its own.
      verdict: {
        lost: checks.lost,
        duplicates,
        gatewayAnsweredThroughOtherKills: kills.filter((k) => k.clientsSaw && k.target !== 'gateway').every((k) => Object.values(k.clientsSaw).every((counts) => Object.keys(counts).every((key) => !key.startsWith('0 ')))),
      },
      kills,
      orders: {
        logicalOrders: seq,
        placed: outcome.placed,
        refused: outcome.refused,
        gaveUp: outcome.gaveUp,
        retries: outcome.retries,
        latencyMsIncludingRetries: latencySummary(latencies),
        acceptedByClients: accepted.size,
        inDatabase: checks.orders.inDatabase,
        missing: checks.orders.missing,
        outboxPlacedEvents: checks.orders.outboxPlacedEvents,
        streamPlacedEvents: checks.orders.streamPlacedEvents,
        duplicateEvents: checks.orders.duplicateEvents,
        idempotencyKeysWithTwoOrdersInDb: keyDuplicatesInDb,
        idempotencyKeysGivenTwoOrderIds: keysGivenTwoOrders,
        oversold: checks.oversold,
      },
      clientsSawOverall: all,
      loadSeconds: round(loadSeconds, 1),
      notes: [
        'Clients retry an order that got no answer, a 5xx or a network error with the same idempotency key (up to 60 tries), as a real client would; every attempt is counted in the status/code tables.',
        'A request in flight when its service dies gets no reply and ends as 504 COMMON.TIMEOUT after RPC_TIMEOUT_MS (5 s); requests made after NATS dropped the dead subscriber get 503 COMMON.UNAVAILABLE at once (no responders).',
        "NATS: the machine's nats-server (127.0.0.1:4222) is a system service shared by everyone on the machine, so the bench never stops it; it kills and restarts a private nats-server with a JetStream file store of its own instead.",
      ],
    };
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    log(`\nlost ${checks.lost}, duplicates ${duplicates}; ${accepted.size} orders accepted of ${seq} sent over ${round(loadSeconds, 1)} s`);
    for (const kill of kills) {
      log(`  ${kill.target.padEnd(8)} ${kill.skipped ?? `restarted after ${kill.restartedAfterSeconds} s, healthy after ${kill.healthyAfterSeconds} s, clients served again after ${kill.clientsServedAgainAfterSeconds} s`}`);
    }
    log(`results in ${args.out}`);
    if (checks.lost > 0 || duplicates > 0) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((error) => log(`cleanup: ${error.message}`));
  }
}

main().catch((error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
