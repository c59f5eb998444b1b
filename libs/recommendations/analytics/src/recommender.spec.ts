import { cadencePhrase, fitRecommender, tifuVector, type InteractionBasket } from './recommender.js';
import { PopularityRecommender, TopFrequencyRecommender, fitItemKnn } from './baselines.js';

const DAY = 86_400_000;
const b = (userId: string, day: number, ...items: string[]): InteractionBasket => ({ userId, time: day * DAY, items });

describe('tifuVector', () => {
  it('decays within and across groups (hand-computed)', () => {
    // baskets (oldest first): [0], [1], [0, 2]; groupSize 2 → groups {[0]} and {[1], [0,2]}
    const v = tifuVector([[0], [1], [0, 2]], 2, 0.5, 0.8);
    // G = 2: old group weight 0.8/2 = 0.4 (one basket, within weight 1); recent group weight 1/2 with
    // baskets weighted 0.5 and 1, divided by the group size 2
    expect(v.get(0)).toBeCloseTo(0.4 * 1 + 0.5 * (1 / 2), 12);
    expect(v.get(1)).toBeCloseTo(0.5 * (0.5 / 2), 12);
    expect(v.get(2)).toBeCloseTo(0.5 * (1 / 2), 12);
  });
});

describe('cadencePhrase', () => {
  it('reads naturally', () => {
    expect(cadencePhrase(14)).toBe('every ~2 weeks');
    expect(cadencePhrase(3)).toBe('every ~3 days');
    expect(cadencePhrase(7)).toBe('every ~7 days');
    expect(cadencePhrase(95)).toBe('every ~3 months');
  });
});

describe('LinliRecommender', () => {
  // u1 buys milk every 14 days; many buy bread with milk; diapers are popular in compound A
  const baskets: InteractionBasket[] = [
    b('u1', 0, 'milk', 'eggs'),
    b('u1', 14, 'milk'),
    b('u1', 28, 'milk', 'apples'),
    b('u2', 1, 'milk', 'bread'),
    b('u2', 5, 'milk', 'bread', 'jam'),
    b('u3', 2, 'milk', 'bread'),
    b('u3', 9, 'diapers'),
    b('u4', 3, 'diapers', 'wipes'),
    b('u5', 4, 'diapers'),
  ];
  const groups = new Map([
    ['u1', 'A'],
    ['u3', 'A'],
    ['u4', 'A'],
    ['u5', 'A'],
    ['u2', 'B'],
  ]);
  const labels = new Map([['milk', 'Fresh milk 1L']]);
  const model = fitRecommender({ baskets, userGroups: groups, itemLabels: labels }, { tifu: { neighbours: 2 }, itemCf: { method: 'cosine' } });

  it('ranks the habitual repurchase first with a cadence reason', () => {
    const recs = model.recommend('u1', 3);
    expect(recs[0]!.itemId).toBe('milk');
    expect(recs[0]!.reason).toEqual({ kind: 'repurchase', text: 'you buy this every ~2 weeks' });
    expect(recs.length).toBe(3);
    for (let i = 1; i < recs.length; i++) expect(recs[i - 1]!.score).toBeGreaterThanOrEqual(recs[i]!.score);
  });

  it('explains co-purchase recommendations and excludes seen items on request', () => {
    const recs = model.recommend('u1', 5, { excludeSeen: true });
    expect(recs.map((r) => r.itemId)).not.toContain('milk');
    const bread = recs.find((r) => r.itemId === 'bread')!;
    expect(bread).toBeDefined();
    expect(['bought_with', 'similar_customers']).toContain(bread.reason.kind);
    const onlyCf = fitRecommender({ baskets, itemLabels: labels }, { weights: { repurchase: 0, itemCf: 1, popularity: 0 }, itemCf: { method: 'cosine' } });
    const r = onlyCf.recommend('u1', 1, { excludeSeen: true })[0]!;
    expect(r.itemId).toBe('bread');
    expect(r.reason).toEqual({ kind: 'bought_with', text: 'often bought with Fresh milk 1L', relatedItemId: 'milk' });
  });

  it('restricts to the candidate SKUs on sale', () => {
    const recs = model.recommend('u1', 5, { candidates: ['jam', 'wipes', 'unknown-sku'] });
    expect(recs.map((r) => r.itemId).sort()).toEqual(['jam', 'wipes']);
  });

  it('serves cold-start users from their compound’s popularity', () => {
    const recs = model.recommend('new-user', 2, { group: 'A' });
    expect(recs[0]!.itemId).toBe('diapers');
    expect(recs[0]!.reason).toEqual({ kind: 'popular_in_group', text: 'popular in your compound' });
    expect(model.recommend('new-user', 1)[0]!.reason.kind).toBe('popular');
  });

  it('uses EASE for small catalogues and scores co-purchased items above unrelated ones', () => {
    const ease = fitRecommender({ baskets }, { weights: { repurchase: 0, itemCf: 1, popularity: 0 }, itemCf: { method: 'ease', easeLambda: 1 } });
    expect(ease.itemModelKind).toBe('ease');
    const recs = ease.recommend('u3', 3, { excludeSeen: true }).map((r) => r.itemId);
    // jam goes with milk + bread (u2), wipes with diapers (u4); eggs/apples only with milk
    expect(recs.slice(0, 2).sort()).toEqual(['jam', 'wipes']);
  });
});

describe('baselines', () => {
  const baskets = [b('a', 0, 'x', 'y'), b('a', 1, 'x'), b('a', 2, 'z'), b('c', 0, 'y'), b('d', 0, 'y', 'z')];

  it('popularity counts distinct users', () => {
    const p = new PopularityRecommender(baskets);
    expect(p.recommend('zz', 3).map((r) => r.itemId)).toEqual(['y', 'z', 'x']);
    expect(p.recommend('a', 3, { excludeSeen: true })).toEqual([]);
  });

  it('top-frequency ranks own items by count then recency, then fills with popularity', () => {
    const t = new TopFrequencyRecommender([...baskets, b('e', 0, 'w'), b('f', 0, 'w')]);
    expect(t.recommend('a', 4).map((r) => r.itemId)).toEqual(['x', 'z', 'y', 'w']);
  });

  it('item-kNN recommends co-consumed items', () => {
    const m = fitItemKnn({ baskets });
    expect(m.recommend('c', 1, { excludeSeen: true })[0]!.itemId).toBe('z');
  });
});
