/** `recs` task: top-K recommendation accuracy on a random or last-basket split. */
import type { Transaction } from '../canonical.js';
import { RankingAccumulator } from '../metrics.js';
import { fitRecommender, type DeepPartial, type InteractionBasket, type Recommender, type RecommenderConfig, LINLI_PRESETS } from '../recommender.js';
import { PopularityRecommender, TopFrequencyRecommender, fitItemKnn } from '../baselines.js';
import { toBaskets } from './data.js';
import { mulberry32, shuffle } from './random.js';
import { round, table } from './format.js';

export type SplitKind = 'random' | 'last-basket';

export interface RecsOptions {
  split: SplitKind;
  ks: number[];
  testFraction: number;
  seed: number;
  /** Overrides merged over the Linli preset for this split. */
  linli?: DeepPartial<RecommenderConfig>;
  /** Optional log of progress lines. */
  log?: (line: string) => void;
}

export interface RecsRow {
  k?: number;
  model: string;
  precision: number | null;
  recall: number | null;
  ndcg: number | null;
  map: number | null;
  hitRate: number | null;
}

export interface RecsResult {
  task: 'recs';
  split: SplitKind;
  k: number | number[];
  results: RecsRow[];
}

interface Split {
  train: InteractionBasket[];
  test: Map<string, Set<string>>;
  excludeSeen: boolean;
}

/**
 * Random split stratified by user: each user's distinct items are shuffled with a seeded PRNG
 * and round(n × fraction) of them (at most n − 1, so every user keeps one) are held out. The
 * training baskets are the user's baskets without the held-out items.
 */
export function randomSplit(transactions: readonly Transaction[], fraction: number, seed: number): Split {
  const baskets = toBaskets(transactions);
  const itemsOf = new Map<string, string[]>();
  for (const b of baskets) {
    let l = itemsOf.get(b.userId);
    if (!l) itemsOf.set(b.userId, (l = []));
    for (const i of b.items) l.push(i);
  }
  const rand = mulberry32(seed);
  const test = new Map<string, Set<string>>();
  const users = [...itemsOf.keys()].sort();
  for (const u of users) {
    const distinct = shuffle([...new Set(itemsOf.get(u)!)].sort(), rand);
    const nTest = Math.min(distinct.length - 1, Math.round(distinct.length * fraction));
    if (nTest > 0) test.set(u, new Set(distinct.slice(0, nTest)));
  }
  const train: InteractionBasket[] = [];
  for (const b of baskets) {
    const held = test.get(b.userId);
    const items = held ? b.items.filter((i) => !held.has(i)) : b.items;
    if (items.length) train.push({ userId: b.userId, time: b.time, items });
  }
  return { train, test, excludeSeen: true };
}

/**
 * Last-basket split: each customer's baskets are ordered by ordered_at, then by order of first
 * appearance in the file; the last one is the test basket. Customers with a single basket have
 * no history to predict from and are not evaluated (their basket is not used for training either).
 */
export function lastBasketSplit(transactions: readonly Transaction[]): Split {
  const baskets = toBaskets(transactions).filter((b) => b.items.length > 0);
  const byUser = new Map<string, Array<InteractionBasket & { seq: number }>>();
  for (const b of baskets) {
    let l = byUser.get(b.userId);
    if (!l) byUser.set(b.userId, (l = []));
    l.push(b);
  }
  const train: InteractionBasket[] = [];
  const test = new Map<string, Set<string>>();
  for (const [u, l] of byUser) {
    if (l.length < 2) continue;
    l.sort((x, y) => x.time - y.time || x.seq - y.seq);
    const last = l[l.length - 1]!;
    test.set(u, new Set(last.items));
    for (let i = 0; i < l.length - 1; i++) train.push(l[i]!);
  }
  return { train, test, excludeSeen: false };
}

function evaluate(model: Recommender, split: Split, ks: number[]): Array<{ k: number; acc: RankingAccumulator }> {
  const maxK = Math.max(...ks);
  const accs = ks.map((k) => ({ k, acc: new RankingAccumulator() }));
  const users = [...split.test.keys()].sort();
  for (const u of users) {
    const relevant = split.test.get(u)!;
    const ranked = model.recommend(u, maxK, { excludeSeen: split.excludeSeen }).map((r) => r.itemId);
    for (const a of accs) a.acc.add(ranked, relevant, a.k);
  }
  return accs;
}

export function runRecs(transactions: readonly Transaction[], opts: RecsOptions): { result: RecsResult; report: string } {
  const log = opts.log ?? (() => undefined);
  const split = opts.split === 'random' ? randomSplit(transactions, opts.testFraction, opts.seed) : lastBasketSplit(transactions);
  const nItems = new Set(split.train.flatMap((b) => b.items)).size;
  log(`split ${opts.split}: ${split.train.length} training baskets, ${nItems} items, ${split.test.size} test users`);
  const preset = opts.split === 'random' ? LINLI_PRESETS.discovery : LINLI_PRESETS.nextBasket;
  const linliCfg: DeepPartial<RecommenderConfig> = {
    weights: { ...preset.weights, ...opts.linli?.weights },
    tifu: { ...preset.tifu, ...opts.linli?.tifu },
    itemCf: { ...preset.itemCf, ...opts.linli?.itemCf },
    popularity: { ...preset.popularity, ...opts.linli?.popularity },
  };
  const models: Array<[string, () => Recommender]> = [
    ['linli', () => fitRecommender({ baskets: split.train }, linliCfg)],
    ...(opts.split === 'last-basket' ? ([['top-frequency', () => new TopFrequencyRecommender(split.train)]] as Array<[string, () => Recommender]>) : []),
    ['item-knn', () => fitItemKnn({ baskets: split.train })],
    ['popularity', () => new PopularityRecommender(split.train)],
  ];
  const rows: RecsRow[] = [];
  for (const [name, make] of models) {
    const t0 = Date.now();
    const model = make();
    const t1 = Date.now();
    const res = evaluate(model, split, opts.ks);
    log(`${name}: fit ${((t1 - t0) / 1000).toFixed(1)} s, recommend ${((Date.now() - t1) / 1000).toFixed(1)} s for ${split.test.size} users`);
    for (const { k, acc } of res) {
      const m = acc.mean();
      const empty = acc.users === 0;
      rows.push({
        ...(opts.ks.length > 1 ? { k } : {}),
        model: name,
        precision: empty ? null : round(m.precision),
        recall: empty ? null : round(m.recall),
        ndcg: empty ? null : round(m.ndcg),
        map: empty ? null : round(m.map),
        hitRate: empty ? null : round(m.hitRate),
      });
    }
  }
  const result: RecsResult = { task: 'recs', split: opts.split, k: opts.ks.length > 1 ? opts.ks : opts.ks[0]!, results: rows };
  const headers = opts.ks.length > 1 ? ['model', 'k', 'precision', 'recall', 'nDCG', 'MAP', 'hit rate'] : ['model', 'precision', 'recall', 'nDCG', 'MAP', 'hit rate'];
  const body = rows.map((r) => (opts.ks.length > 1 ? [r.model, r.k, r.precision, r.recall, r.ndcg, r.map, r.hitRate] : [r.model, r.precision, r.recall, r.ndcg, r.map, r.hitRate]));
  const head = `Recommendations — split ${opts.split}${opts.split === 'random' ? ` (test fraction ${opts.testFraction}, seed ${opts.seed}, seen items removed)` : ' (last basket per customer, repurchases allowed)'}; ${split.test.size} test users, ${nItems} items, k = ${opts.ks.join(', ')}`;
  const notes = split.test.size === 0 ? ['\nNo test users: the data set has no item detail (empty product_id) or too little history for this split.'] : [];
  return { result, report: [head, '', table(headers, body), ...notes].join('\n') };
}
