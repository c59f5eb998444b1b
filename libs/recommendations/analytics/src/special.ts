/**
 * Special functions needed by the customer-base models: log-gamma, log-beta and the Gaussian
 * hypergeometric function 2F1.
 */
// Local bindings: global lookups are slow inside sandboxed VM contexts (e.g. test runners).
const { log, sin, abs, pow, PI } = Math;
const isFiniteNumber = Number.isFinite;
const INF = Number.POSITIVE_INFINITY;


// Lanczos approximation, g = 7, n = 9 (accurate to ~1e-15 relative for x > 0).
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * log(2 * PI);

/** ln Γ(x) for real x (reflection formula for x < 0.5; returns ln|Γ(x)|). */
export function lnGamma(x: number): number {
  if (!isFiniteNumber(x)) return x === INF ? INF : NaN;
  if (x < 0.5) {
    // Γ(x)Γ(1−x) = π / sin(πx)
    const s = sin(PI * x);
    if (s === 0) return INF;
    return log(PI / abs(s)) - lnGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * log(t) - t + log(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

export interface Hyp2F1Options {
  /** Relative tolerance on the last term (default 1e-14). */
  tolerance?: number;
  /** Maximum number of series terms (default 1e6). */
  maxTerms?: number;
}

/**
 * Gaussian hypergeometric function 2F1(a, b; c; z) for real z < 1 by its power series
 *
 *   2F1(a,b;c;z) = Σ_j (a)_j (b)_j / (c)_j · z^j / j!,
 *
 * summing terms through the ratio u_{j+1}/u_j = (a+j)(b+j) z / ((c+j)(j+1)) until a term is
 * below `tolerance` × |sum| (checked on two consecutive terms, so a single tiny term caused by
 * a near-zero factor does not stop it early). For z < −0.5 the Pfaff transformation
 * 2F1(a,b;c;z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1)) moves the argument into (−1, 1/3] where the
 * series converges (this also covers z ≤ −1, outside the disc of convergence). For z close to 1 the series converges slowly (terms fall like
 * z^j · j^(a+b−c−1)); up to `maxTerms` terms are used and an error is thrown if that is not
 * enough rather than returning an inaccurate value.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, opts: Hyp2F1Options = {}): number {
  if (!(z < 1 && isFiniteNumber(z))) throw new RangeError(`hyp2f1: z must be a real number < 1 (got ${z})`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError('hyp2f1: c must not be a non-positive integer');
  if (z < -0.5) return pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1), opts);
  const tol = opts.tolerance ?? 1e-14;
  const maxTerms = opts.maxTerms ?? 1_000_000;
  let term = 1;
  let sum = 1;
  let small = 0;
  for (let j = 0; j < maxTerms; j++) {
    term *= ((a + j) * (b + j) * z) / ((c + j) * (j + 1));
    sum += term;
    if (term === 0) return sum; // a or b is a non-positive integer: polynomial
    if (abs(term) <= tol * abs(sum)) {
      if (++small >= 2) return sum;
    } else small = 0;
  }
  throw new RangeError(`hyp2f1: series did not converge in ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${z})`);
}
