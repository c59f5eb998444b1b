/**
 * Linli's next-basket / top-N recommender.
 *
 * Three scores are computed per candidate item, each normalised to [0, 1] by its maximum for
 * the user, and blended with weights:
 *
 * (a) repurchase — TIFU-KNN (Hu, He, Chen, Nguyen & Sun, "Modeling Personalized Item
 *     Frequency Information for Next-basket Recommendation", SIGIR 2020): the user's baskets are
 *     split into groups of `groupSize` (the most recent group complete); within a group basket j
 *     of n weighs withinDecay^(n−j), groups weigh groupDecay^(G−g); the user vector is the
 *     average. The score is α·u + (1−α)·mean of the user's k nearest neighbours' vectors
 *     (cosine similarity).
 * (b) item-to-item collaborative filtering over the user × item incidence matrix X, either
 *     cosine on co-occurrence with shrinkage, sim(i,j) = c_ij / √(c_i c_j) · c_ij / (c_ij + λ),
 *     truncated to the top `neighbours` per item, or EASE (Steck, "Embarrassingly Shallow
 *     Autoencoders for Sparse Data", WWW 2019): B = −P / diag(P), P = (XᵀX + λI)⁻¹, diag(B) = 0
 *     (used when the catalogue is small enough for a dense inverse).
 * (c) popularity within the user's group (e.g. the compound / 小区), falling back to global
 *     popularity: cold-start users get this alone.
 *
 * `fit()` precomputes compact typed-array structures; `recommend()` touches only the user's own
 * items, their neighbours and the item model rows of the user's items.
 */
import { invertSpd, topK } from './linalg.js';

export interface InteractionBasket {
  userId: string;
  /** Epoch ms; baskets of a user are ordered by time, ties keep input order. */
  time: number;
  items: readonly string[];
}

export interface RecommenderConfig {
  weights: { repurchase: number; itemCf: number; popularity: number };
  tifu: {
    groupSize: number;
    withinDecay: number;
    groupDecay: number;
    /** Nearest neighbour users (0 disables the neighbour term). */
    neighbours: number;
    /** Weight of the user's own vector against the neighbours' mean. */
    alpha: number;
  };
  itemCf: {
    /** `auto` uses EASE when the catalogue has at most `easeMaxItems` items, else cosine. */
    method: 'cosine' | 'ease' | 'auto';
    /** Neighbours kept per item for cosine. */
    neighbours: number;
    /** Shrinkage λ for cosine. */
    shrinkage: number;
    /** Exponent applied to cosine similarities (values > 1 sharpen them). */
    sharpen: number;
    easeLambda: number;
    easeMaxItems: number;
    /** How the user's own items are weighted when scoring: 1 each, or by their TIFU weight. */
    historyWeighting: 'binary' | 'decayed';
  };
  popularity: {
    /** Items kept per group. */
    perGroup: number;
  };
}

export const DEFAULT_RECOMMENDER_CONFIG: RecommenderConfig = {
  weights: { repurchase: 1, itemCf: 0.3, popularity: 0.05 },
  tifu: { groupSize: 7, withinDecay: 0.9, groupDecay: 0.7, neighbours: 300, alpha: 0.7 },
  itemCf: { method: 'auto', neighbours: 100, shrinkage: 10, sharpen: 1, easeLambda: 500, easeMaxItems: 3000, historyWeighting: 'decayed' },
  popularity: { perGroup: 500 },
};

/**
 * Tuned settings for the two ways the model is used:
 * - `nextBasket`: predict the next basket, repurchases welcome (TIFU-KNN dominates);
 * - `discovery`: items the customer has not bought yet (item-to-item CF dominates).
 * The values were chosen on validation splits, never on the reported test split: for
 * `nextBasket`, predicting each Ta-Feng customer's second-to-last basket; for `discovery`, the
 * EASE λ on a MovieLens random split with another seed (7).
 */
export const LINLI_PRESETS: { nextBasket: DeepPartial<RecommenderConfig>; discovery: DeepPartial<RecommenderConfig> } = {
  nextBasket: {
    weights: { repurchase: 1, itemCf: 0.3, popularity: 0.2 },
    tifu: { groupSize: 4, withinDecay: 0.9, groupDecay: 0.7, neighbours: 300, alpha: 0.7 },
    itemCf: { method: 'cosine', neighbours: 100, shrinkage: 10, historyWeighting: 'decayed' },
  },
  discovery: {
    weights: { repurchase: 0, itemCf: 1, popularity: 0 },
    itemCf: { method: 'auto', easeLambda: 500, historyWeighting: 'binary' },
  },
};

/** Deep-merge a partial configuration over the defaults. */
export function recommenderConfig(over: DeepPartial<RecommenderConfig> = {}): RecommenderConfig {
  const d = DEFAULT_RECOMMENDER_CONFIG;
  return {
    weights: { ...d.weights, ...over.weights },
    tifu: { ...d.tifu, ...over.tifu },
    itemCf: { ...d.itemCf, ...over.itemCf },
    popularity: { ...d.popularity, ...over.popularity },
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

export type ReasonKind = 'repurchase' | 'similar_customers' | 'bought_with' | 'popular_in_group' | 'popular';

export interface Recommendation {
  itemId: string;
  score: number;
  reason: { kind: ReasonKind; text: string; relatedItemId?: string };
}

export interface RecommendOptions {
  /** Restrict to these items (e.g. the SKUs on sale today). */
  candidates?: Iterable<string>;
  /** Drop items the user has already bought (default false: repurchases are welcome). */
  excludeSeen?: boolean;
  /** Group for popularity when the user is unknown or has none recorded. */
  group?: string;
}

/** Common interface of the Linli model and the baselines. */
export interface Recommender {
  recommend(userId: string, k: number, opts?: RecommendOptions): Recommendation[];
}

export interface FitInput {
  baskets: Iterable<InteractionBasket>;
  /** userId → group (compound). */
  userGroups?: ReadonlyMap<string, string>;
  /** itemId → display name for reasons. */
  itemLabels?: ReadonlyMap<string, string>;
}

const DAY = 86_400_000;

/** "every ~2 weeks" style phrase for a gap in days. */
export function cadencePhrase(days: number): string {
  if (days < 1.5) return 'every day or so';
  if (days < 10.5) return `every ~${Math.round(days)} days`;
  if (days < 60) {
    const w = Math.round(days / 7);
    return w === 1 ? 'every week or so' : `every ~${w} weeks`;
  }
  const m = Math.round(days / 30);
  return m === 1 ? 'every month or so' : `every ~${m} months`;
}

interface Csr {
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

/** Build a CSR matrix from per-row maps (columns sorted). */
function toCsr(rows: ReadonlyArray<Map<number, number>>): Csr {
  const ptr = new Int32Array(rows.length + 1);
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) {
    nnz += rows[i]!.size;
    ptr[i + 1] = nnz;
  }
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  for (let i = 0; i < rows.length; i++) {
    const entries = [...rows[i]!].sort((a, b) => a[0] - b[0]);
    let p = ptr[i]!;
    for (const [c, v] of entries) {
      idx[p] = c;
      val[p++] = v;
    }
  }
  return { ptr, idx, val };
}

function transpose(m: Csr, nCols: number): Csr {
  const nRows = m.ptr.length - 1;
  const ptr = new Int32Array(nCols + 1);
  for (let p = 0; p < m.idx.length; p++) ptr[m.idx[p]! + 1]!++;
  for (let c = 0; c < nCols; c++) ptr[c + 1]! += ptr[c]!;
  const fill = ptr.slice(0, nCols);
  const idx = new Int32Array(m.idx.length);
  const val = new Float32Array(m.idx.length);
  for (let r = 0; r < nRows; r++) {
    for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) {
      const c = m.idx[p]!;
      const q = fill[c]!++;
      idx[q] = r;
      val[q] = m.val[p]!;
    }
  }
  return { ptr, idx, val };
}

/** The fitted Linli recommender. Create with {@link fitRecommender}. */
export class LinliRecommender implements Recommender {
  private readonly itemIndex: Map<string, number>;
  private readonly userIndex: Map<string, number>;
  private readonly scratch: { rep: Float64Array; cf: Float64Array; mark: Uint8Array; list: Int32Array; elig: Int32Array; cand: Uint8Array };

  /** @internal use {@link fitRecommender} */
  constructor(
    readonly config: RecommenderConfig,
    readonly items: readonly string[],
    readonly users: readonly string[],
    /** TIFU user vectors. */
    private readonly userVec: Csr,
    /** Per (user, item) entry of userVec: times bought and mean gap in days (0 if bought once). */
    private readonly userCount: Int32Array,
    private readonly userGapDays: Float32Array,
    /** nUsers × k neighbour ids (−1 = none). */
    private readonly neighbours: Int32Array,
    private readonly kNeighbours: number,
    private readonly itemModel: { kind: 'cosine'; sim: Csr } | { kind: 'ease'; B: Float32Array } | { kind: 'none' },
    private readonly userGroup: Int32Array,
    private readonly groups: readonly string[],
    /** Per group: item ids and normalised scores, best first. */
    private readonly groupPop: ReadonlyArray<{ items: Int32Array; scores: Float32Array }>,
    private readonly globalPop: { items: Int32Array; scores: Float32Array },
    private readonly labels: ReadonlyMap<string, string>,
  ) {
    this.itemIndex = new Map(items.map((id, i) => [id, i]));
    this.userIndex = new Map(users.map((id, i) => [id, i]));
    const n = items.length;
    this.scratch = { rep: new Float64Array(n), cf: new Float64Array(n), mark: new Uint8Array(n), list: new Int32Array(n), elig: new Int32Array(n), cand: new Uint8Array(n) };
  }

  get itemModelKind(): 'cosine' | 'ease' | 'none' {
    return this.itemModel.kind;
  }

  private label(i: number): string {
    const id = this.items[i]!;
    return this.labels.get(id) ?? id;
  }

  recommend(userId: string, k: number, opts: RecommendOptions = {}): Recommendation[] {
    const { rep, cf, mark, list, elig, cand } = this.scratch;
    const cfg = this.config;
    const u = this.userIndex.get(userId);
    let touched = 0;
    const touch = (i: number) => {
      if (!mark[i]) {
        mark[i] = 1;
        list[touched++] = i;
      }
    };
    let restrict = false;
    const candList: number[] = [];
    if (opts.candidates) {
      restrict = true;
      for (const id of opts.candidates) {
        const i = this.itemIndex.get(id);
        if (i !== undefined && !cand[i]) {
          cand[i] = 1;
          candList.push(i);
        }
      }
    }
    const { ptr, idx, val } = this.userVec;
    const w = cfg.weights;
    // (a) repurchase: own vector + neighbours
    if (u !== undefined && w.repurchase > 0) {
      const a = cfg.tifu.alpha;
      for (let p = ptr[u]!; p < ptr[u + 1]!; p++) {
        rep[idx[p]!] = rep[idx[p]!]! + a * val[p]!;
        touch(idx[p]!);
      }
      const kn = this.kNeighbours;
      if (kn > 0 && a < 1) {
        let cnt = 0;
        for (let j = 0; j < kn; j++) if (this.neighbours[u * kn + j]! >= 0) cnt++;
        const f = cnt > 0 ? (1 - a) / cnt : 0;
        for (let j = 0; j < kn; j++) {
          const v = this.neighbours[u * kn + j]!;
          if (v < 0) continue;
          for (let p = ptr[v]!; p < ptr[v + 1]!; p++) {
            const i = idx[p]!;
            rep[i] = rep[i]! + f * val[p]!;
            touch(i);
          }
        }
      }
    }
    // (b) item-to-item CF from the user's own items
    if (u !== undefined && w.itemCf > 0 && this.itemModel.kind !== 'none') {
      const decayed = cfg.itemCf.historyWeighting === 'decayed';
      if (this.itemModel.kind === 'cosine') {
        const s = this.itemModel.sim;
        for (let p = ptr[u]!; p < ptr[u + 1]!; p++) {
          const i = idx[p]!;
          const wi = decayed ? val[p]! : 1;
          for (let q = s.ptr[i]!; q < s.ptr[i + 1]!; q++) {
            const j = s.idx[q]!;
            cf[j] = cf[j]! + wi * s.val[q]!;
            touch(j);
          }
        }
      } else {
        const B = this.itemModel.B;
        const n = this.items.length;
        for (let p = ptr[u]!; p < ptr[u + 1]!; p++) {
          const i = idx[p]!;
          const wi = decayed ? val[p]! : 1;
          const row = i * n;
          for (let j = 0; j < n; j++) cf[j] = cf[j]! + wi * B[row + j]!;
        }
        for (let j = 0; j < n; j++) touch(j);
      }
    }
    // (c) popularity in the user's group, else global
    const g = u !== undefined && this.userGroup[u]! >= 0 ? this.userGroup[u]! : opts.group !== undefined ? this.groups.indexOf(opts.group) : -1;
    const pop = g >= 0 ? this.groupPop[g]! : this.globalPop;
    const popScore = new Map<number, number>();
    for (let t = 0; t < pop.items.length; t++) {
      popScore.set(pop.items[t]!, pop.scores[t]!);
      touch(pop.items[t]!);
    }
    if (restrict) for (const i of candList) touch(i);
    // normalise per component over the eligible items
    const seen = new Set<number>();
    if (opts.excludeSeen && u !== undefined) for (let p = ptr[u]!; p < ptr[u + 1]!; p++) seen.add(idx[p]!);
    let maxRep = 0;
    let maxCf = 0;
    let eligible = 0;
    for (let t = 0; t < touched; t++) {
      const i = list[t]!;
      if ((restrict && !cand[i]) || seen.has(i)) continue;
      elig[eligible++] = i;
      if (rep[i]! > maxRep) maxRep = rep[i]!;
      if (cf[i]! > maxCf) maxCf = cf[i]!;
    }
    const final = new Float64Array(eligible);
    const parts = new Float64Array(eligible * 3);
    for (let t = 0; t < eligible; t++) {
      const i = elig[t]!;
      const a = maxRep > 0 ? (w.repurchase * rep[i]!) / maxRep : 0;
      const b = maxCf > 0 ? (w.itemCf * Math.max(0, cf[i]!)) / maxCf : 0;
      const c = w.popularity * (popScore.get(i) ?? 0);
      final[t] = a + b + c;
      parts[t * 3] = a;
      parts[t * 3 + 1] = b;
      parts[t * 3 + 2] = c;
    }
    const order = new Int32Array(eligible);
    for (let t = 0; t < eligible; t++) order[t] = t;
    const best = topK(final, order, eligible, k);
    const out: Recommendation[] = [];
    for (const t of best) {
      const i = elig[t]!;
      out.push({ itemId: this.items[i]!, score: final[t]!, reason: this.reason(u, i, parts[t * 3]!, parts[t * 3 + 1]!, parts[t * 3 + 2]!, g) });
    }
    // reset scratch
    for (let t = 0; t < touched; t++) {
      const i = list[t]!;
      rep[i] = 0;
      cf[i] = 0;
      mark[i] = 0;
    }
    for (const i of candList) cand[i] = 0;
    return out;
  }

  private reason(u: number | undefined, i: number, a: number, b: number, c: number, g: number): Recommendation['reason'] {
    if (u !== undefined && a >= b && a >= c && a > 0) {
      const p = this.findOwn(u, i);
      if (p >= 0) {
        const cnt = this.userCount[p]!;
        const gap = this.userGapDays[p]!;
        if (cnt >= 2 && gap > 0) return { kind: 'repurchase', text: `you buy this ${cadencePhrase(gap)}` };
        return { kind: 'repurchase', text: cnt >= 2 ? `you have bought this ${cnt} times` : 'you bought this before' };
      }
      return { kind: 'similar_customers', text: 'customers with baskets like yours buy this' };
    }
    if (u !== undefined && b >= c && b > 0) {
      const rel = this.strongestRelated(u, i);
      if (rel >= 0) return { kind: 'bought_with', text: `often bought with ${this.label(rel)}`, relatedItemId: this.items[rel]! };
    }
    if (g >= 0) return { kind: 'popular_in_group', text: 'popular in your compound' };
    return { kind: 'popular', text: 'popular right now' };
  }

  private findOwn(u: number, i: number): number {
    const { ptr, idx } = this.userVec;
    let lo = ptr[u]!;
    let hi = ptr[u + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = idx[mid]!;
      if (v === i) return mid;
      if (v < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The user's item contributing most to item j's CF score. */
  private strongestRelated(u: number, j: number): number {
    const { ptr, idx, val } = this.userVec;
    const decayed = this.config.itemCf.historyWeighting === 'decayed';
    let best = -1;
    let bestV = 0;
    for (let p = ptr[u]!; p < ptr[u + 1]!; p++) {
      const i = idx[p]!;
      if (i === j) continue;
      let s = 0;
      if (this.itemModel.kind === 'ease') s = this.itemModel.B[i * this.items.length + j]!;
      else if (this.itemModel.kind === 'cosine') {
        const m = this.itemModel.sim;
        for (let q = m.ptr[i]!; q < m.ptr[i + 1]!; q++) if (m.idx[q] === j) s = m.val[q]!;
      }
      s *= decayed ? val[p]! : 1;
      if (s > bestV) {
        bestV = s;
        best = i;
      }
    }
    return best;
  }
}

/** Group a user's baskets and compute the TIFU-KNN user vector (item index → weight). */
export function tifuVector(baskets: ReadonlyArray<readonly number[]>, groupSize: number, withinDecay: number, groupDecay: number): Map<number, number> {
  const n = baskets.length;
  const out = new Map<number, number>();
  if (n === 0) return out;
  const m = Math.max(1, Math.floor(groupSize));
  const G = Math.ceil(n / m);
  // groups are cut from the most recent basket backwards, so the first group may be short
  for (let g = 0; g < G; g++) {
    const end = n - (G - 1 - g) * m; // exclusive
    const start = Math.max(0, end - m);
    const size = end - start;
    const gw = Math.pow(groupDecay, G - 1 - g) / G;
    for (let b = start; b < end; b++) {
      const bw = (gw * Math.pow(withinDecay, end - 1 - b)) / size;
      for (const i of baskets[b]!) out.set(i, (out.get(i) ?? 0) + bw);
    }
  }
  return out;
}

/** Fit the Linli recommender. */
export function fitRecommender(input: FitInput, over: DeepPartial<RecommenderConfig> = {}): LinliRecommender {
  const cfg = recommenderConfig(over);
  const itemIndex = new Map<string, number>();
  const items: string[] = [];
  const userIndex = new Map<string, number>();
  const users: string[] = [];
  const perUser: Array<Array<{ time: number; seq: number; items: number[] }>> = [];
  let seq = 0;
  for (const b of input.baskets) {
    let u = userIndex.get(b.userId);
    if (u === undefined) {
      u = users.length;
      userIndex.set(b.userId, u);
      users.push(b.userId);
      perUser.push([]);
    }
    const its: number[] = [];
    for (const id of new Set(b.items)) {
      if (id === '') continue;
      let i = itemIndex.get(id);
      if (i === undefined) {
        i = items.length;
        itemIndex.set(id, i);
        items.push(id);
      }
      its.push(i);
    }
    if (its.length) perUser[u]!.push({ time: b.time, seq: seq++, items: its });
  }
  const nU = users.length;
  const nI = items.length;
  // (a) TIFU vectors + purchase cadence
  const rows: Array<Map<number, number>> = [];
  const cadence: Array<Map<number, { count: number; first: number; last: number }>> = [];
  for (let u = 0; u < nU; u++) {
    const bs = perUser[u]!.sort((x, y) => x.time - y.time || x.seq - y.seq);
    rows.push(tifuVector(bs.map((b) => b.items), cfg.tifu.groupSize, cfg.tifu.withinDecay, cfg.tifu.groupDecay));
    const c = new Map<number, { count: number; first: number; last: number }>();
    for (const b of bs)
      for (const i of b.items) {
        const e = c.get(i);
        if (e) {
          e.count++;
          e.last = b.time;
        } else c.set(i, { count: 1, first: b.time, last: b.time });
      }
    cadence.push(c);
  }
  const userVec = toCsr(rows);
  const userCount = new Int32Array(userVec.idx.length);
  const userGapDays = new Float32Array(userVec.idx.length);
  for (let u = 0; u < nU; u++) {
    for (let p = userVec.ptr[u]!; p < userVec.ptr[u + 1]!; p++) {
      const e = cadence[u]!.get(userVec.idx[p]!)!;
      userCount[p] = e.count;
      userGapDays[p] = e.count >= 2 ? (e.last - e.first) / DAY / (e.count - 1) : 0;
    }
  }
  const itemUsers = transpose(userVec, nI);
  // neighbours by cosine of TIFU vectors
  const kn = cfg.weights.repurchase > 0 && cfg.tifu.alpha < 1 ? Math.min(cfg.tifu.neighbours, Math.max(0, nU - 1)) : 0;
  const neighbours = new Int32Array(nU * kn).fill(-1);
  if (kn > 0) {
    const norm = new Float64Array(nU);
    for (let u = 0; u < nU; u++) {
      let s = 0;
      for (let p = userVec.ptr[u]!; p < userVec.ptr[u + 1]!; p++) s += userVec.val[p]! ** 2;
      norm[u] = Math.sqrt(s) || 1;
    }
    const acc = new Float64Array(nU);
    const cand = new Int32Array(nU);
    for (let u = 0; u < nU; u++) {
      let cnt = 0;
      for (let p = userVec.ptr[u]!; p < userVec.ptr[u + 1]!; p++) {
        const i = userVec.idx[p]!;
        const x = userVec.val[p]!;
        for (let q = itemUsers.ptr[i]!; q < itemUsers.ptr[i + 1]!; q++) {
          const v = itemUsers.idx[q]!;
          if (v === u) continue;
          if (acc[v] === 0) cand[cnt++] = v;
          acc[v] = acc[v]! + x * itemUsers.val[q]!;
        }
      }
      for (let t = 0; t < cnt; t++) acc[cand[t]!] = acc[cand[t]!]! / norm[cand[t]!]!;
      const best = topK(acc, cand, cnt, kn);
      for (let t = 0; t < best.length; t++) neighbours[u * kn + t] = best[t]!;
      for (let t = 0; t < cnt; t++) acc[cand[t]!] = 0;
    }
  }
  // (b) item model on the binary user × item matrix
  let itemModel: { kind: 'cosine'; sim: Csr } | { kind: 'ease'; B: Float32Array } | { kind: 'none' } = { kind: 'none' };
  if (cfg.weights.itemCf > 0 && nI > 0) {
    const useEase = cfg.itemCf.method === 'ease' || (cfg.itemCf.method === 'auto' && nI <= cfg.itemCf.easeMaxItems);
    itemModel = useEase ? { kind: 'ease', B: fitEase(userVec, nI, cfg.itemCf.easeLambda) } : { kind: 'cosine', sim: fitCosine(userVec, itemUsers, nI, cfg.itemCf) };
  }
  // (c) popularity: distinct users per item, globally and per group
  const groupNames: string[] = [];
  const groupOf = new Map<string, number>();
  const userGroup = new Int32Array(nU).fill(-1);
  if (input.userGroups) {
    for (let u = 0; u < nU; u++) {
      const gname = input.userGroups.get(users[u]!);
      if (gname === undefined || gname === '') continue;
      let g = groupOf.get(gname);
      if (g === undefined) {
        g = groupNames.length;
        groupOf.set(gname, g);
        groupNames.push(gname);
      }
      userGroup[u] = g;
    }
  }
  const popOf = (members: (u: number) => boolean) => {
    const cnt = new Float64Array(nI);
    for (let u = 0; u < nU; u++) {
      if (!members(u)) continue;
      for (let p = userVec.ptr[u]!; p < userVec.ptr[u + 1]!; p++) cnt[userVec.idx[p]!]! += 1;
    }
    const all = new Int32Array(nI);
    let c = 0;
    for (let i = 0; i < nI; i++) if (cnt[i]! > 0) all[c++] = i;
    const best = topK(cnt, all, c, cfg.popularity.perGroup);
    const top = best.length ? cnt[best[0]!]! : 1;
    return { items: best, scores: Float32Array.from(best, (i) => cnt[i]! / top) };
  };
  const globalPop = popOf(() => true);
  const groupPop = groupNames.map((_, g) => popOf((u) => userGroup[u] === g));
  return new LinliRecommender(cfg, items, users, userVec, userCount, userGapDays, neighbours, kn, itemModel, userGroup, groupNames, groupPop, globalPop, input.itemLabels ?? new Map());
}

/** Cosine item-item similarity with shrinkage, top-`neighbours` per item. */
function fitCosine(userVec: Csr, itemUsers: Csr, nI: number, cfg: RecommenderConfig['itemCf']): Csr {
  const deg = new Float64Array(nI);
  for (let i = 0; i < nI; i++) deg[i] = itemUsers.ptr[i + 1]! - itemUsers.ptr[i]!;
  const acc = new Float64Array(nI);
  const cand = new Int32Array(nI);
  const ptr = new Int32Array(nI + 1);
  const idxParts: Int32Array[] = [];
  const valParts: Float32Array[] = [];
  for (let i = 0; i < nI; i++) {
    let cnt = 0;
    for (let q = itemUsers.ptr[i]!; q < itemUsers.ptr[i + 1]!; q++) {
      const u = itemUsers.idx[q]!;
      for (let p = userVec.ptr[u]!; p < userVec.ptr[u + 1]!; p++) {
        const j = userVec.idx[p]!;
        if (j === i) continue;
        if (acc[j] === 0) cand[cnt++] = j;
        acc[j]! += 1;
      }
    }
    for (let t = 0; t < cnt; t++) {
      const j = cand[t]!;
      const c = acc[j]!;
      const cos = c / Math.sqrt(deg[i]! * deg[j]!);
      acc[j] = Math.pow(cos * (c / (c + cfg.shrinkage)), cfg.sharpen);
    }
    const best = topK(acc, cand, cnt, cfg.neighbours);
    idxParts.push(Int32Array.from(best).sort());
    valParts.push(Float32Array.from(idxParts[i]!, (j) => acc[j]!));
    ptr[i + 1] = ptr[i]! + best.length;
    for (let t = 0; t < cnt; t++) acc[cand[t]!] = 0;
  }
  const idx = new Int32Array(ptr[nI]!);
  const val = new Float32Array(ptr[nI]!);
  for (let i = 0; i < nI; i++) {
    idx.set(idxParts[i]!, ptr[i]!);
    val.set(valParts[i]!, ptr[i]!);
  }
  return { ptr, idx, val };
}

/** EASE item weights B (dense, row-major nI × nI) from the binary user × item matrix. */
export function fitEase(userVec: Csr, nI: number, lambda: number): Float32Array {
  const G = new Float64Array(nI * nI);
  const nU = userVec.ptr.length - 1;
  for (let u = 0; u < nU; u++) {
    const s = userVec.ptr[u]!;
    const e = userVec.ptr[u + 1]!;
    for (let p = s; p < e; p++) {
      const row = userVec.idx[p]! * nI;
      for (let q = s; q < e; q++) G[row + userVec.idx[q]!]! += 1;
    }
  }
  for (let i = 0; i < nI; i++) G[i * nI + i]! += lambda;
  const P = invertSpd(G, nI);
  const B = new Float32Array(nI * nI);
  for (let i = 0; i < nI; i++) {
    for (let j = 0; j < nI; j++) B[i * nI + j] = i === j ? 0 : -P[i * nI + j]! / P[j * nI + j]!;
  }
  return B;
}
