// node-flags: --expose-gc --max-old-space-size=8192
/**
 * Serving benchmark of the recommendations engine at platform scale: synthetic purchase histories
 * for N customers × M SKUs (default 100,000 × 10,000), the same training and index code the service
 * runs, then request latency (p50/p95/p99) for campaign, catalogue-wide and non-personalised
 * requests, latency while a refit runs in a worker thread, and memory. Run with
 * `npm run bench -- recommendations [--customers N] [--skus M] [--requests R] [--out file] [--no-refit]`.
 */
import { totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { cpus, loadavg } from 'node:os';
import { TrainingSet, buildServingIndex, buildServingIndexAsync, servingRecommenderConfig, type ServingFacts, type ServingIndex, type TrainingOutput } from '@linli/recommendations-feature';
import type { CampaignFact, CustomerFact, ItemFact } from '@linli/recommendations-data-access';
import { connect } from '@nats-io/transport-node';
import { recommendations } from '@linli/contracts';
import { RpcClient, RpcServer, Subjects } from '@linli/nest-kit';

interface Options {
  customers: number;
  skus: number;
  compounds: number;
  requests: number;
  seed: number;
  out: string;
  refit: boolean;
  rpc: boolean;
  natsUrl: string;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv: string[]): Options {
  const o: Options = { customers: 100_000, skus: 10_000, compounds: 500, requests: 30_000, seed: 7, out: join(root, 'bench/results/recommendations.json'), refit: true, rpc: true, natsUrl: 'nats://127.0.0.1:4222' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    const num = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer`);
      i++;
      return n;
    };
    if (flag === '--customers') o.customers = num();
    else if (flag === '--skus') o.skus = num();
    else if (flag === '--compounds') o.compounds = num();
    else if (flag === '--requests') o.requests = num();
    else if (flag === '--seed') o.seed = num();
    else if (flag === '--out') (o.out = value!), i++;
    else if (flag === '--no-refit') o.refit = false;
    else if (flag === '--no-rpc') o.rpc = false;
    else if (flag === '--nats') (o.natsUrl = value!), i++;
    else if (flag === '--help' || flag === '-h') {
      console.log('npm run bench -- recommendations [--customers N] [--skus M] [--compounds C] [--requests R] [--seed S] [--out file] [--no-refit] [--no-rpc] [--nats url]');
      process.exit(0);
    } else throw new Error(`unknown flag ${flag}`);
  }
  return o;
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORY_NAMES: [string, string][] = [
  ['fresh/vegetables', '有机蔬菜'],
  ['fresh/fruit', '新鲜水果'],
  ['fresh/meat', '冷鲜猪肉'],
  ['fresh/seafood', '海鲜'],
  ['dairy/milk', '鲜牛奶'],
  ['dairy/yogurt', '酸奶'],
  ['grain/rice', '东北大米'],
  ['grain/noodles', '手工面条'],
  ['baby/food', '婴儿米粉'],
  ['baby/care', '纸尿裤'],
  ['kids/snacks', '儿童零食'],
  ['elderly/nutrition', '中老年奶粉'],
  ['health/low-sugar', '无糖饼干'],
  ['pets/food', '猫粮'],
  ['snacks', '坚果'],
  ['drinks', '矿泉水'],
  ['household/cleaning', '洗衣液'],
  ['frozen', '速冻水饺'],
  ['condiments', '酱油'],
  ['bakery', '全麦面包'],
];

interface Synthetic {
  facts: ServingFacts;
  lines: { userId: string; orderId: string; orderedAt: number; itemId: string; category: string; compoundId: string }[];
  campaignIds: string[];
  consented: string[];
  notConsented: string[];
}

function generate(o: Options): Synthetic {
  const rnd = mulberry32(o.seed);
  const nCat = CATEGORY_NAMES.length;
  const items: ItemFact[] = [];
  const itemCategory: number[] = [];
  const products = new Map<string, { name: string; category: string }>();
  for (let i = 0; i < o.skus; i++) {
    const c = i % nCat;
    const [category, noun] = CATEGORY_NAMES[c]!;
    const itemId = `sku-${i}`;
    const name = `${noun} ${Math.floor(i / nCat) + 1}号`;
    items.push({ itemId, skuId: itemId, bundleId: null, productId: `p-${i}`, name, category });
    products.set(`p-${i}`, { name, category });
    itemCategory.push(c);
  }
  // Zipf popularity, rotated per compound so compounds differ.
  const weights = Float64Array.from({ length: o.skus }, (_, i) => 1 / Math.pow(i + 1, 0.9));
  const cdf = new Float64Array(o.skus);
  let acc = 0;
  for (let i = 0; i < o.skus; i++) cdf[i] = acc += weights[i]!;
  const zipf = () => {
    const x = rnd() * acc;
    let lo = 0;
    let hi = o.skus - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const customers: CustomerFact[] = [];
  const lines: Synthetic['lines'] = [];
  const consented: string[] = [];
  const notConsented: string[] = [];
  const start = Date.UTC(2026, 0, 1);
  const day = 86_400_000;
  for (let u = 0; u < o.customers; u++) {
    const userId = `c-${u}`;
    const compound = u % o.compounds;
    const compoundId = `compound-${compound}`;
    const shift = (compound * 37) % o.skus;
    const local = () => (zipf() + shift) % o.skus;
    const infant = rnd() < 0.2;
    const elderly = rnd() < 0.25;
    const pet = rnd() < 0.15;
    const staples = Array.from({ length: 3 + Math.floor(rnd() * 6) }, local);
    const personalised = rnd() < 0.85;
    (personalised ? consented : notConsented).push(userId);
    const household = rnd() < 0.4 ? { adults: 2, children: infant ? [{ birthYear: 2025 }] : [], elderly: elderly ? 1 : 0 } : null;
    customers.push({
      userId,
      source: 'live',
      compoundId,
      pickupPointId: `pp-${compound}`,
      profilingConsent: personalised,
      marketingConsent: null,
      household,
      dietary: null,
      attributes: null,
      assetTags: pet ? [{ tag: 'pet_owner', value: true, source: 'inferred', confidence: 0.7 }] : [],
    });
    const orders = 1 + Math.floor(-Math.log(1 - rnd()) * 7);
    let t = start + rnd() * 120 * day;
    for (let k = 0; k < orders; k++) {
      const orderId = `o-${u}-${k}`;
      const size = 1 + Math.floor(rnd() * 6);
      for (let j = 0; j < size; j++) {
        let i = rnd() < 0.55 ? staples[Math.floor(rnd() * staples.length)]! : local();
        if (infant && rnd() < 0.1) i = 8 + nCat * Math.floor(rnd() * (o.skus / nCat - 1));
        lines.push({ userId, orderId, orderedAt: t, itemId: `sku-${i}`, category: CATEGORY_NAMES[itemCategory[i]!]![0], compoundId });
      }
      t += (2 + rnd() * 20) * day;
    }
  }
  // Campaigns: 200 offers each from popular and random SKUs, plus a few bundles.
  const campaigns: CampaignFact[] = [];
  const campaignIds: string[] = [];
  for (let c = 0; c < 50; c++) {
    const offers: CampaignFact['offers'] = [];
    const chosen = new Set<number>();
    while (chosen.size < 200) chosen.add(rnd() < 0.6 ? zipf() : Math.floor(rnd() * o.skus));
    for (const i of chosen) offers.push({ itemId: `sku-${i}`, kind: 'sku', skuId: `sku-${i}`, bundleId: null, productId: `p-${i}`, category: items[i]!.category, componentProductIds: [] });
    for (let b = 0; b < 4; b++) {
      const parts = Array.from({ length: 3 }, () => `p-${(b === 0 ? 8 : b === 1 ? 11 : Math.floor(rnd() * nCat)) + nCat * Math.floor(rnd() * (o.skus / nCat - 1))}`);
      offers.push({ itemId: `bundle:b-${c}-${b}`, kind: 'bundle', skuId: null, bundleId: `b-${c}-${b}`, productId: null, category: null, componentProductIds: parts });
    }
    const campaignId = `00000000-0000-4000-8000-${String(c).padStart(12, '0')}`; // campaign ids are UUIDs in the contracts
    campaigns.push({ campaignId, status: 'published', cutoffAt: Date.UTC(2030, 0, 1), compoundIds: [], pickupPointIds: [], offers });
    campaignIds.push(campaignId);
  }
  return { facts: { customers, items, products, campaigns, merges: new Map() }, lines, campaignIds, consented, notConsented };
}

function fitSynthetic(lines: Synthetic['lines'], items: ItemFact[]): { output: TrainingOutput; transfer: ArrayBuffer[]; ms: number } {
  const started = Date.now();
  const set = new TrainingSet();
  for (const line of lines) set.add(line);
  const config = servingRecommenderConfig({ tifu: { neighbours: 0, alpha: 1 } });
  const { output, transfer } = set.fit(config, items, 0);
  return { output, transfer, ms: Date.now() - started };
}

function percentiles(samples: number[]): { count: number; mean: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { count: s.length, mean: round(s.reduce((a, b) => a + b, 0) / s.length), p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(s[s.length - 1]!) };
}

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const mb = (v: number) => Math.round(v / 1048576);
  return { rssMiB: mb(m.rss), heapUsedMiB: mb(m.heapUsed), arrayBuffersMiB: mb(m.arrayBuffers), externalMiB: mb(m.external) };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`[bench recommendations] ${line}\n`);
  const baseline = memory();
  const loadAtStart = loadavg().map((v) => Math.round(v * 100) / 100);
  log(`generating ${o.customers.toLocaleString()} customers × ${o.skus.toLocaleString()} SKUs…`);
  const data = generate(o);
  const orders = new Set(data.lines.map((l) => l.orderId)).size;
  log(`${data.lines.length.toLocaleString()} purchase lines in ${orders.toLocaleString()} orders; fitting…`);
  const fit = fitSynthetic(data.lines, data.facts.items);
  const lineCount = data.lines.length;
  data.lines = []; // the service keeps no purchase lines in memory: only the index
  log(`fit ${fit.ms} ms; building the serving index…`);
  let started = Date.now();
  let index: ServingIndex = buildServingIndex(fit.output, data.facts);
  const buildMs = Date.now() - started;
  const afterIndex = memory();
  log(`index built in ${buildMs} ms; measuring ${o.requests.toLocaleString()} requests…`);

  const rnd = mulberry32(o.seed + 1);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  type Kind = 'campaign' | 'catalogue' | 'nonPersonalised';
  const request = (kind: Kind) => {
    const userId = kind === 'nonPersonalised' ? pick(data.notConsented) : pick(data.consented);
    const campaignId = kind === 'catalogue' ? undefined : pick(data.campaignIds);
    return { userId, campaignId, limit: 10 };
  };
  const kindOf = (): Kind => {
    const x = rnd();
    return x < 0.6 ? 'campaign' : x < 0.85 ? 'catalogue' : 'nonPersonalised';
  };
  const measure = (n: number) => {
    const byKind: Record<Kind, number[]> = { campaign: [], catalogue: [], nonPersonalised: [] };
    const all: number[] = [];
    let empty = 0;
    let reasons = 0;
    for (let q = 0; q < n; q++) {
      const kind = kindOf();
      const req = request(kind);
      const t0 = process.hrtime.bigint();
      const out = index.recommend(req);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      all.push(ms);
      byKind[kind].push(ms);
      if (!out.ok || out.items.length === 0) empty++;
      else reasons += out.items.filter((i) => i.reason.text.length > 0).length / out.items.length;
    }
    return { all, byKind, empty, reasons: reasons / Math.max(1, n - empty) };
  };
  measure(Math.min(3000, o.requests)); // warm-up
  const gcPauses: number[] = [];
  const gcObserver = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e: PerformanceEntry) => e.duration)));
  gcObserver.observe({ entryTypes: ['gc'] });
  const steadyStarted = performance.now();
  const steady = measure(o.requests);
  const steadyMs = performance.now() - steadyStarted;
  await new Promise((resolve) => setTimeout(resolve, 200)); // GC entries are delivered asynchronously
  gcObserver.disconnect();
  const gc = {
    pauses: gcPauses.length,
    totalMs: Math.round(gcPauses.reduce((a, b) => a + b, 0) * 10) / 10,
    maxMs: Math.round(Math.max(0, ...gcPauses) * 100) / 100,
    over2Ms: gcPauses.filter((d) => d > 2).length,
    shareOfTime: Math.round((gcPauses.reduce((a, b) => a + b, 0) / steadyMs) * 1000) / 1000,
  };
  log(`steady: p50 ${percentiles(steady.all).p50} ms, p99 ${percentiles(steady.all).p99} ms`);

  let duringRefit: ReturnType<typeof percentiles> | null = null;
  let refitMs: number | null = null;
  if (o.refit) {
    log('refitting in a worker thread while serving…');
    started = Date.now();
    // The worker generates the same data (same seed) itself, as the service's worker reads it from the
    // database; its result comes back with transferred buffers and the new index is built in slices
    // on this thread and swapped in, as the engine does.
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: o });
    const swapped = new Promise<number>((resolve, reject) => {
      worker.once('message', (m: { ms: number; output: TrainingOutput }) => {
        void buildServingIndexAsync(m.output, data.facts).then((next) => {
          index = next;
          resolve(m.ms);
        }, reject);
      });
      worker.once('error', reject);
    });
    const samples: number[] = [];
    let finished = false;
    void swapped.then(() => (finished = true));
    while (!finished) {
      const batch = measure(50);
      samples.push(...batch.all);
      await new Promise((resolve) => setImmediate(resolve));
    }
    refitMs = await swapped;
    await worker.terminate();
    duringRefit = percentiles(samples);
    log(`during refit and swap (${refitMs} ms in the worker, ${Date.now() - started} ms wall): p99 ${duringRefit.p99} ms over ${samples.length} requests`);
  }

  // End to end over NATS: the service's RpcServer (request validation, span, handler, response
  // validation) and RpcClient, both in this process, on the local NATS server.
  let rpc: (ReturnType<typeof percentiles> & { requests: number }) | null = null;
  if (o.rpc) {
    try {
      const nc = await connect({ servers: o.natsUrl, timeout: 2000 });
      const subjects = new Subjects(`bench-${process.pid}`);
      const server = new RpcServer(nc, subjects, 'bench', { getProviders: () => [] } as never, { getAllMethodNames: () => [] } as never);
      server.register(recommendations.getRecommendations, (req) => {
        const r = req as { actor: { userId: string }; userId?: string; campaignId?: string; limit: number };
        const out = index.recommend({ userId: r.userId ?? r.actor.userId, campaignId: r.campaignId, limit: r.limit });
        if (!out.ok) throw new Error('campaign not found');
        return { userId: out.userId, personalised: out.personalised, campaignId: r.campaignId ?? null, items: out.items, modelFittedAt: index.fittedAt?.toISOString() ?? null, generatedAt: new Date().toISOString() };
      });
      server.onApplicationBootstrap();
      const client = new RpcClient(nc, subjects, 5000);
      const call = (kind: Kind) => {
        const req = request(kind);
        return client.request(recommendations.getRecommendations, { actor: { userId: '00000000-0000-4000-8000-000000000000', roles: ['ops'] }, userId: req.userId, campaignId: req.campaignId, limit: 10 });
      };
      for (let q = 0; q < 500; q++) await call(kindOf());
      const samples: number[] = [];
      const n = Math.min(o.requests, 10_000);
      for (let q = 0; q < n; q++) {
        const t0 = performance.now();
        await call(kindOf());
        samples.push(performance.now() - t0);
      }
      await server.beforeApplicationShutdown();
      await nc.close();
      rpc = { ...percentiles(samples), requests: n };
      log(`over NATS: p50 ${rpc.p50} ms, p99 ${rpc.p99} ms`);
    } catch (error) {
      log(`NATS round trip skipped: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
    }
  }

  const overall = percentiles(steady.all);
  const result = {
    benchmark: 'recommendations serving',
    ranAt: new Date().toISOString(),
    command: `npm run bench -- recommendations${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      nproc: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 1073741824) * 10) / 10,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadAverage1m5m15m: { atStart: loadAtStart, atEnd: loadavg().map((v) => Math.round(v * 100) / 100) },
    },
    data: {
      customers: o.customers,
      skus: o.skus,
      compounds: o.compounds,
      purchaseLines: lineCount,
      orders,
      campaigns: data.campaignIds.length,
      offersPerCampaign: data.facts.campaigns[0]?.offers.length ?? 0,
      consentedShare: Math.round((data.consented.length / o.customers) * 1000) / 1000,
    },
    model: { preset: 'nextBasket (cosine item CF, TIFU own history, compound popularity)', tifuNeighbours: 0, customersInModel: fit.output.stats.customers, itemsInModel: fit.output.stats.items },
    timingsMs: { fit: fit.ms, buildIndex: buildMs, refitInWorker: refitMs },
    latencyMs: {
      limit: 10,
      overall,
      campaign: percentiles(steady.byKind.campaign),
      catalogue: percentiles(steady.byKind.catalogue),
      nonPersonalised: percentiles(steady.byKind.nonPersonalised),
      duringRefitInWorker: duringRefit,
      overNatsRpc: rpc,
      gcDuringSteadyPhase: gc,
      throughputPerSecondOneThread: Math.round((o.requests / steadyMs) * 1000),
    },
    memory: { beforeData: baseline, servingIndexLoaded: afterIndex },
    target: { p99Ms: 10, met: overall.p99 < 10 && (duringRefit === null || duringRefit.p99 < 10) },
    notes: [
      'overall/campaign/catalogue/nonPersonalised: in-process latency of the serving index (what RecommendationEngine.recommend does).',
      'overNatsRpc: the same requests through the service RPC layer (RpcClient → NATS → RpcServer with zod validation both ways and a span), sequential, one process, local NATS, same request mix.',
      'memory.servingIndexLoaded is the process after the purchase lines were dropped: the serving index plus the facts it was built from.',
    ],
  };
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ latencyMs: result.latencyMs, timingsMs: result.timingsMs, memory: result.memory, target: result.target }, null, 2)}\n`);
  log(`wrote ${o.out}`);
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
} else {
  const data = generate(workerData as Options);
  const { ms, output, transfer } = fitSynthetic(data.lines, data.facts.items);
  parentPort!.postMessage({ ms, output }, transfer);
}
