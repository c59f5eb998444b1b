import {
  TagInferrer,
  churnRisk,
  conditionalExpectedPurchases,
  customerActivity,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  lifecycleStage,
  parseDay,
  probabilityAlive,
  resolveTags,
  rfmScores,
  rfmSummary,
  tagCompleteness,
  type BgNbdParams,
  type GammaGammaParams,
  type InferredTag,
  type PurchaseLine,
} from '@linli/recommendations-analytics';
import { AssetChangesRepository, AssetsRepository, type AssetRow, type BulkReader, type ModelFitRow } from '@linli/recommendations-data-access';
import { assetChangeEvents } from './asset-changes.js';
import type { SqlExecutor } from '@linli/nest-kit';
import { declaredTags } from '../engine/household.js';

/** What a job needs: bulk reads, a database to write to, and somewhere to log. */
export interface JobEnv {
  reader: BulkReader;
  db: SqlExecutor;
  log: (line: string) => void;
  warn: (line: string) => void;
}

export interface AssetsJobOptions {
  clvMonths: number;
  clvMonthlyDiscount: number;
}

export type FitOutcome = 'converged' | 'failed' | 'kept-previous' | 'none';

export interface RefreshOutcome {
  customers: number;
  asOf: string;
  bgnbd: FitOutcome;
  gammaGamma: FitOutcome;
  computedAt: string;
  ms: number;
}

/** A transaction as the models read it (net of refunds) with what tag inference needs. */
export interface ModelLine {
  customerId: string;
  orderId: string;
  orderedAt: number;
  amountCents: number;
  productId: string;
  category: string;
}

const DAY = 86_400_000;
/** Weeks per month in the BG/NBD time unit (weeks). */
const WEEKS_PER_MONTH = 30 / 7;
const assets = new AssetsRepository();

/** Today's UTC date (`YYYY-MM-DD`); the models count days in UTC. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Counted purchase lines up to and including `asOf`, net of refunds. */
export async function loadModelLines(reader: BulkReader, asOf: string): Promise<ModelLine[]> {
  const lines: ModelLine[] = [];
  for await (const page of reader.countedPurchases({ until: new Date(Date.parse(`${addDays(asOf, 1)}T00:00:00Z`)) })) {
    for (const p of page) {
      lines.push({ customerId: p.userId, orderId: p.orderId, orderedAt: p.orderedAt, amountCents: p.netCents, productId: p.productId ?? p.itemId, category: p.category });
    }
  }
  return lines;
}

/**
 * Recomputes every customer's assets as of `asOf`: RFM scores, lifecycle stage, household tags
 * (declared + inferred with evidence, inferred only with profiling consent), BG/NBD P(alive) and
 * expected purchases, Gamma-Gamma CLV and churn risk. Each model fit is stored with its status; a
 * fit that does not converge is stored as failed and the last converged fit is used instead.
 */
export async function computeAssets(env: JobEnv, options: AssetsJobOptions, asOf: string): Promise<RefreshOutcome> {
  const started = Date.now();
  const [lines, customers, products] = await Promise.all([loadModelLines(env.reader, asOf), env.reader.customers(), env.reader.productNames()]);
  const refDay = parseDay(asOf);
  const activity = customerActivity(lines);
  const rfm = new Map(rfmScores(activity, refDay).map((r) => [r.customerId, r]));
  const stages = new Map(activity.map((a) => [a.customerId, lifecycleStage(a, refDay)]));
  const summary = rfmSummary(lines, { calibrationEnd: asOf, timeUnit: 'week' });
  const bySummary = new Map(summary.map((s) => [s.customerId, s]));

  const bg = fitBgNbd(summary);
  const gg = fitGammaGamma(summary);
  const bgnbd = await recordFit(env, 'bgnbd', bg.converged, bg.converged ? { ...bg.params } : null, bg.logLikelihood, bg.customers, bg.converged ? null : bg.reason, asOf);
  const gamma = await recordFit(env, 'gamma_gamma', gg.converged, gg.converged ? { ...gg.params } : null, gg.logLikelihood, gg.customers, gg.converged ? null : gg.reason, asOf);
  const bgParams = bgnbd.params as BgNbdParams | null;
  const ggParams = gamma.params as GammaGammaParams | null;

  const customerById = new Map(customers.map((c) => [c.userId, c]));
  const linesByCustomer = new Map<string, PurchaseLine[]>();
  for (const l of lines) {
    const c = customerById.get(l.customerId);
    if (c?.profilingConsent !== true) continue; // no inference without profiling consent
    let list = linesByCustomer.get(l.customerId);
    if (!list) linesByCustomer.set(l.customerId, (list = []));
    list.push({ orderId: l.orderId, productId: l.productId, productName: products.get(l.productId)?.name, category: l.category || products.get(l.productId)?.category || '' });
  }
  const inferrer = new TagInferrer();
  const now = new Date(`${asOf}T12:00:00Z`);
  const rows: AssetRow[] = [];
  for (const a of activity) {
    const r = rfm.get(a.customerId)!;
    const stage = stages.get(a.customerId)!;
    const s = bySummary.get(a.customerId);
    const pAlive = bgParams && s ? probabilityAlive(bgParams, s) : null;
    const expected = bgParams && s ? conditionalExpectedPurchases(bgParams, s, 90 / 7) : null;
    const clv = bgParams && ggParams && s ? customerLifetimeValue(bgParams, ggParams, s, { months: options.clvMonths, monthlyDiscountRate: options.clvMonthlyDiscount, unitsPerMonth: WEEKS_PER_MONTH }) : null;
    const fact = customerById.get(a.customerId);
    const declared = fact ? declaredTags(fact, now) : {};
    const own = linesByCustomer.get(a.customerId);
    const inferred: Partial<Record<string, InferredTag>> = own ? inferrer.infer(own) : {};
    const resolved = resolveTags(declared, inferred);
    rows.push({
      userId: a.customerId,
      asOf,
      recencyDays: r.recencyDays,
      frequency: r.frequency,
      monetaryCents: r.monetaryCents,
      r: r.R,
      f: r.F,
      m: r.M,
      stage: stage.stage,
      expectedGapDays: stage.expectedGapDays,
      gapRatio: finite(stage.gapRatio) ?? 0,
      pAlive: finite(pAlive),
      expectedPurchases90d: finite(expected),
      clvCents: clv !== null && Number.isFinite(clv) ? Math.max(0, Math.round(clv * 100)) : null,
      churnRisk: churnRisk(stage.gapRatio, pAlive ?? 1),
      tags: Object.entries(resolved).map(([tag, t]) => ({ tag, ...t })),
      completeness: tagCompleteness(resolved),
    });
  }
  // One statement per batch (each is atomic); a run that stops half-way leaves older rows that the next run replaces.
  // The change events of a batch are written before its assets: should the upsert fail, the next run
  // finds the old assets, computes the change again and announces it again (consumers keep the latest).
  const changes = new AssetChangesRepository();
  for (let i = 0; i < rows.length; i += 2000) {
    const batch = rows.slice(i, i + 2000);
    await changes.enqueue(env.db, assetChangeEvents(await changes.previous(env.db, batch.map((r) => r.userId)), batch));
    await assets.upsertAssets(env.db, batch);
  }
  await assets.deleteAssetsExcept(env.db, asOf);
  const outcome: RefreshOutcome = {
    customers: rows.length,
    asOf,
    bgnbd: bgnbd.outcome,
    gammaGamma: gamma.outcome,
    computedAt: new Date().toISOString(),
    ms: Date.now() - started,
  };
  env.log(`assets of ${rows.length} customers as of ${asOf} in ${outcome.ms} ms (BG/NBD ${outcome.bgnbd}, Gamma-Gamma ${outcome.gammaGamma})`);
  return outcome;
}

/** Stores a fit with its status and says which parameters to use: this fit, the last converged one, or none. */
async function recordFit(
  env: JobEnv,
  model: ModelFitRow['model'],
  converged: boolean,
  params: Record<string, number> | null,
  logLikelihood: number | null,
  customers: number,
  reason: string | null,
  asOf: string,
): Promise<{ outcome: FitOutcome; params: Record<string, number> | null }> {
  if (customers === 0 && !converged) return { outcome: 'none', params: (await assets.latestFit(env.db, model, true))?.params ?? null };
  await assets.insertFit(env.db, { model, status: converged ? 'converged' : 'failed', params, logLikelihood: finite(logLikelihood), customers, reason, asOf });
  if (converged) return { outcome: 'converged', params };
  const previous = await assets.latestFit(env.db, model, true);
  if (previous) env.warn(`${model} fit did not converge (${reason}); keeping the fit of ${previous.asOf}`);
  return previous ? { outcome: 'kept-previous', params: previous.params } : { outcome: 'failed', params: null };
}

function finite(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}
