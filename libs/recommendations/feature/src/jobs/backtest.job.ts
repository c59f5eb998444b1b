import { randomUUID } from 'node:crypto';
import type { recommendations } from '@linli/contracts';
import { conditionalExpectedPurchases, fitBgNbd, meanAbsoluteError, pearson, rfmSummary } from '@linli/recommendations-analytics';
import { AssetsRepository } from '@linli/recommendations-data-access';
import { addDays, loadModelLines, type JobEnv } from './assets.job.js';

type Backtest = recommendations.Backtest;

const BUCKETS = ['0', '1', '2', '3', '4', '5', '6', '7+'];
const round = (v: number | null, digits = 4) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits);
const assets = new AssetsRepository();

/**
 * Prediction accuracy: BG/NBD fitted on the calibration period that ends `holdoutDays` before `asOf`,
 * its expected purchases per customer compared with what they bought in the holdout (up to `asOf`):
 * totals, MAE, Pearson r and a calibration table by calibration-period repeat purchases. Stored.
 */
export async function computeBacktest(env: JobEnv, asOf: string, holdoutDays: number): Promise<Backtest> {
  const calibrationEnd = addDays(asOf, -holdoutDays);
  const lines = await loadModelLines(env.reader, asOf);
  const summary = rfmSummary(lines, { calibrationEnd, holdoutEnd: asOf, timeUnit: 'week' });
  const fit = fitBgNbd(summary);
  const actual = summary.map((c) => c.holdoutX);
  const base = { calibrationEnd, holdoutEnd: asOf, customers: summary.length, actualPurchases: actual.reduce((a, b) => a + b, 0) };
  let result: Omit<Backtest, 'backtestId' | 'ranAt'>;
  if (!fit.converged) {
    result = { ...base, status: 'failed', predictedPurchases: null, mae: null, correlation: null, calibration: [], model: null, reason: fit.reason };
  } else {
    const predicted = summary.map((c) => conditionalExpectedPurchases(fit.params, c, c.holdoutLength));
    const buckets = BUCKETS.map((bucket) => ({ bucket, customers: 0, predicted: 0, actual: 0 }));
    summary.forEach((c, i) => {
      const b = buckets[Math.min(7, c.x)]!;
      b.customers++;
      b.predicted += predicted[i]!;
      b.actual += actual[i]!;
    });
    result = {
      ...base,
      status: 'ok',
      predictedPurchases: round(predicted.reduce((a, b) => a + b, 0), 2),
      mae: round(meanAbsoluteError(predicted, actual)),
      correlation: round(pearson(predicted, actual)),
      calibration: buckets
        .filter((b) => b.customers > 0)
        .map((b) => ({ bucket: b.bucket, customers: b.customers, predicted: round(b.predicted / b.customers)!, actual: round(b.actual / b.customers)! })),
      model: { r: round(fit.params.r)!, alpha: round(fit.params.alpha)!, a: round(fit.params.a)!, b: round(fit.params.b)! },
      reason: null,
    };
  }
  const id = randomUUID();
  await assets.insertBacktest(env.db, { id, status: result.status, calibrationEnd, holdoutEnd: asOf, result, reason: result.reason });
  env.log(`backtest ${calibrationEnd} → ${asOf}: ${result.status}, MAE ${result.mae}, r ${result.correlation} over ${result.customers} customers`);
  const stored = await assets.latestBacktest(env.db);
  return { ...result, backtestId: id, ranAt: (stored?.id === id ? stored.ranAt : new Date()).toISOString() };
}
