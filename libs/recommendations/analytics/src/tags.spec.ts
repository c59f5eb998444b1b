import { completenessByGroup, declaredTagsFromAttributes, evaluateSegment, inferTags, parseSegmentRule, resolveTags, segmentRuleSchema, tagCompleteness, TAG_DIMENSIONS, type PurchaseLine } from './tags.js';

const line = (orderId: string, productId: string, productName: string, category = ''): PurchaseLine => ({ orderId, productId, productName, category });

describe('tag inference', () => {
  it('finds English and Chinese keywords with evidence and a confidence in [0, 1]', () => {
    const tags = inferTags([
      line('o1', 'p1', '飞鹤婴儿奶粉 900g', '母婴/奶粉'),
      line('o1', 'p2', 'Whole milk'),
      line('o2', 'p1', '飞鹤婴儿奶粉 900g', '母婴/奶粉'),
      line('o3', 'p3', 'LEGO toy car', 'Toys'),
      line('o4', 'p4', '无糖酸奶', '乳品'),
      line('o5', 'p5', 'Apples'),
    ]);
    const hc = tags.has_children;
    expect(hc.matchedOrders).toBe(3);
    expect(hc.totalOrders).toBe(5);
    // per-order weights 0.6, 0.6, 0.45 → 1 − 0.4·0.4·0.55; share 3/5 ≥ 10 % → factor 1
    expect(hc.confidence).toBeCloseTo(1 - 0.4 * 0.4 * 0.55, 12);
    const milk = hc.evidence.find((e) => e.productId === 'p1' && e.field === 'name')!;
    expect(milk).toMatchObject({ orders: 2, lines: 2, text: '飞鹤婴儿奶粉 900g' });
    expect(hc.evidence.some((e) => e.productId === 'p3' && (e.term === 'toy' || e.term === 'toys'))).toBe(true);
    expect(tags.has_infant.matchedOrders).toBe(2);
    expect(tags.health_conscious.matchedOrders).toBe(1);
    expect(tags.health_conscious.evidence[0]!.term).toBe('无糖');
    expect(tags.elderly.confidence).toBe(0);
    expect(tags.elderly.evidence).toEqual([]);
    for (const t of TAG_DIMENSIONS) expect(tags[t].confidence).toBeGreaterThanOrEqual(0);
    for (const t of TAG_DIMENSIONS) expect(tags[t].confidence).toBeLessThanOrEqual(1);
  });

  it('matches whole English words and honours exclusions', () => {
    const t = inferTags([line('o1', 'a', 'Babylon 5 box set'), line('o2', 'b', 'Adult diapers XL'), line('o3', 'c', 'Senior multivitamin'), line('o4', 'd', 'Pet toy ball')]);
    expect(t.has_children.matchedOrders).toBe(0); // "Babylon" is not "baby"; adult diapers and pet toys are excluded
    expect(t.has_infant.matchedOrders).toBe(0);
    expect(t.elderly.matchedOrders).toBe(2);
    expect(t.pet_owner.matchedOrders).toBe(1);
  });

  it('discounts a single matching order in a long unrelated history', () => {
    const lines = [line('o0', 'x', 'Baby wipes')];
    for (let i = 1; i < 40; i++) lines.push(line(`o${i}`, 'y', 'Rice'));
    // count confidence 0.6; share 1/(40·0.1) = 0.25 → factor 0.625
    expect(inferTags(lines).has_children.confidence).toBeCloseTo(0.6 * 0.625, 12);
  });
});

describe('declared values, resolution and completeness', () => {
  const inferred = inferTags([line('o1', 'p', 'Infant formula'), line('o2', 'p', 'Infant formula')]);

  it('declared values always win over inferred ones', () => {
    const r = resolveTags({ has_children: false, elderly: null }, inferred);
    expect(r.has_children).toEqual({ value: false, source: 'declared', confidence: 1, evidence: [] });
    expect(r.has_infant!.source).toBe('inferred');
    expect(r.has_infant!.value).toBe(true);
    expect(r.elderly).toBeUndefined();
  });

  it('completeness counts declared and confident inferred tags', () => {
    const r = resolveTags({ elderly: false }, inferred, 0.5);
    // known: elderly (declared), has_children and has_infant (inferred 0.84) → 3 of 7
    expect(tagCompleteness(r)).toBeCloseTo(3 / 7, 12);
    expect(tagCompleteness(resolveTags({}, inferred, 0.99))).toBe(0);
    const g = completenessByGroup([
      { group: 'A', completeness: 0.5 },
      { group: 'A', completeness: 1 },
      { group: 'B', completeness: 0 },
    ]);
    expect(g.get('A')).toEqual({ customers: 2, completeness: 0.75 });
    expect(g.get('B')).toEqual({ customers: 1, completeness: 0 });
  });

  it('reads ground truth from canonical customer columns', () => {
    expect(declaredTagsFromAttributes({ kids_count: '3+', age: '70' })).toEqual({ has_children: true, elderly: true });
    expect(declaredTagsFromAttributes({ kids_count: '0', age_band: '65+' })).toEqual({ has_children: false, elderly: true });
    expect(declaredTagsFromAttributes({ age_band: '25-34' })).toEqual({ elderly: false });
    expect(declaredTagsFromAttributes({ age: '', kids_count: 'unknown' })).toEqual({});
  });
});

describe('segment rules', () => {
  const subject = {
    tags: resolveTags({ has_children: true }, {}),
    rfm: { R: 5, F: 4, M: 2 },
    stage: 'active' as const,
    metrics: { churnRisk: 0.2 },
  };

  it('evaluates nested rules', () => {
    expect(evaluateSegment(parseSegmentRule({ all: [{ tag: 'has_children', eq: true }, { rfm: 'F', gte: 4 }] }), subject)).toBe(true);
    expect(evaluateSegment({ all: [{ tag: 'has_children', eq: true }, { rfm: 'M', gte: 4 }] }, subject)).toBe(false);
    expect(evaluateSegment({ any: [{ tag: 'elderly', eq: true }, { stage: ['active', 'new'] }] }, subject)).toBe(true);
    expect(evaluateSegment({ not: { metric: 'churnRisk', gte: 0.5 } }, subject)).toBe(true);
    expect(evaluateSegment({ tag: 'elderly', exists: false }, subject)).toBe(true);
    expect(evaluateSegment({ tag: 'elderly', eq: false }, subject)).toBe(false); // unknown is not false
    expect(evaluateSegment({ metric: 'clv', gte: 0 }, subject)).toBe(false);
  });

  it('rejects malformed rules', () => {
    expect(segmentRuleSchema.safeParse({ all: [] }).success).toBe(false);
    expect(segmentRuleSchema.safeParse({ rfm: 'X', gte: 4 }).success).toBe(false);
    expect(segmentRuleSchema.safeParse({ tag: 'has_children', eq: true, extra: 1 }).success).toBe(false);
    expect(() => parseSegmentRule({ stage: 'sleeping' })).toThrow();
  });
});
