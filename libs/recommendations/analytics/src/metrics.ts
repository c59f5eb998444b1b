/**
 * Evaluation metrics: top-K ranking metrics with binary relevance, regression accuracy,
 * association rules (frequently bought together) and ROC AUC.
 */

export interface RankingMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
  hitRate: number;
}

/** Number of relevant items among the first k recommendations. */
export function hitsAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  let h = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i]!)) h++;
  return h;
}

/** Precision@k = hits in the top k / k (the denominator is k even if fewer items were ranked). */
export function precisionAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  return k > 0 ? hitsAtK(ranked, relevant, k) / k : 0;
}

/** Recall@k = hits in the top k / |relevant| (0 when nothing is relevant). */
export function recallAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  return relevant.size > 0 ? hitsAtK(ranked, relevant, k) / relevant.size : 0;
}

/**
 * nDCG@k with binary relevance: DCG = Σ_{i=1..k} rel_i / log2(i + 1), normalised by the DCG of
 * an ideal ranking that puts min(k, |relevant|) relevant items first.
 */
export function ndcgAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  if (relevant.size === 0 || k <= 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  let idcg = 0;
  const m = Math.min(k, relevant.size);
  for (let i = 0; i < m; i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}

/**
 * Average precision at k: AP@k = Σ_{i ≤ k, item i relevant} P@i / min(k, |relevant|).
 * Dividing by min(k, |relevant|) (rather than |relevant|) makes a perfect top-k list score 1
 * even when more than k items are relevant. MAP@k is its mean over users.
 */
export function averagePrecisionAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  if (relevant.size === 0 || k <= 0) return 0;
  let hits = 0;
  let sum = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    if (relevant.has(ranked[i]!)) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / Math.min(k, relevant.size);
}

/** 1 if any of the top k is relevant, else 0. */
export function hitRateAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  return hitsAtK(ranked, relevant, k) > 0 ? 1 : 0;
}

/** All ranking metrics for one user. */
export function rankingMetrics<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): RankingMetrics {
  return {
    precision: precisionAtK(ranked, relevant, k),
    recall: recallAtK(ranked, relevant, k),
    ndcg: ndcgAtK(ranked, relevant, k),
    map: averagePrecisionAtK(ranked, relevant, k),
    hitRate: hitRateAtK(ranked, relevant, k),
  };
}

/** Accumulates per-user ranking metrics and reports their means. */
export class RankingAccumulator {
  private sums: RankingMetrics = { precision: 0, recall: 0, ndcg: 0, map: 0, hitRate: 0 };
  users = 0;

  add<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): void {
    const m = rankingMetrics(ranked, relevant, k);
    this.sums.precision += m.precision;
    this.sums.recall += m.recall;
    this.sums.ndcg += m.ndcg;
    this.sums.map += m.map;
    this.sums.hitRate += m.hitRate;
    this.users++;
  }

  mean(): RankingMetrics {
    const n = this.users || 1;
    const s = this.sums;
    return { precision: s.precision / n, recall: s.recall / n, ndcg: s.ndcg / n, map: s.map / n, hitRate: s.hitRate / n };
  }
}

/** Mean absolute error. */
export function meanAbsoluteError(predicted: readonly number[], actual: readonly number[]): number {
  if (predicted.length !== actual.length) throw new RangeError('meanAbsoluteError: length mismatch');
  if (predicted.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < predicted.length; i++) s += Math.abs(predicted[i]! - actual[i]!);
  return s / predicted.length;
}

/** Pearson correlation coefficient (NaN when either series is constant or empty). */
export function pearson(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError('pearson: length mismatch');
  const n = x.length;
  if (n === 0) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

export interface AssociationRule {
  antecedent: string;
  consequent: string;
  /** Baskets containing both. */
  count: number;
  /** count / number of baskets. */
  support: number;
  /** count / baskets containing the antecedent. */
  confidence: number;
  /** confidence / share of baskets containing the consequent. */
  lift: number;
}

export interface AssociationOptions {
  /** Minimum baskets containing the pair (default 2). */
  minCount?: number;
  minSupport?: number;
  minConfidence?: number;
  /** Baskets larger than this are ignored for pair counting (default 100) to bound the cost. */
  maxBasketSize?: number;
  /** Keep at most this many rules, best lift first (default unlimited). */
  limit?: number;
}

/**
 * Single-item association rules A → B ("frequently bought together") from baskets. Items are
 * de-duplicated within a basket. Rules are sorted by lift, then confidence, then count.
 */
export function associationRules(baskets: Iterable<Iterable<string>>, opts: AssociationOptions = {}): AssociationRule[] {
  const minCount = opts.minCount ?? 2;
  const maxBasket = opts.maxBasketSize ?? 100;
  const itemCount = new Map<string, number>();
  const pairCount = new Map<string, number>();
  let n = 0;
  for (const b of baskets) {
    const items = [...new Set(b)].sort();
    n++;
    for (const it of items) itemCount.set(it, (itemCount.get(it) ?? 0) + 1);
    if (items.length > maxBasket) continue;
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const key = `${items[i]}\u0000${items[j]}`;
        pairCount.set(key, (pairCount.get(key) ?? 0) + 1);
      }
    }
  }
  const rules: AssociationRule[] = [];
  for (const [key, count] of pairCount) {
    if (count < minCount) continue;
    const [x, y] = key.split('\u0000') as [string, string];
    for (const [a, c] of [
      [x, y],
      [y, x],
    ] as const) {
      const support = count / n;
      const confidence = count / itemCount.get(a)!;
      const lift = confidence / (itemCount.get(c)! / n);
      if (support < (opts.minSupport ?? 0) || confidence < (opts.minConfidence ?? 0)) continue;
      rules.push({ antecedent: a, consequent: c, count, support, confidence, lift });
    }
  }
  rules.sort((p, q) => q.lift - p.lift || q.confidence - p.confidence || q.count - p.count || (p.antecedent + p.consequent < q.antecedent + q.consequent ? -1 : 1));
  return opts.limit !== undefined ? rules.slice(0, opts.limit) : rules;
}

/**
 * Area under the ROC curve by the Mann–Whitney U statistic: the probability that a random
 * positive scores above a random negative, ties counting one half (mid-ranks). NaN when there
 * are no positives or no negatives.
 */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  if (scores.length !== labels.length) throw new RangeError('rocAuc: length mismatch');
  const idx = scores.map((_, i) => i).sort((i, j) => scores[i]! - scores[j]!);
  let nPos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (labels[idx[t]!]) {
        nPos++;
        rankSumPos += midRank;
      }
    }
    i = j + 1;
  }
  const nNeg = labels.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
