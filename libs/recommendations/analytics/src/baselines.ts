/**
 * Baseline recommenders to measure the Linli model against.
 */
import { fitRecommender, type FitInput, type InteractionBasket, type Recommendation, type RecommendOptions, type Recommender } from './recommender.js';

function filterFactory(opts: RecommendOptions, seen: ReadonlySet<string> | undefined) {
  const cand = opts.candidates ? new Set(opts.candidates) : null;
  return (id: string) => (!cand || cand.has(id)) && !(opts.excludeSeen && seen?.has(id));
}

/** Global popularity: items ranked by the number of distinct users who bought them. */
export class PopularityRecommender implements Recommender {
  private readonly ranked: Array<{ id: string; users: number }>;
  private readonly seen = new Map<string, Set<string>>();

  constructor(baskets: Iterable<InteractionBasket>) {
    const users = new Map<string, Set<string>>();
    for (const b of baskets) {
      let s = this.seen.get(b.userId);
      if (!s) this.seen.set(b.userId, (s = new Set()));
      for (const id of b.items) {
        if (id === '') continue;
        s.add(id);
        let us = users.get(id);
        if (!us) users.set(id, (us = new Set()));
        us.add(b.userId);
      }
    }
    this.ranked = [...users].map(([id, us]) => ({ id, users: us.size })).sort((a, b) => b.users - a.users || (a.id < b.id ? -1 : 1));
  }

  recommend(userId: string, k: number, opts: RecommendOptions = {}): Recommendation[] {
    const ok = filterFactory(opts, this.seen.get(userId));
    const out: Recommendation[] = [];
    const top = this.ranked[0]?.users ?? 1;
    for (const r of this.ranked) {
      if (out.length >= k) break;
      if (ok(r.id)) out.push({ itemId: r.id, score: r.users / top, reason: { kind: 'popular', text: 'popular right now' } });
    }
    return out;
  }
}

/**
 * Personal top-frequency: the user's own items by how many baskets contained them (ties: the
 * more recently bought first), then filled with global popularity.
 */
export class TopFrequencyRecommender implements Recommender {
  private readonly perUser = new Map<string, Array<{ id: string; count: number; last: number }>>();
  private readonly popularity: PopularityRecommender;

  constructor(baskets: Iterable<InteractionBasket>) {
    const all = [...baskets];
    this.popularity = new PopularityRecommender(all);
    const acc = new Map<string, Map<string, { count: number; last: number }>>();
    let seq = 0;
    for (const b of all) {
      let m = acc.get(b.userId);
      if (!m) acc.set(b.userId, (m = new Map()));
      const order = b.time * 1e-3 + ++seq * 1e-9; // time first, then input order
      for (const id of new Set(b.items)) {
        if (id === '') continue;
        const e = m.get(id);
        if (e) {
          e.count++;
          e.last = Math.max(e.last, order);
        } else m.set(id, { count: 1, last: order });
      }
    }
    for (const [u, m] of acc) this.perUser.set(u, [...m].map(([id, e]) => ({ id, ...e })).sort((a, b) => b.count - a.count || b.last - a.last));
  }

  recommend(userId: string, k: number, opts: RecommendOptions = {}): Recommendation[] {
    const own = this.perUser.get(userId) ?? [];
    const ok = filterFactory(opts, new Set(own.map((e) => e.id)));
    const out: Recommendation[] = [];
    const taken = new Set<string>();
    const top = own[0]?.count ?? 1;
    for (const e of own) {
      if (out.length >= k) break;
      if (!ok(e.id)) continue;
      taken.add(e.id);
      out.push({ itemId: e.id, score: 1 + e.count / top, reason: { kind: 'repurchase', text: `you have bought this ${e.count} time${e.count === 1 ? '' : 's'}` } });
    }
    if (out.length < k) {
      for (const r of this.popularity.recommend(userId, k + taken.size, opts)) {
        if (out.length >= k) break;
        if (!taken.has(r.itemId)) out.push(r);
      }
    }
    return out;
  }
}

/**
 * Plain item-kNN: cosine similarity on the binary user × item matrix, `neighbours` per item, no
 * shrinkage, each of the user's items weighted 1.
 */
export function fitItemKnn(input: FitInput, neighbours = 50): Recommender {
  return fitRecommender(input, {
    weights: { repurchase: 0, itemCf: 1, popularity: 0 },
    itemCf: { method: 'cosine', neighbours, shrinkage: 0, sharpen: 1, historyWeighting: 'binary' },
  });
}
