// The platform under benchmark: fresh databases, real service processes (built apps, like the e2e
// harness) under a subject prefix of their own, and the people and catalogue of a flash sale,
// created through the public HTTP API the way clients would.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

/** Builds the apps the benchmark starts (`node tools/build.mjs`), unless `--no-build` was given. */
export function buildApps(root, args, log) {
  if (args['no-build']) return;
  log('building the apps (node tools/build.mjs) …');
  const built = spawnSync(process.execPath, [join(root, 'tools', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
}

export function withDatabase(server, database) {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A migrated database of its own for each service; `drop()` removes them all. */
export async function createDatabases(root, server, services, tag) {
  const { migrate, dropDatabase } = await import('@linli/nest-kit');
  const urls = {};
  for (const service of services) {
    const url = withDatabase(server, `linli_bench_${service.replace(/-/g, '_')}_${tag}`);
    await dropDatabase(url).catch(() => undefined);
    await migrate({ databaseUrl: url, migrationsDir: join(root, 'libs', service, 'data-access', 'prisma', 'migrations'), createDatabase: true });
    urls[service] = url;
  }
  return {
    urls,
    names: Object.values(urls).map((url) => new URL(url).pathname.slice(1)),
    drop: async () => {
      for (const url of Object.values(urls)) await dropDatabase(url).catch(() => undefined);
    },
  };
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `apps/<name>/dist/main.js` and waits for its ready line. */
export async function startService(root, name, env, { nodeArgs = [], readyPattern = /ready|listening on/i, label = name, logFile } = {}) {
  const main = join(root, 'apps', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing; build first`);
  const child = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', main], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  let size = 0;
  const file = logFile ? createWriteStream(logFile) : undefined;
  const collect = (chunk) => {
    file?.write(chunk);
    // Keep the first and the last lines only: setup logs a line per sign-in.
    output.push(chunk.toString());
    size += chunk.length;
    while (size > 200_000 && output.length > 2) size -= output.splice(1, 1)[0].length;
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start:\n${output.join('')}`)), 60_000);
    const check = () => {
      if (readyPattern.test(output.join(''))) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        child.stderr.off('data', check);
        child.off('exit', exited);
        resolve();
      }
    };
    const exited = (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code}:\n${output.join('')}`));
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', exited);
  });
  return {
    name: label,
    pid: child.pid,
    output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
}

export function subjectPrefix() {
  return `bench-${randomBytes(4).toString('hex')}`;
}

/** Runs `fn` over `items` with at most `limit` at a time; returns results in order. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index], index);
      }
    }),
  );
  return results;
}

/** Polls `check` every `intervalMs` until it returns a truthy value (returned), or fails naming `what`. */
export async function until(what, timeoutMs, check, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const phoneOf = (kind, i) => `+86${kind === 'ops' ? '137' : kind === 'leader' ? '138' : '139'}${String(i).padStart(8, '0')}`;

/** Signs a phone in through the real OTP flow: request a code, read it from the development SMS outbox, verify. */
export async function signIn(api, phone) {
  await api.must('POST', '/v1/auth/otp', { body: { phone } });
  const outbox = await api.must('GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
  return api.must('POST', '/v1/auth/otp/verify', { body: { phone, code: outbox.messages[0].code } });
}

/**
 * The people and the catalogue of the flash sale, all through the gateway except the first ops
 * grant (an operator's bootstrap over NATS, as `npm start`'s seed does):
 * compounds, one approved leader with a pickup point per compound, `buyers` residents signed in by
 * OTP and bound to their compound's point (and seen by orders' read model), a hot SKU and a spread
 * of other SKUs, and a published campaign serving every compound.
 */
export async function setUpFlashSale({ api, nc, prefix, ordersDb, buyers, compounds, hotStock, hotLimit, hotSkus = 1, spreadSkus, spreadStock, log, concurrency = 48 }) {
  const started = Date.now();
  // 1. Ops.
  let ops = await signIn(api, phoneOf('ops', 1));
  const grant = await nc.request(
    `${prefix}.rpc.identity.role.grant.v1`,
    JSON.stringify({ actor: { userId: ops.userId, roles: ['ops'] }, userId: ops.userId, role: 'ops' }),
    { timeout: 10_000 },
  );
  if (!grant.json().ok) throw new Error(`granting ops failed: ${grant.string()}`);
  ops = await api.must('POST', '/v1/auth/refresh', { body: { refreshToken: ops.refreshToken } });
  const opsToken = ops.accessToken;

  // 2. Compounds, and a leader with a pickup point for each.
  const compoundIds = Array.from({ length: compounds }, (_, i) => `bench-compound-${String(i + 1).padStart(2, '0')}`);
  await mapLimit(compoundIds, 8, (compoundId, i) =>
    api.must('PUT', `/v1/ops/compounds/${compoundId}`, { token: opsToken, body: { name: `Bench compound ${i + 1}`, city: 'Hangzhou', district: 'Xihu' } }),
  );
  const openingHours = Array.from({ length: 7 }, (_, d) => ({ weekday: d + 1, opens: '07:00', closes: '22:00' }));
  const points = await mapLimit(compoundIds, 8, async (compoundId, i) => {
    const phone = phoneOf('leader', i + 1);
    let leader = await signIn(api, phone);
    const application = await api.must('POST', '/v1/leader-applications', {
      token: leader.accessToken,
      body: { compoundId, displayName: `Leader ${i + 1}`, phone, statement: 'runs the benchmark pickup point' },
    });
    await api.must('POST', `/v1/ops/leader-applications/${application.applicationId}/approve`, { token: opsToken });
    // Identity grants the leader role from leader-ops' approval event.
    leader = await until(`leader role of ${phone}`, 30_000, async () => {
      const refreshed = await api.must('POST', '/v1/auth/refresh', { body: { refreshToken: leader.refreshToken } });
      leader = refreshed;
      return refreshed.roles.includes('leader') ? refreshed : null;
    }, 200);
    const point = await api.must('POST', '/v1/pickup-points', {
      token: leader.accessToken,
      body: { name: `Point ${i + 1}`, address: `${i + 1} Bench Road`, compoundIds: [compoundId], openingHours, capacity: 100_000 },
    });
    return { compoundId, pickupPointId: point.pickupPointId };
  });
  log(`  ops, ${compounds} compounds, ${points.length} leaders with pickup points (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // 3. Buyers: real residents, signed in by OTP, bound to their compound's pickup point.
  const signUps = Date.now();
  const people = await mapLimit(Array.from({ length: buyers }, (_, i) => i), concurrency, async (i) => {
    const tokens = await signIn(api, phoneOf('buyer', i + 1));
    const point = points[i % points.length];
    await api.must('PUT', '/v1/me/pickup-point', { token: tokens.accessToken, body: { pickupPointId: point.pickupPointId, compoundId: point.compoundId } });
    return { userId: tokens.userId, token: tokens.accessToken, pickupPointId: point.pickupPointId, compoundId: point.compoundId };
  });
  const signUpSeconds = (Date.now() - signUps) / 1000;
  // Orders learns bindings from leader-ops' events; wait until it knows every buyer.
  await until('every binding in the orders read model', 60_000, async () => {
    const { rows } = await ordersDb.query('SELECT count(*)::int AS n FROM resident_bindings WHERE user_id = ANY($1::uuid[])', [people.map((p) => p.userId)]);
    return rows[0].n === people.length;
  }, 200);
  log(`  ${buyers} buyers signed up by OTP and bound (${signUpSeconds.toFixed(1)} s, ${(buyers / signUpSeconds).toFixed(0)} buyers/s)`);

  // 4. Catalogue and campaign.
  await api.must('PUT', '/v1/ops/categories/bench-fresh', { token: opsToken, body: { name: 'Fresh', parentId: null } });
  const product = (name, code, priceCents) =>
    api.must('POST', '/v1/ops/products', {
      token: opsToken,
      body: { name, categoryId: 'bench-fresh', unit: 'box', skus: [{ code, spec: '1 box', priceCents }] },
    });
  const hots = await mapLimit(Array.from({ length: hotSkus }, (_, i) => i), 4, (i) => product(`Flash-sale strawberries ${i + 1}`, `BENCH-HOT${i + 1}`, 1990));
  const spread = await mapLimit(Array.from({ length: spreadSkus }, (_, i) => i), 8, (i) =>
    product(`Everyday item ${i + 1}`, `BENCH-S${String(i + 1).padStart(3, '0')}`, 300 + 50 * i),
  );
  const now = Date.now();
  const tomorrow = new Date(now + 36 * 3600_000).toISOString().slice(0, 10);
  const campaign = await api.must('POST', '/v1/ops/campaigns', {
    token: opsToken,
    body: {
      title: 'Benchmark flash sale',
      startsAt: new Date(now - 60_000).toISOString(),
      cutoffAt: new Date(now + 3 * 3600_000).toISOString(),
      deliveryDate: tomorrow,
      targets: { compoundIds },
      offers: [
        ...hots.map((p) => ({ kind: 'sku', skuId: p.skus[0].skuId, priceCents: 990, perCustomerLimit: hotLimit })),
        ...spread.map((p, i) => ({ kind: 'sku', skuId: p.skus[0].skuId, priceCents: 250 + 40 * i })),
      ],
      stock: [...hots.map((p) => ({ skuId: p.skus[0].skuId, quantity: hotStock })), ...spread.map((p) => ({ skuId: p.skus[0].skuId, quantity: spreadStock }))],
    },
  });
  const published = await api.must('POST', `/v1/ops/campaigns/${campaign.campaignId}/publish`, { token: opsToken });
  const offerOf = (skuId) => {
    const offer = published.offers.find((o) => o.skuId === skuId);
    return { skuId: offer.skuId, offerId: offer.offerId, priceCents: offer.priceCents };
  };
  log(`  catalogue: ${hotSkus} hot SKU(s) (${hotStock} units each, limit ${hotLimit} per buyer) and ${spreadSkus} other SKUs; campaign published (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
  return {
    opsToken,
    people,
    campaignId: campaign.campaignId,
    hots: hots.map((p) => offerOf(p.skus[0].skuId)),
    spread: spread.map((p) => offerOf(p.skus[0].skuId)),
    signUpSeconds,
  };
}

export function pgClient(url) {
  return new pg.Client({ connectionString: url });
}
