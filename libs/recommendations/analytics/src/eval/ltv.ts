/** `ltv` task: BG/NBD + Gamma-Gamma fit on a calibration period, checked on a holdout. */
import type { Transaction } from '../canonical.js';
import { fitBgNbd, conditionalExpectedPurchases } from '../bgnbd.js';
import { fitGammaGamma } from '../gamma-gamma.js';
import { meanAbsoluteError, pearson } from '../metrics.js';
import { rfmSummary, dayIndex, MS_PER_DAY, type TimeUnit } from '../summary.js';
import { round, table } from './format.js';

export interface LtvOptions {
  calibrationEnd: string;
  /** Defaults to the last purchase day in the data. */
  holdoutEnd?: string;
  timeUnit: TimeUnit;
}

export interface LtvResult {
  task: 'ltv';
  bgnbd: { r: number | null; alpha: number | null; a: number | null; b: number | null; logLikelihood: number | null };
  gammaGamma: { p: number | null; q: number | null; v: number | null };
  holdout: { customers: number; predictedPurchases: number | null; actualPurchases: number; mae: number | null; correlation: number | null };
}

export function runLtv(transactions: readonly Transaction[], opts: LtvOptions): { result: LtvResult; report: string } {
  let holdoutEnd = opts.holdoutEnd;
  if (holdoutEnd === undefined) {
    let last = -Infinity;
    for (const t of transactions) last = Math.max(last, dayIndex(t.orderedAt));
    holdoutEnd = Number.isFinite(last) ? new Date(last * MS_PER_DAY).toISOString().slice(0, 10) : opts.calibrationEnd;
    if (holdoutEnd < opts.calibrationEnd) holdoutEnd = opts.calibrationEnd;
  }
  const summary = rfmSummary(transactions, { calibrationEnd: opts.calibrationEnd, holdoutEnd, timeUnit: opts.timeUnit });
  const notes: string[] = [];
  const bg = fitBgNbd(summary);
  const gg = fitGammaGamma(summary);
  if (!bg.converged) notes.push(`BG/NBD: no usable fit (${bg.reason}).`);
  if (!gg.converged) notes.push(`Gamma-Gamma: no usable fit (${gg.reason}).`);
  const actual = summary.map((c) => c.holdoutX);
  let predicted: number[] | null = null;
  if (bg.converged) predicted = summary.map((c) => conditionalExpectedPurchases(bg.params, c, c.holdoutLength));
  const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
  const holdoutLength = summary[0]?.holdoutLength ?? 0;
  if (holdoutLength === 0) notes.push('Holdout period is empty: holdout accuracy is not meaningful.');
  const result: LtvResult = {
    task: 'ltv',
    bgnbd: {
      r: round(bg.converged ? bg.params.r : null),
      alpha: round(bg.converged ? bg.params.alpha : null),
      a: round(bg.converged ? bg.params.a : null),
      b: round(bg.converged ? bg.params.b : null),
      logLikelihood: round(bg.converged ? bg.logLikelihood : null, 4),
    },
    gammaGamma: { p: round(gg.converged ? gg.params.p : null), q: round(gg.converged ? gg.params.q : null), v: round(gg.converged ? gg.params.v : null) },
    holdout: {
      customers: summary.length,
      predictedPurchases: round(predicted ? sum(predicted) : null, 4),
      actualPurchases: sum(actual),
      mae: round(predicted ? meanAbsoluteError(predicted, actual) : null),
      correlation: round(predicted ? pearson(predicted, actual) : null),
    },
  };
  const r = result;
  const report = [
    `LTV — calibration to ${opts.calibrationEnd}, holdout to ${holdoutEnd}, time unit ${opts.timeUnit} (holdout length ${holdoutLength.toFixed(2)}); ${summary.length} customers, ${summary.filter((c) => c.x > 0).length} repeat buyers`,
    '',
    table(['BG/NBD', 'r', 'alpha', 'a', 'b', 'log-likelihood'], [['fit', r.bgnbd.r, r.bgnbd.alpha, r.bgnbd.a, r.bgnbd.b, r.bgnbd.logLikelihood]]),
    '',
    table(['Gamma-Gamma', 'p', 'q', 'v', 'repeat buyers used'], [['fit', r.gammaGamma.p, r.gammaGamma.q, r.gammaGamma.v, gg.customers]]),
    '',
    table(
      ['Holdout', 'customers', 'predicted purchases', 'actual purchases', 'MAE / customer', 'correlation'],
      [['BG/NBD', r.holdout.customers, r.holdout.predictedPurchases, r.holdout.actualPurchases, r.holdout.mae, r.holdout.correlation]],
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
  return { result, report };
}
