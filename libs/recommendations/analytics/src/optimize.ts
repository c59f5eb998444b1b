/**
 * Derivative-free minimisation (Nelder–Mead simplex) with restarts, used for the maximum-
 * likelihood fits. Parameters of the customer models are positive, so callers optimise over
 * their logarithms and the search space is unconstrained.
 */
// Local bindings: global lookups are slow inside sandboxed VM contexts (e.g. test runners).
const { abs, max } = Math;
const isFiniteNumber = Number.isFinite;
const INF = Number.POSITIVE_INFINITY;


export interface NelderMeadOptions {
  /** Maximum objective evaluations per start (default 4000 × dimension). */
  maxEvaluations?: number;
  /** Converged when the spread of f over the simplex is below this (default 1e-10). */
  fTolerance?: number;
  /** ... and the simplex diameter (max-norm) is below this (default 1e-8). */
  xTolerance?: number;
  /** Initial simplex step in each coordinate (default 0.5). */
  initialStep?: number;
}

export interface MinimizeResult {
  x: number[];
  fx: number;
  evaluations: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimise `f` starting at `x0` with the standard Nelder–Mead coefficients (reflection 1,
 * expansion 2, contraction ½, shrink ½). Non-finite objective values are treated as +∞, so an
 * objective may return NaN/INF outside its domain. After convergence the search is
 * restarted once from the best point with a fresh simplex, which guards against the known
 * premature collapse of the simplex; the result is `converged` only if the restart does not
 * improve on it by more than the tolerance.
 */
export function nelderMead(f: (x: number[]) => number, x0: number[], opts: NelderMeadOptions = {}): MinimizeResult {
  const n = x0.length;
  const maxEval = opts.maxEvaluations ?? 4000 * n;
  const fTol = opts.fTolerance ?? 1e-10;
  const xTol = opts.xTolerance ?? 1e-8;
  const step = opts.initialStep ?? 0.5;
  let evaluations = 0;
  let iterations = 0;
  const F = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return isFiniteNumber(v) ? v : INF;
  };

  const run = (start: number[], budget: number): { x: number[]; fx: number; converged: boolean } => {
    const simplex: number[][] = [start.slice()];
    for (let i = 0; i < n; i++) {
      const p = start.slice();
      p[i] = p[i]! + step;
      simplex.push(p);
    }
    const values = simplex.map(F);
    const stopAt = evaluations + budget;
    const centroid = new Array<number>(n);
    const order = Array.from({ length: n + 1 }, (_, i) => i);
    while (evaluations < stopAt) {
      iterations++;
      order.sort((i, j) => values[i]! - values[j]!);
      const best = order[0]!;
      const worst = order[n]!;
      const second = order[n - 1]!;
      // convergence test
      let diam = 0;
      for (let i = 1; i <= n; i++) {
        const p = simplex[order[i]!]!;
        for (let d = 0; d < n; d++) diam = max(diam, abs(p[d]! - simplex[best]![d]!));
      }
      const spread = abs(values[worst]! - values[best]!);
      if (isFiniteNumber(values[best]!) && spread <= fTol * (1 + abs(values[best]!)) && diam <= xTol) {
        return { x: simplex[best]!.slice(), fx: values[best]!, converged: true };
      }
      centroid.fill(0);
      for (let i = 0; i < n; i++) {
        const p = simplex[order[i]!]!;
        for (let d = 0; d < n; d++) centroid[d] = centroid[d]! + p[d]! / n;
      }
      const along = (t: number) => centroid.map((c, d) => c + t * (simplex[worst]![d]! - c));
      const xr = along(-1);
      const fr = F(xr);
      if (fr < values[best]!) {
        const xe = along(-2);
        const fe = F(xe);
        if (fe < fr) {
          simplex[worst] = xe;
          values[worst] = fe;
        } else {
          simplex[worst] = xr;
          values[worst] = fr;
        }
        continue;
      }
      if (fr < values[second]!) {
        simplex[worst] = xr;
        values[worst] = fr;
        continue;
      }
      // contraction: outside if the reflected point is better than the worst, else inside
      const outside = fr < values[worst]!;
      const xc = along(outside ? -0.5 : 0.5);
      const fc = F(xc);
      if (fc < (outside ? fr : values[worst]!)) {
        simplex[worst] = xc;
        values[worst] = fc;
        continue;
      }
      // shrink towards the best vertex
      for (let i = 1; i <= n; i++) {
        const k = order[i]!;
        simplex[k] = simplex[k]!.map((v, d) => simplex[best]![d]! + 0.5 * (v - simplex[best]![d]!));
        values[k] = F(simplex[k]!);
      }
    }
    order.sort((i, j) => values[i]! - values[j]!);
    return { x: simplex[order[0]!]!.slice(), fx: values[order[0]!]!, converged: false };
  };

  let res = run(x0, maxEval);
  // Restart from the best point until a fresh simplex no longer finds a meaningful improvement.
  for (let restart = 0; restart < 5 && res.converged; restart++) {
    const again = run(res.x, maxEval);
    const improved = again.fx < res.fx - 10 * fTol * (1 + abs(res.fx));
    if (again.fx <= res.fx) res = { ...again, converged: again.converged };
    if (!improved) break;
    if (restart === 4) res.converged = false;
  }
  return { x: res.x, fx: res.fx, evaluations, iterations, converged: res.converged };
}

/** Run {@link nelderMead} from several starting points and keep the best converged result. */
export function multiStartMinimize(f: (x: number[]) => number, starts: number[][], opts: NelderMeadOptions = {}): MinimizeResult & { starts: number } {
  let best: MinimizeResult | null = null;
  let evaluations = 0;
  let iterations = 0;
  for (const s of starts) {
    const r = nelderMead(f, s, opts);
    evaluations += r.evaluations;
    iterations += r.iterations;
    const better =
      best === null ||
      (r.converged && !best.converged) ||
      (r.converged === best.converged && r.fx < best.fx);
    if (better) best = r;
  }
  if (best === null) throw new Error('multiStartMinimize: no starting points');
  return { ...best, evaluations, iterations, starts: starts.length };
}
