/**
 * BG/NBD ("beta-geometric / negative binomial distribution") model of repeat purchasing,
 * after P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "'Counting Your Customers' the Easy
 * Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275–284.
 *
 * While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
 * purchase the customer drops out with probability p ~ Beta(a, b).
 */
import { lnGamma, hyp2f1 } from './special.js';
import { multiStartMinimize, type NelderMeadOptions } from './optimize.js';
// Local bindings: global lookups are slow inside sandboxed VM contexts (e.g. test runners).
const { log, exp, max, pow, abs } = Math;
const isFiniteNumber = Number.isFinite;
const INF = Number.POSITIVE_INFINITY;


export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Sufficient statistics of one customer (see {@link rfmSummary}). */
export interface RecencyFrequency {
  x: number;
  tx: number;
  T: number;
}

/**
 * Log-likelihood of one customer (paper eq. 6):
 *
 *   L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
 *     + δ(x>0) · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))
 *
 * computed in log space as ln L = A1 + A2 + ln(e^A3 + δ e^A4) with
 * A1 = lnΓ(r+x) − lnΓ(r) + r ln α, A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x),
 * A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
 */
export function bgnbdLogLikelihoodOne(p: BgNbdParams, c: RecencyFrequency): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = c;
  const A1 = lnGamma(r + x) - lnGamma(r) + r * log(alpha);
  const A2 = lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x);
  const A3 = -(r + x) * log(alpha + T);
  if (x === 0) return A1 + A2 + A3;
  const A4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + tx);
  const m = max(A3, A4);
  return A1 + A2 + m + log(exp(A3 - m) + exp(A4 - m));
}

/** Total log-likelihood of a customer base. */
export function bgnbdLogLikelihood(p: BgNbdParams, customers: Iterable<RecencyFrequency>): number {
  let ll = 0;
  for (const c of customers) ll += bgnbdLogLikelihoodOne(p, c);
  return ll;
}

export interface BgNbdFitOptions extends NelderMeadOptions {
  /** Extra starting points (natural scale); a default grid is always tried too. */
  starts?: BgNbdParams[];
}

export interface BgNbdFitSuccess {
  converged: true;
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  evaluations: number;
  starts: number;
}

export interface BgNbdFitFailure {
  converged: false;
  /** Why the fit cannot be trusted; callers should keep their last good fit. */
  reason: string;
  /** Best point found, if any, for diagnostics only. */
  params: BgNbdParams | null;
  logLikelihood: number | null;
  customers: number;
}

export type BgNbdFit = BgNbdFitSuccess | BgNbdFitFailure;

const fromLog = (v: number[]): BgNbdParams => ({ r: exp(v[0]!), alpha: exp(v[1]!), a: exp(v[2]!), b: exp(v[3]!) });

/**
 * Maximum-likelihood fit over (ln r, ln α, ln a, ln b) by Nelder–Mead from several starts.
 * Identical (x, t_x, T) triples are grouped so each distinct one is evaluated once.
 */
export function fitBgNbd(customers: readonly RecencyFrequency[], opts: BgNbdFitOptions = {}): BgNbdFit {
  const n = customers.length;
  if (n === 0) return { converged: false, reason: 'no customers', params: null, logLikelihood: null, customers: 0 };
  const groups = new Map<string, { c: RecencyFrequency; w: number }>();
  let repeaters = 0;
  let meanT = 0;
  for (const c of customers) {
    if (!(c.x >= 0 && c.tx >= 0 && c.T >= c.tx - 1e-9 && isFiniteNumber(c.T)) || !Number.isInteger(c.x)) {
      return { converged: false, reason: `invalid summary (x=${c.x}, t_x=${c.tx}, T=${c.T})`, params: null, logLikelihood: null, customers: n };
    }
    if (c.x > 0) repeaters++;
    meanT += c.T / n;
    const key = `${c.x}|${c.tx}|${c.T}`;
    const g = groups.get(key);
    if (g) g.w++;
    else groups.set(key, { c, w: 1 });
  }
  if (repeaters === 0) return { converged: false, reason: 'no repeat purchases: the purchase rate is not identifiable', params: null, logLikelihood: null, customers: n };
  if (!(meanT > 0)) return { converged: false, reason: 'zero observation time', params: null, logLikelihood: null, customers: n };
  const xs = [...groups.values()];
  const negLL = (v: number[]): number => {
    if (v.some((e) => abs(e) > 30)) return INF;
    const p = fromLog(v);
    let ll = 0;
    for (const { c, w } of xs) ll += w * bgnbdLogLikelihoodOne(p, c);
    return -ll;
  };
  const scale = log(max(meanT, 1e-6));
  const starts: number[][] = [
    [0, scale, 0, 0],
    [log(0.5), scale, log(0.5), log(2)],
    [log(0.2), scale - 1, log(1.5), log(5)],
    [log(2), scale + 1, log(0.2), log(0.5)],
    ...(opts.starts ?? []).map((s) => [log(s.r), log(s.alpha), log(s.a), log(s.b)]),
  ];
  const res = multiStartMinimize(negLL, starts, opts);
  const params = fromLog(res.x);
  if (!res.converged || !isFiniteNumber(res.fx)) {
    return { converged: false, reason: 'optimiser did not converge', params, logLikelihood: -res.fx, customers: n };
  }
  return { converged: true, params, logLikelihood: -res.fx, customers: n, evaluations: res.evaluations, starts: res.starts };
}

/**
 * Probability that a customer with history (x, t_x, T) is still alive at T (paper eq. 11):
 * P = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)). Equals 1 when x = 0.
 */
export function probabilityAlive(p: BgNbdParams, c: RecencyFrequency): number {
  if (c.x === 0) return 1;
  const { r, alpha, a, b } = p;
  const lnRatio = log(a) - log(b + c.x - 1) + (r + c.x) * (log(alpha + c.T) - log(alpha + c.tx));
  return 1 / (1 + exp(lnRatio));
}

/** a − 1 is a divisor below; nudge a away from 1 where the closed form is 0/0. */
const safeA = (a: number): number => (abs(a - 1) < 1e-9 ? 1 + 1e-9 : a);

/**
 * Expected number of purchases in (0, t] of a new customer (paper eq. 7):
 * E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))].
 */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  const a = safeA(p.a);
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}

/**
 * Expected purchases in the next t time units of a customer with history (x, t_x, T)
 * (paper eq. 10):
 *
 *   E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *                         / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
 */
export function conditionalExpectedPurchases(p: BgNbdParams, c: RecencyFrequency, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  const a = safeA(p.a);
  const { x, tx, T } = c;
  const z = t / (alpha + T + t);
  const bracket = 1 - pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  const num = ((a + b + x - 1) / (a - 1)) * bracket;
  const den = x > 0 ? 1 + (a / (b + x - 1)) * pow((alpha + T) / (alpha + tx), r + x) : 1;
  return num / den;
}
