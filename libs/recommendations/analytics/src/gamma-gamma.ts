/**
 * Gamma-Gamma model of spend per transaction, after P. S. Fader, B. G. S. Hardie and K. L. Lee
 * (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis", Journal of
 * Marketing Research 42(4), 415–430, and B. G. S. Hardie & P. S. Fader (2013), "The Gamma-Gamma
 * Model of Monetary Value".
 *
 * A customer's transaction values are z_i ~ Gamma(p, ν); across customers ν ~ Gamma(q, γ)
 * (the literature writes γ as v). Only the mean z̄ of a customer's x transactions is needed.
 */
import { lnGamma } from './special.js';
import { multiStartMinimize, type NelderMeadOptions } from './optimize.js';
import { expectedPurchases, conditionalExpectedPurchases, type BgNbdParams, type RecencyFrequency } from './bgnbd.js';
// Local bindings: global lookups are slow inside sandboxed VM contexts (e.g. test runners).
const { log, pow } = Math;
const isFiniteNumber = Number.isFinite;
const INF = Number.POSITIVE_INFINITY;


export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** A customer's number of (repeat) transactions and their mean value. */
export interface SpendSummary {
  x: number;
  /** Mean transaction value z̄ (> 0). */
  monetaryValue: number;
}

/**
 * Log-likelihood of one customer's mean spend (Hardie & Fader 2013, eq. 3, with the Jacobian
 * of z̄ = Σz/x):
 *
 *   f(z̄ | p, q, v, x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q · z̄^(px−1) · x^(px) / (v + x z̄)^(px+q)
 */
export function gammaGammaLogLikelihoodOne(params: GammaGammaParams, c: SpendSummary): number {
  const { p, q, v } = params;
  const { x, monetaryValue: m } = c;
  const px = p * x;
  return lnGamma(px + q) - lnGamma(px) - lnGamma(q) + q * log(v) + (px - 1) * log(m) + px * log(x) - (px + q) * log(v + x * m);
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, customers: Iterable<SpendSummary>): number {
  let ll = 0;
  for (const c of customers) ll += gammaGammaLogLikelihoodOne(params, c);
  return ll;
}

export type GammaGammaFit =
  | { converged: true; params: GammaGammaParams; logLikelihood: number; customers: number }
  | { converged: false; reason: string; params: GammaGammaParams | null; logLikelihood: number | null; customers: number };

/**
 * Maximum-likelihood fit over (ln p, ln q, ln v) by multi-start Nelder–Mead. Customers with
 * x = 0 or a non-positive mean spend carry no information about spend and are ignored (the
 * model needs repeat buyers with positive amounts); `customers` reports how many were used.
 */
export function fitGammaGamma(all: readonly SpendSummary[], opts: NelderMeadOptions = {}): GammaGammaFit {
  const used = all.filter((c) => c.x > 0 && c.monetaryValue > 0 && isFiniteNumber(c.monetaryValue));
  const n = used.length;
  if (n < 2) return { converged: false, reason: `too few repeat buyers with positive spend (${n})`, params: null, logLikelihood: null, customers: n };
  const mean = used.reduce((s, c) => s + c.monetaryValue, 0) / n;
  const negLL = (u: number[]): number => {
    if (u.some((e) => Math.abs(e) > 30)) return INF;
    const prm = { p: Math.exp(u[0]!), q: Math.exp(u[1]!), v: Math.exp(u[2]!) };
    let ll = 0;
    for (const c of used) ll += gammaGammaLogLikelihoodOne(prm, c);
    return -ll;
  };
  // E[z] = p v / (q − 1): start with p = q = 2 so that v ≈ mean / 2, and a few spread-out points.
  const lm = log(mean);
  const starts = [
    [log(2), log(2), lm - log(2)],
    [log(5), log(4), lm + log(3 / 5)],
    [0, log(3), lm + log(2)],
    [log(10), log(1.5), lm - log(20)],
  ];
  const res = multiStartMinimize(negLL, starts, opts);
  const params = { p: Math.exp(res.x[0]!), q: Math.exp(res.x[1]!), v: Math.exp(res.x[2]!) };
  if (!res.converged || !isFiniteNumber(res.fx)) return { converged: false, reason: 'optimiser did not converge', params, logLikelihood: -res.fx, customers: n };
  return { converged: true, params, logLikelihood: -res.fx, customers: n };
}

/**
 * Expected mean transaction value given x transactions averaging z̄ (Hardie & Fader 2013, eq. 5):
 *
 *   E[Z | p, q, v, z̄, x] = p (v + x z̄) / (p x + q − 1)
 *                        = (q−1)/(px+q−1) · p v/(q−1) + px/(px+q−1) · z̄,
 *
 * a weighted average of the population mean p v / (q − 1) and the customer's own mean. For
 * x = 0 it is the population mean (finite only when q > 1).
 */
export function conditionalExpectedSpend(params: GammaGammaParams, c: SpendSummary): number {
  const { p, q, v } = params;
  const x = c.x > 0 && c.monetaryValue > 0 ? c.x : 0;
  const m = x > 0 ? c.monetaryValue : 0;
  return (p * (v + x * m)) / (p * x + q - 1);
}

export interface ClvOptions {
  /** Horizon in months (default 12). */
  months?: number;
  /** Monthly discount rate, e.g. 0.01 for 1 % a month (default 0). */
  monthlyDiscountRate?: number;
  /** Length of one month in the BG/NBD time unit (default 30/7 ≈ 4.345 for weeks; use 30 for days). */
  unitsPerMonth?: number;
}

/**
 * Customer lifetime value over a finite horizon with monthly discounting:
 *
 *   CLV = Σ_{m=1..H} (E[Y(m·u)] − E[Y((m−1)·u)]) · E[Z] / (1 + d)^m
 *
 * where E[Y(t)] is the BG/NBD conditional expectation of purchases in the next t time units,
 * u the number of time units per month, d the monthly discount rate and E[Z] the Gamma-Gamma
 * conditional expected spend. Purchases expected during month m are discounted as if they all
 * happened at the end of that month. With d = 0 this is E[Y(H·u)] · E[Z].
 */
export function customerLifetimeValue(bgnbd: BgNbdParams, gg: GammaGammaParams, c: RecencyFrequency & SpendSummary, opts: ClvOptions = {}): number {
  const months = opts.months ?? 12;
  const d = opts.monthlyDiscountRate ?? 0;
  const u = opts.unitsPerMonth ?? 30 / 7;
  const spend = conditionalExpectedSpend(gg, c);
  let clv = 0;
  let prev = 0;
  for (let m = 1; m <= months; m++) {
    const cum = conditionalExpectedPurchases(bgnbd, c, m * u);
    clv += ((cum - prev) * spend) / pow(1 + d, m);
    prev = cum;
  }
  return clv;
}

/** CLV of a brand-new customer (no history) under the same conventions, using E[X(t)]. */
export function newCustomerLifetimeValue(bgnbd: BgNbdParams, gg: GammaGammaParams, opts: ClvOptions = {}): number {
  const months = opts.months ?? 12;
  const d = opts.monthlyDiscountRate ?? 0;
  const u = opts.unitsPerMonth ?? 30 / 7;
  const spend = conditionalExpectedSpend(gg, { x: 0, monetaryValue: 0 });
  let clv = 0;
  let prev = 0;
  for (let m = 1; m <= months; m++) {
    const cum = expectedPurchases(bgnbd, m * u);
    clv += ((cum - prev) * spend) / pow(1 + d, m);
    prev = cum;
  }
  return clv;
}
