import { fitRecommender, type InteractionBasket } from './recommender.js';
import { restoreRecommender, snapshotRecommender } from './recommender-snapshot.js';

const DAY = 86_400_000;
const b = (userId: string, day: number, ...items: string[]): InteractionBasket => ({ userId, time: day * DAY, items });

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
  ['u4', 'B'],
]);

describe.each(['cosine', 'ease'] as const)('snapshot of a %s recommender', (method) => {
  const original = fitRecommender({ baskets, userGroups: groups, itemLabels: new Map([['milk', 'Fresh milk 1L']]) }, { itemCf: { method }, tifu: { neighbours: 2, alpha: 0.6 } });

  it('restores, after a structured clone with transferred buffers, a recommender that answers the same', () => {
    const expected = ['u1', 'u2', 'u3', 'u4', 'nobody'].map((u) => original.recommend(u, 5, { group: 'A' }));
    const { snapshot, transfer } = snapshotRecommender(original);
    expect(transfer.length).toBeGreaterThan(0);
    const copy = structuredClone(snapshot, { transfer });
    const restored = restoreRecommender(copy);
    expect(['u1', 'u2', 'u3', 'u4', 'nobody'].map((u) => restored.recommend(u, 5, { group: 'A' }))).toEqual(expected);
    expect(restored.recommend('u1', 3, { candidates: ['bread', 'jam'] }).map((r) => r.itemId).sort()).toEqual(['bread', 'jam']);
  });
});
