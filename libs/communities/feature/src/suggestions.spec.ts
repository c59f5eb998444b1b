import { declaredTags, scoreCommunity, slug } from './suggestions.js';

describe('community suggestions', () => {
  it('derives declared tags from household and diet', () => {
    const tags = declaredTags({ household: { children: [{ birthYear: 2019 }], elderly: 1 }, dietary: { preferences: ['轻食', 'Low Sugar', '!!'] } });
    expect([...tags].sort()).toEqual(['light-food', 'low-sugar', 'parent-child', 'silver-health']);
    expect(declaredTags(null).size).toBe(0);
    expect(slug('!!')).toBeNull();
  });

  it('weighs declared over inferred tags, invitations most, and suggests nothing without a match', () => {
    const c = { id: 'c', tags: ['light-food', 'fresh-vegetables'], memberCount: 9 };
    expect(scoreCommunity(c, new Set(['light-food']), new Set(), false)).toEqual({ score: 2.1, reasons: ['you told us: light-food'] });
    expect(scoreCommunity(c, new Set(), new Set(['fresh-vegetables']), false).score).toBe(1.1);
    expect(scoreCommunity(c, new Set(), new Set(), true).score).toBe(5.1);
    expect(scoreCommunity(c, new Set(['baking']), new Set(), false).score).toBe(0);
  });
});
