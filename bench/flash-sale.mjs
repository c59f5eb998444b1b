#!/usr/bin/env node
// Flash-sale benchmark (`npm run bench -- flash-sale [options]`): the real gateway, identity,
// leader-ops and orders processes on fresh databases and a subject prefix of their own; thousands of
// residents signed in by OTP; a hot SKU sold out under a closed loop (saturation), then a fixed
// open-loop load over a spread of SKUs (latency); every accepted order checked against the orders
// database and the ORDERS stream; and the naive one-row design measured with pgbench on the same
// PostgreSQL for the ratio. Writes bench/results/flash-sale.json and prints a table.
// See bench/README.md for what the numbers mean.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { benchArgs } from './lib/bench-args.mjs';
import { ConnectionPool, buildRequest, jsonApi, openConnections } from './lib/bench-http.mjs';
import { buildApps, createDatabases, freePort, pgClient, setUpFlashSale, startService, subjectPrefix, withDatabase } from './lib/bench-platform.mjs';
import { CpuMeter, PgActivitySampler, pidsNamed } from './lib/bench-proc.mjs';
import { STATS_FLUSH_MS, countStatements, cpuMsPerOrder, databaseCostPerOrder, databaseCounters, serverLogFile, streamCostPerOrder, streamCounters } from './lib/bench-cost.mjs';
import { latencySummary, median, round, table } from './lib/bench-stats.mjs';
import { verify } from './lib/bench-verify.mjs';
import { naiveCeiling } from './lib/pgbench.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const options = {
  buyers: { type: 'string', default: '2000' },
  compounds: { type: 'string', default: '20' },
  'hot-stock': { type: 'string', default: '5000' },
  'hot-limit': { type: 'string', default: '5' },
  'spread-skus': { type: 'string', default: '20' },
  rounds: { type: 'string', default: '3' },
  'saturation-limit-seconds': { type: 'string', default: '120' },
  connections: { type: 'string', default: '' },
  'warmup-seconds': { type: 'string', default: '5' },
  rate: { type: 'string', default: '1000' },
  'other-rates': { type: 'string', default: '300,500,700' },
  seconds: { type: 'string', default: '30' },
  'pgbench-seconds': { type: 'string', default: '10' },
  'pgbench-repeats': { type: 'string', default: '3' },
  'accounting-rate': { type: 'string', default: '300' },
  'accounting-seconds': { type: 'string', default: '5' },
  'no-pgbench': { type: 'boolean', default: false },
  'no-build': { type: 'boolean', default: false },
  'keep-databases': { type: 'boolean', default: false },
  'cpu-prof': { type: 'boolean', default: false },
  'orders-pool': { type: 'string', default: '' },
  env: { type: 'string', multiple: true, default: [] },
  out: { type: 'string', default: join(root, 'bench', 'results', 'flash-sale.json') },
  server: { type: 'string', default: process.env.DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
  nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
};
const args = benchArgs('flash-sale', options, 'bench/README.md: what each phase measures');
const int = (name) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
};
const settings = {
  buyers: int('buyers'),
  compounds: int('compounds'),
  hotStock: int('hot-stock'),
  hotLimit: int('hot-limit'),
  spreadSkus: int('spread-skus'),
  saturationRounds: Math.max(1, int('rounds')),
  saturationLimitSeconds: int('saturation-limit-seconds'),
  connections: args.connections ? int('connections') : int('buyers'),
  warmupSeconds: int('warmup-seconds'),
  rate: int('rate'),
  rates: [...new Set([int('rate'), ...(args['other-rates'] ? args['other-rates'].split(',').map((r) => Number(r)) : [])])].filter((r) => Number.isInteger(r) && r > 0),
  seconds: int('seconds'),
  pgbenchSeconds: int('pgbench-seconds'),
  pgbenchRepeats: Math.max(1, int('pgbench-repeats')),
  accountingRate: int('accounting-rate'),
  accountingSeconds: int('accounting-seconds'),
  ordersPoolSize: args['orders-pool'] ? int('orders-pool') : undefined,
  extraEnv: Object.fromEntries(args.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
};
const log = (message) => console.log(message);
const now = () => performance.now();
const HOST = '127.0.0.1';

const ORDER_ID = /"orderId":"([0-9a-f-]{36})"/;
const ERROR_CODE = /"code":"([A-Z_.]+)"/;

async function withClient(url, fn) {
  const client = pgClient(url);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function machine(pgVersion, natsVersion) {
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres: pgVersion,
    nats: natsVersion,
    date: new Date().toISOString(),
    commit: git('rev-parse', 'HEAD'),
    uncommittedCodeChanges: git('status', '--porcelain', '--', 'apps', 'libs').split('\n').filter(Boolean).length,
    loadAverageAtStart: loadavg().map((v) => round(v, 2)),
  };
}

async function main() {
  const started = now();
  buildApps(root, args, log);
  const tag = randomBytes(4).toString('hex');
  const prefix = subjectPrefix();
  const secret = randomBytes(24).toString('hex');
  const cleanups = [];
  const services = [];
  let nc;
  try {
    // ------------------------------------------------------------------ platform
    const dbs = await createDatabases(root, args.server, ['identity', 'leader-ops', 'orders'], tag);
    if (args['keep-databases']) log(`keeping the databases: ${dbs.names.join(', ')}`);
    else cleanups.push(() => dbs.drop());
    const ordersDbName = new URL(dbs.urls.orders).pathname.slice(1);
    // Time spent in each of the orders database's PL/pgSQL functions (read back after the run).
    await withClient(withDatabase(args.server, 'postgres'), (c) => c.query(`ALTER DATABASE "${ordersDbName}" SET track_functions = 'pl'`));
    nc = await connect({ servers: args.nats, name: 'bench-flash-sale' });
    cleanups.push(async () => {
      const { jetstreamManager } = await import('@nats-io/jetstream');
      const jsm = await jetstreamManager(nc);
      const upper = `${prefix.replace(/-/g, '_').toUpperCase()}_`;
      for await (const stream of jsm.streams.list()) if (stream.config.name.startsWith(upper)) await jsm.streams.delete(stream.config.name).catch(() => undefined);
    });
    const port = await freePort();
    const profileDir = join(root, 'bench', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
    const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const common = { NATS_URL: args.nats, NATS_SUBJECT_PREFIX: prefix, AUTH_TOKEN_SECRET: secret, LOG_LEVEL: 'log', ...settings.extraEnv };
    const env = {
      identity: { ...common, DATABASE_URL: dbs.urls.identity, ACCESS_TOKEN_TTL_SECONDS: '7200', OTP_BUDGET_PER_CLIENT_PER_HOUR: '1000000', OTP_BUDGET_PER_PREFIX_PER_HOUR: '1000000' },
      'leader-ops': { ...common, DATABASE_URL: dbs.urls['leader-ops'] },
      orders: {
        ...common,
        DATABASE_URL: dbs.urls.orders,
        PAYMENT_WEBHOOK_SECRET: secret,
        ...(settings.ordersPoolSize ? { DATABASE_POOL_SIZE: String(settings.ordersPoolSize) } : {}),
      },
      gateway: {
        ...common,
        HTTP_PORT: String(port),
        DEV_ROUTES: 'true',
        // Every buyer comes from 127.0.0.1: the per-client limit would otherwise refuse the load.
        RATE_LIMIT_PER_MINUTE_CLIENT: '1000000',
        RATE_LIMIT_PER_MINUTE_USER: '1000000',
      },
    };
    const logDir = join(tmpdir(), `linli-bench-${tag}`);
    mkdirSync(logDir, { recursive: true });
    for (const name of ['identity', 'leader-ops', 'orders', 'gateway']) {
      services.push(await startService(root, name, env[name], { nodeArgs, logFile: join(logDir, `${name}.log`) }));
    }
    log(`service logs in ${logDir}`);
    cleanups.push(async () => {
      for (const service of [...services].reverse()) await service.stop();
    });
    const pid = (name) => services.find((s) => s.name === name).pid;
    log(`services up (prefix ${prefix}, gateway on ${HOST}:${port}) in ${((now() - started) / 1000).toFixed(1)} s`);

    const ordersDb = pgClient(dbs.urls.orders);
    await ordersDb.connect();
    cleanups.push(() => ordersDb.end());
    const pgVersion = (await ordersDb.query('SHOW server_version')).rows[0].server_version;
    const info = machine(pgVersion, nc.info?.version ?? 'unknown');

    // ------------------------------------------------------------------ people and catalogue
    log('setting up the sale through the gateway …');
    const api = jsonApi(HOST, port, { connections: 64 });
    const sale = await setUpFlashSale({
      api,
      nc,
      prefix,
      ordersDb,
      buyers: settings.buyers,
      compounds: settings.compounds,
      hotStock: settings.hotStock,
      hotLimit: settings.hotLimit,
      spreadSkus: settings.spreadSkus,
      hotSkus: settings.saturationRounds,
      spreadStock: 5_000_000,
      log,
    });
    api.close();

    const hostHeader = `${HOST}:${port}`;
    const orderBytes = (buyer, key, lines, total) =>
      buildRequest({
        method: 'POST',
        path: '/v1/orders',
        host: hostHeader,
        token: buyer.token,
        body: `{"campaignId":"${sale.campaignId}","idempotencyKey":"${key}","lines":${JSON.stringify(lines)},"expectedTotalCents":${total}}`,
      });
    const accepted = new Map(); // order id → units, over every phase

    // What each group of processes costs, and what the benchmark's database backends are doing.
    const meterDb = pgClient(withDatabase(args.server, 'postgres'));
    await meterDb.connect();
    cleanups.push(() => meterDb.end());
    const meter = () =>
      new CpuMeter({
        gateway: () => [pid('gateway')],
        orders: () => [pid('orders')],
        identity: () => [pid('identity')],
        'leader-ops': () => [pid('leader-ops')],
        // Every PostgreSQL server process (backends, WAL writer, checkpointer): the server is the benchmark's own.
        postgres: () => pidsNamed('postgres'),
        'nats-server': () => pidsNamed('nats-server'),
      });

    // What each accepted order costs in the databases and on the streams, between two readings.
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const jsm = await jetstreamManager(nc);
    const databaseNames = Object.fromEntries(Object.entries(dbs.urls).map(([label, url]) => [label, new URL(url).pathname.slice(1)]));
    const streamNames = Object.fromEntries(['orders', 'leader-ops', 'identity'].map((domain) => [domain, `${prefix.replace(/-/g, '_').toUpperCase()}_${domain.replace(/-/g, '_').toUpperCase()}`]));
    const costMeter = async () => {
      const before = { db: await databaseCounters(meterDb, databaseNames), streams: await streamCounters(jsm, streamNames) };
      return async (cpu, orders) => {
        await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
        const after = { db: await databaseCounters(meterDb, databaseNames), streams: await streamCounters(jsm, streamNames) };
        return {
          acceptedOrders: orders,
          cpuMs: cpuMsPerOrder(cpu, orders),
          database: databaseCostPerOrder(before.db, after.db, orders),
          streams: streamCostPerOrder(before.streams, after.streams, orders),
        };
      };
    };

    log(`opening ${settings.connections} keep-alive connections …`);
    const connections = await openConnections(HOST, port, settings.connections, { timeoutMs: 60_000 });
    cleanups.push(() => connections.forEach((c) => c.destroy()));

    // ------------------------------------------------------------------ warm-up
    const spreadOrder = (rand) => {
      const count = 1 + (rand() < 0.4 ? 1 : 0);
      const first = Math.floor(rand() * sale.spread.length);
      const picks = count === 1 ? [first] : [first, (first + 1 + Math.floor(rand() * (sale.spread.length - 1))) % sale.spread.length];
      const lines = picks.map((i) => ({ offerId: sale.spread[i].offerId, quantity: 1 + Math.floor(rand() * 2) }));
      const total = lines.reduce((sum, line, k) => sum + line.quantity * sale.spread[picks[k]].priceCents, 0);
      return { lines, total, units: lines.reduce((s, l) => s + l.quantity, 0) };
    };
    const rand = seeded(42);
    if (settings.warmupSeconds > 0) {
      log(`warm-up: ${settings.warmupSeconds} s closed loop over the spread with 64 buyers …`);
      const until = now() + settings.warmupSeconds * 1000;
      let n = 0;
      await Promise.all(
        Array.from({ length: 64 }, async (_, w) => {
          for (let k = 0; now() < until; k++) {
            const buyer = sale.people[(w * 31 + k) % sale.people.length];
            const order = spreadOrder(rand);
            const response = await connections[w].request(orderBytes(buyer, `warm-${w}-${k}`, order.lines, order.total)).catch(() => ({ status: 0, body: '' }));
            if (response.status === 201) accepted.set(ORDER_ID.exec(response.body)[1], order.units);
            n++;
          }
        }),
      );
      log(`  ${n} warm-up orders`);
    }

    // ------------------------------------------------------------------ saturation
    const rounds = [];
    for (let r = 0; r < settings.saturationRounds; r++) {
      const hot = sale.hots[r];
      const hotBody = [{ offerId: hot.offerId, quantity: 1 }];
      const outcome = { accepted: 0, attempts: 0, exhausted: 0, limitReached: 0, retries: 0, failures: {} };
      const cpu = meter();
      const sampler = new PgActivitySampler(meterDb, [ordersDbName], 50);
      const cost = await costMeter();
      await cpu.start();
      sampler.start();
      const t0 = now();
      const deadline = t0 + settings.saturationLimitSeconds * 1000;
      let lastAccepted = t0;
      const latencies = [];
      // Closed loop: as many orders in flight as there are connections; each connection takes the
      // buyer waiting longest, sends that buyer's next order, and puts the buyer back at the end of
      // the line once answered — until the buyer is told the SKU is sold out or its limit is reached.
      const line = sale.people.map((buyer, b) => ({ buyer, b, n: 0, tries: 0 }));
      let head = 0;
      await Promise.all(
        connections.map(async (connection) => {
          while (head < line.length && now() < deadline) {
            const turn = line[head++];
            const sent = now();
            let response;
            try {
              response = await connection.request(orderBytes(turn.buyer, `sat-${r}-${turn.b}-${turn.n}`, hotBody, hot.priceCents));
            } catch (error) {
              response = { status: 0, body: String(error) };
            }
            outcome.attempts++;
            if (response.status === 201) {
              const at = now();
              latencies.push(at - sent);
              lastAccepted = at;
              outcome.accepted++;
              accepted.set(ORDER_ID.exec(response.body)[1], 1);
              turn.n++;
              turn.tries = 0;
              line.push(turn);
              continue;
            }
            const code = ERROR_CODE.exec(response.body)?.[1] ?? `HTTP ${response.status}`;
            if (code === 'ORDERS.STOCK_EXHAUSTED') outcome.exhausted++;
            else if (code === 'ORDERS.LIMIT_EXCEEDED') outcome.limitReached++;
            else if ((response.status === 0 || response.status >= 500) && turn.tries < 3) {
              // Lost answer or overload: the buyer retries with the same idempotency key (never a second order).
              outcome.retries++;
              turn.tries++;
              line.push(turn);
            } else outcome.failures[code] = (outcome.failures[code] ?? 0) + 1;
          }
        }),
      );
      const seconds = (lastAccepted - t0) / 1000;
      const cpuUsed = await cpu.stop();
      const round_ = {
        round: r + 1,
        ...outcome,
        secondsToSellOut: round(seconds, 3),
        ordersPerSecond: round(outcome.accepted / seconds, 1),
        acceptedLatency: latencySummary(latencies),
        cpu: cpuUsed,
        postgresBackends: await sampler.stop(),
      };
      round_.costPerOrder = await cost(cpuUsed, outcome.accepted);
      rounds.push(round_);
      log(
        `saturation round ${r + 1}: ${outcome.accepted} orders in ${seconds.toFixed(2)} s = ${round_.ordersPerSecond} orders/s ` +
          `(${outcome.attempts} requests, ${outcome.exhausted} sold-out answers, ${outcome.retries} retries, failures ${JSON.stringify(outcome.failures)})`,
      );
      log(`  cores used: ${JSON.stringify(round_.cpu.cores)}`);
      log(`  orders' database backends (average): ${JSON.stringify(round_.postgresBackends.averageBackends)}`);
    }

    // ------------------------------------------------------------------ latency at fixed loads
    const pool = new ConnectionPool(connections);
    let planIndex = 0;
    const fixedLoadAt = async (rate, seconds = settings.seconds) => {
      const total = rate * seconds;
      log(`latency: open loop, ${rate} orders/s for ${seconds} s over ${sale.spread.length} SKUs (${total} orders) …`);
      const planned = Array.from({ length: total }, () => {
        const i = planIndex++;
        const order = spreadOrder(rand);
        return { bytes: orderBytes(sale.people[i % sale.people.length], `fixed-load-${i}`, order.lines, order.total), units: order.units };
      });
      const latency = new Float64Array(total);
      const codes = {};
      let ok = 0;
      let lastDone = 0;
      let lastSent = 0;
      let maxLag = 0;
      let abandoned = 0;
      const cpu = meter();
      const sampler = new PgActivitySampler(meterDb, [ordersDbName], 100);
      const cost = await costMeter();
      await cpu.start();
      sampler.start();
      const interval = 1000 / rate;
      const t0 = now() + 50;
      const inFlight = [];
      await new Promise((resolve) => {
        let i = 0;
        const tick = () => {
          const at = now();
          while (i < total && t0 + i * interval <= at) {
            const index = i++;
            const scheduled = t0 + index * interval;
            maxLag = Math.max(maxLag, at - scheduled);
            lastSent = at;
            inFlight.push(
              pool
                .request(planned[index].bytes)
                .catch((error) => ({ status: 0, body: String(error) }))
                .then((response) => {
                  const done = now();
                  latency[index] = done - scheduled;
                  lastDone = Math.max(lastDone, done);
                  if (response.status === 201) {
                    ok++;
                    accepted.set(ORDER_ID.exec(response.body)[1], planned[index].units);
                  } else {
                    const code = ERROR_CODE.exec(response.body)?.[1] ?? `HTTP ${response.status}`;
                    codes[code] = (codes[code] ?? 0) + 1;
                  }
                }),
            );
          }
          if (i < total) setTimeout(tick, Math.max(0, t0 + i * interval - now()));
          else resolve();
        };
        setTimeout(tick, Math.max(0, t0 - now()));
      });
      // Bounded: whatever is still queued in the client 30 s after the last arrival is given up (and
      // counted as failed, with the time it had waited as its latency — a lower bound).
      const grace = setTimeout(() => {
        abandoned = pool.abandon();
      }, 30_000);
      await Promise.all(inFlight);
      clearTimeout(grace);
      const cpuUsed = await cpu.stop();
      const load = {
        offeredRate: rate,
        orders: total,
        sendSeconds: round((lastSent - t0) / 1000, 3),
        generatorMaxLagMs: round(maxLag, 2),
        succeeded: ok,
        failed: codes,
        abandoned,
        achievedRate: round(ok / ((lastDone - t0) / 1000), 1),
        ...latencySummary(latency),
        cpu: cpuUsed,
        postgresBackends: await sampler.stop(),
      };
      load.costPerOrder = await cost(cpuUsed, ok);
      log(
        `  achieved ${load.achievedRate} orders/s; p50 ${load.p50Ms} ms, p95 ${load.p95Ms} ms, p99 ${load.p99Ms} ms, max ${load.maxMs} ms; failures ${JSON.stringify(codes)}`,
      );
      log(`  cores used: ${JSON.stringify(load.cpu.cores)}`);
      return load;
    };
    // Ascending, so that an overloaded rate (and the backlog it leaves) comes last; 5 s of quiet before each.
    const fixedLoads = [];
    for (const rate of [...settings.rates].sort((a, b) => a - b)) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      fixedLoads.push(await fixedLoadAt(rate));
    }
    const fixedLoad = fixedLoads.find((load) => load.offeredRate === settings.rate);

    // ------------------------------------------------------------------ statements per order
    // A phase of its own at a modest rate: the server logs every statement meanwhile, which costs time.
    let statements = { skipped: 'no readable server log (pg_lsclusters) or --accounting-seconds 0' };
    const logFile = settings.accountingSeconds > 0 ? serverLogFile(new URL(args.server).port || '5432') : null;
    if (logFile) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      log(`statements per order: ${settings.accountingRate} orders/s for ${settings.accountingSeconds} s with every statement logged (${logFile}) …`);
      const counted = await countStatements(meterDb, logFile, databaseNames, () => fixedLoadAt(settings.accountingRate, settings.accountingSeconds));
      const orders = counted.outcome.succeeded;
      statements = {
        offeredRate: settings.accountingRate,
        seconds: settings.accountingSeconds,
        acceptedOrders: orders,
        note: 'statements the services sent while the phase ran, per accepted order; each is one round trip (BEGIN and COMMIT included); from log_statement = all',
        perOrder: Object.fromEntries(Object.entries(counted.counts).map(([label, c]) => [label, round(c.statements / Math.max(1, orders), 2)])),
        byKind: Object.fromEntries(Object.entries(counted.counts).map(([label, c]) => [label, Object.fromEntries(Object.entries(c.byKind).map(([k, n]) => [k, round(n / Math.max(1, orders), 2)]))])),
      };
      log(`  statements per order: ${JSON.stringify(statements.perOrder)}`);
    }
    const sustained = fixedLoads.filter((load) => load.p99Ms < 100 && Object.keys(load.failed).length === 0 && load.abandoned === 0);
    const highestRateUnder100Ms = sustained.length ? Math.max(...sustained.map((load) => load.offeredRate)) : null;

    // ------------------------------------------------------------------ verification
    log('verifying every accepted order in the orders database and on the ORDERS stream …');
    const functions = (
      await ordersDb.query(
        `SELECT funcname AS name, calls::int, round((total_time / greatest(calls, 1))::numeric, 3)::float AS "totalMsPerCall",
                round((self_time / greatest(calls, 1))::numeric, 3)::float AS "selfMsPerCall"
           FROM pg_stat_user_functions ORDER BY total_time DESC`,
      )
    ).rows;
    log(`  database functions (ms per call): ${functions.map((f) => `${f.name} ${f.totalMsPerCall} × ${f.calls}`).join(', ')}`);
    const checks = await verify({ db: ordersDb, nc, prefix, hots: sale.hots, hotStock: settings.hotStock, hotLimit: settings.hotLimit, accepted });
    const { oversold, lost } = checks;
    log(`  oversold ${oversold}, lost ${lost}; ${JSON.stringify(checks.orders)}`);
    for (const hot of checks.hots) log(`  hot SKU: ${JSON.stringify(hot)}`);

    // ------------------------------------------------------------------ stop, then the naive ceiling
    for (const service of [...services].reverse()) await service.stop();
    let pgbench = { tps: NaN, runs: [], clients: NaN };
    if (!args['no-pgbench']) {
      log(`pgbench: the naive one-row design, ${settings.pgbenchSeconds} s each at 1, 4 and 16 clients, ${settings.pgbenchRepeats} times …`);
      pgbench = await naiveCeiling({ serverUrl: args.server, seconds: settings.pgbenchSeconds, repeats: settings.pgbenchRepeats });
      log(`  ${pgbench.byClients.map((r) => `${r.clients} clients: median ${round(r.medianTps, 0)} TPS (${r.runs.map((t) => round(t, 0)).join(' / ')}; spread ${r.spreadPercent}%)`).join('\n  ')}`);
    }

    const ordersPerSecond = round(median(rounds.map((r) => r.ordersPerSecond)), 1);
    const medianRound = [...rounds].sort((a, b) => a.ordersPerSecond - b.ordersPerSecond)[Math.floor(rounds.length / 2)];
    const result = {
      buyers: settings.buyers,
      hotSkuStock: settings.hotStock,
      accepted: medianRound.accepted,
      oversold,
      lost,
      ordersPerSecond,
      offeredRate: settings.rate,
      achievedRate: fixedLoad.achievedRate,
      p50Ms: fixedLoad.p50Ms,
      p95Ms: fixedLoad.p95Ms,
      p99Ms: fixedLoad.p99Ms,
      highestRateWithP99Under100Ms: highestRateUnder100Ms,
      pgbenchTps: round(pgbench.tps, 1),
      costPerOrder: {
        saturation: medianRound.costPerOrder,
        [`at${fixedLoad.offeredRate}PerSecond`]: fixedLoad.costPerOrder,
        statements,
        note: 'cpuMs: CPU-milliseconds of each process group per accepted order (PostgreSQL: every server process); database: per accepted order, from pg_stat_database per service database and pg_stat_wal for the server; streams: messages and bytes added to each event stream per accepted order',
      },
      ratio: round(ordersPerSecond / pgbench.tps, 3),
      targets: {
        p99Under100MsAt1000: fixedLoad.p99Ms < 100 && settings.rate >= 1000,
        ratioAtLeast1: ordersPerSecond / pgbench.tps >= 1,
        ratioAtLeastHalf: ordersPerSecond / pgbench.tps >= 0.5,
      },
      machine: info,
      settings: {
        ...settings,
        saturation: `closed loop: ${settings.connections} keep-alive connections, each with one order in flight; a connection takes the buyer waiting longest and sends that buyer's next order as soon as an answer arrives; a buyer stops at its first sold-out or limit answer; ${settings.saturationRounds} rounds, each on its own hot SKU of ${settings.hotStock} units; ordersPerSecond is the median round`,
        latency: `open loop: arrival times fixed in advance at each of ${settings.rates.join(', ')} orders/s (ascending, ${settings.seconds} s each, after 5 s of quiet; the headline is ${settings.rate}/s), sent over a pool of the same ${settings.connections} connections; latency from the scheduled send time to the full answer`,
        signIn: `every buyer signed in through POST /v1/auth/otp, GET /v1/dev/sms-outbox, POST /v1/auth/otp/verify, then PUT /v1/me/pickup-point (${round(sale.signUpSeconds, 1)} s for all)`,
        services: 'gateway, identity, leader-ops, orders: one process each, built with node tools/build.mjs, LOG_LEVEL=log, default pools unless set',
        env: { gateway: { RATE_LIMIT_PER_MINUTE_CLIENT: env.gateway.RATE_LIMIT_PER_MINUTE_CLIENT, RATE_LIMIT_PER_MINUTE_USER: env.gateway.RATE_LIMIT_PER_MINUTE_USER }, extra: settings.extraEnv },
      },
      saturationRounds: rounds,
      fixedLoads,
      pgbench,
      databaseFunctions: functions,
      verification: checks,
      benchSeconds: round((now() - started) / 1000, 1),
    };
    if (args['cpu-prof']) result.profiles = profileDir;
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `\n${table('Flash sale through the gateway', [
        ['buyers (signed in by OTP)', result.buyers],
        ['hot SKU stock', result.hotSkuStock],
        ['saturation rounds', `${rounds.map((r) => r.ordersPerSecond).join(' / ')} orders/s`],
        ['accepted (median round)', result.accepted],
        ['oversold units', result.oversold],
        ['lost orders', result.lost],
        ['throughput (median)', `${result.ordersPerSecond} orders/s`],
        ['offered / achieved rate', `${result.offeredRate} / ${result.achievedRate} orders/s`],
        ['latency p50 / p95 / p99', `${result.p50Ms} / ${result.p95Ms} / ${result.p99Ms} ms`],
        ...fixedLoads
          .filter((load) => load !== fixedLoad)
          .map((load) => [`  at ${load.offeredRate}/s`, `p50 ${load.p50Ms} / p95 ${load.p95Ms} / p99 ${load.p99Ms} ms, ${load.achievedRate} achieved`]),
        ['highest rate with p99 < 100 ms', highestRateUnder100Ms === null ? 'none of the rates run' : `${highestRateUnder100Ms} orders/s`],
        ['pgbench naive ceiling', `${result.pgbenchTps} TPS (median of ${settings.pgbenchRepeats} at ${pgbench.clients} clients)`],
        ['CPU-ms per order (saturation)', Object.entries(medianRound.costPerOrder.cpuMs).map(([k, v]) => `${k} ${v}`).join(', ')],
        [`CPU-ms per order (${fixedLoad.offeredRate}/s)`, Object.entries(fixedLoad.costPerOrder.cpuMs).map(([k, v]) => `${k} ${v}`).join(', ')],
        ['statements per order', statements.perOrder ? Object.entries(statements.perOrder).map(([k, v]) => `${k} ${v}`).join(', ') : statements.skipped],
        ['ratio', result.ratio],
        ['machine', `${info.nproc} cores (${info.cpu}), ${info.memoryGiB} GiB, node ${info.node}, PostgreSQL ${info.postgres}, NATS ${info.nats}`],
        ['commit', `${info.commit}${info.uncommittedCodeChanges ? ` (+${info.uncommittedCodeChanges} uncommitted files under apps/ and libs/)` : ''}`],
        ['wrote', args.out],
        ['took', `${result.benchSeconds} s`],
      ])}`,
    );
    if (oversold !== 0 || lost !== 0 || !checks.limitHeld || !checks.stockAccounted) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch((error) => console.error(`cleanup: ${error.message}`));
    if (nc) await nc.close().catch(() => undefined);
    if (args['cpu-prof']) {
      try {
        log(`CPU profiles: ${readdirSync(join(root, 'bench', 'profiles')).length ? join(root, 'bench', 'profiles') : 'none'}`);
      } catch {
        // none written
      }
    }
  }
}

/** A small deterministic generator (mulberry32), so every run asks for the same orders. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

main().catch((error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
