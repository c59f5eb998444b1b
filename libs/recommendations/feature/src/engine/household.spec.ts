import { TagInferrer } from '@linli/recommendations-analytics';
import { TAG_BIT, declaredTags, maskOfStoredTags, productTagMask, tagsOfMask } from './household.js';

describe('declaredTags', () => {
  const now = new Date('2026-11-24T00:00:00Z');

  it('reads children, infants and elderly from the declared household', () => {
    expect(declaredTags({ household: { adults: 2, children: [{ birthYear: 2025 }, { birthYear: 2015 }], elderly: 1 } }, now)).toEqual({ has_children: true, has_infant: true, elderly: true });
    expect(declaredTags({ household: { children: [{ birthYear: 2020 }], elderly: 0 } }, now)).toEqual({ has_children: true, has_infant: false, elderly: false });
    expect(declaredTags({ household: { children: [] } }, now)).toEqual({ has_children: false, has_infant: false });
    expect(declaredTags({ household: { adults: 1 } }, now)).toEqual({});
  });

  it('reads dietary declarations and imported customer attributes', () => {
    expect(declaredTags({ dietary: { preferences: ['素食'], restrictions: ['低糖'] } }, now)).toEqual({ vegetarian: true, health_conscious: true });
    expect(declaredTags({ attributes: { kids_count: '2', age: '70' } }, now)).toEqual({ has_children: true, elderly: true });
  });
});

describe('tag masks', () => {
  it('marks products made for a household tag and reads stored tags', () => {
    const inferrer = new TagInferrer();
    expect(tagsOfMask(productTagMask(inferrer, '婴儿米粉', 'baby-food'))).toEqual(expect.arrayContaining(['has_infant']));
    expect(productTagMask(inferrer, '鲜牛奶', 'dairy')).toBe(0);
    expect(maskOfStoredTags([{ tag: 'pet_owner', value: true }, { tag: 'elderly', value: false }, { tag: 'nonsense', value: true }])).toBe(TAG_BIT.pet_owner);
  });
});
