/**
 * Small dense linear algebra and selection helpers on typed arrays (row-major n × n).
 */

/**
 * Inverse of a symmetric positive-definite matrix via Cholesky: A = L Lᵀ, then
 * A⁻¹ = L⁻ᵀ L⁻¹. Costs about n³/2 multiply-adds; the loops run along contiguous memory.
 * Throws if A is not (numerically) positive definite. `a` is not modified.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new RangeError('invertSpd: size mismatch');
  // L, lower triangle, row-major.
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`invertSpd: matrix is not positive definite (pivot ${i} = ${s})`);
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j]!;
      }
    }
  }
  // Mt = (L⁻¹)ᵀ, i.e. Mt[j*n + i] = (L⁻¹)[i][j] for i ≥ j (upper triangle of Mt).
  const Mt = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    Mt[rj + j] = 1 / L[rj + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s += L[ri + k]! * Mt[rj + k]!;
      Mt[rj + i] = -s / L[ri + i]!;
    }
  }
  // A⁻¹[a][b] = Σ_i (L⁻¹)[i][a] (L⁻¹)[i][b] = Σ_{i ≥ max(a,b)} Mt[a][i] Mt[b][i]
  const inv = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    const rp = p * n;
    for (let q = p; q < n; q++) {
      const rq = q * n;
      let s = 0;
      for (let i = q; i < n; i++) s += Mt[rp + i]! * Mt[rq + i]!;
      inv[rp + q] = s;
      inv[rq + p] = s;
    }
  }
  return inv;
}

/**
 * Indices of the `k` largest `scores[c]` among `candidates[0..count)`, best first (ties broken
 * by the smaller index). Average O(count + k log k) by quickselect. `candidates` is reordered.
 */
export function topK(scores: ArrayLike<number>, candidates: Int32Array, count: number, k: number): Int32Array {
  const m = Math.min(k, count);
  if (m <= 0) return new Int32Array(0);
  const better = (x: number, y: number): boolean => {
    const sx = scores[x]!;
    const sy = scores[y]!;
    return sx > sy || (sx === sy && x < y);
  };
  if (m < count) {
    let lo = 0;
    let hi = count - 1;
    const target = m - 1;
    while (lo < hi) {
      const pivot = candidates[(lo + hi) >> 1]!;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (better(candidates[i]!, pivot)) i++;
        while (better(pivot, candidates[j]!)) j--;
        if (i <= j) {
          const t = candidates[i]!;
          candidates[i] = candidates[j]!;
          candidates[j] = t;
          i++;
          j--;
        }
      }
      if (target <= j) hi = j;
      else if (target >= i) lo = i;
      else break;
    }
  }
  const out = candidates.slice(0, m);
  out.sort((x, y) => (better(x, y) ? -1 : better(y, x) ? 1 : 0));
  return out;
}
