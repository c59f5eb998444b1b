import { associationRules, averagePrecisionAtK, hitRateAtK, meanAbsoluteError, ndcgAtK, pearson, precisionAtK, RankingAccumulator, recallAtK, rocAuc } from './metrics.js';

describe('ranking metrics', () => {
  // ranking a b c d e, relevant {a, c, x}
  const ranked = ['a', 'b', 'c', 'd', 'e'];
  const rel = new Set(['a', 'c', 'x']);

  it('precision, recall and hit rate', () => {
    expect(precisionAtK(ranked, rel, 3)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(ranked, rel, 3)).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK(ranked, rel, 10)).toBeCloseTo(0.2, 12); // denominator stays k
    expect(hitRateAtK(ranked, rel, 1)).toBe(1);
    expect(hitRateAtK(['b'], rel, 1)).toBe(0);
  });

  it('nDCG on a toy ranking', () => {
    // DCG@3 = 1/log2(2) + 1/log2(4) = 1.5 ; IDCG@3 = 1 + 1/log2(3) + 1/log2(4)
    const idcg = 1 + 1 / Math.log2(3) + 0.5;
    expect(ndcgAtK(ranked, rel, 3)).toBeCloseTo(1.5 / idcg, 12);
    expect(ndcgAtK(['a', 'c', 'x'], rel, 3)).toBeCloseTo(1, 12);
    expect(ndcgAtK(ranked, new Set<string>(), 3)).toBe(0);
  });

  it('AP@k divides by min(k, |relevant|)', () => {
    // hits at ranks 1 and 3: (1/1 + 2/3) / min(3, 3)
    expect(averagePrecisionAtK(ranked, rel, 3)).toBeCloseTo((1 + 2 / 3) / 3, 12);
    // k = 2: only rank 1 hits → 1 / min(2, 3)
    expect(averagePrecisionAtK(ranked, rel, 2)).toBeCloseTo(0.5, 12);
    expect(averagePrecisionAtK(['a', 'c'], rel, 2)).toBeCloseTo(1, 12);
  });

  it('accumulates means over users', () => {
    const acc = new RankingAccumulator();
    acc.add(['a'], new Set(['a']), 1);
    acc.add(['b'], new Set(['a']), 1);
    expect(acc.mean()).toEqual({ precision: 0.5, recall: 0.5, ndcg: 0.5, map: 0.5, hitRate: 0.5 });
  });
});

describe('regression metrics', () => {
  it('MAE and Pearson', () => {
    expect(meanAbsoluteError([1, 2, 3], [2, 2, 5])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    expect(pearson([1, 1], [1, 2])).toBeNaN();
  });
});

describe('association rules', () => {
  it('support, confidence and lift on a 4-basket example', () => {
    const baskets = [
      ['milk', 'bread'],
      ['milk', 'bread', 'eggs'],
      ['milk', 'eggs'],
      ['bread', 'beer'],
    ];
    const rules = associationRules(baskets, { minCount: 1 });
    const r = rules.find((x) => x.antecedent === 'milk' && x.consequent === 'bread')!;
    // both in 2 of 4 baskets; milk in 3; bread in 3
    expect(r.support).toBeCloseTo(0.5, 12);
    expect(r.confidence).toBeCloseTo(2 / 3, 12);
    expect(r.lift).toBeCloseTo(2 / 3 / 0.75, 12);
    const eggs = rules.find((x) => x.antecedent === 'eggs' && x.consequent === 'milk')!;
    expect(eggs.confidence).toBeCloseTo(1, 12);
    expect(eggs.lift).toBeCloseTo(4 / 3, 12);
    expect(rules.find((x) => x.antecedent === 'beer' && x.consequent === 'bread')!.lift).toBeCloseTo(4 / 3, 12);
    expect(associationRules(baskets).every((x) => x.count >= 2)).toBe(true);
  });
});

describe('rocAuc', () => {
  it('is the Mann–Whitney probability with ties counted half', () => {
    expect(rocAuc([0.9, 0.8, 0.1, 0.2], [true, true, false, false])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.9, 0.8], [true, true, false, false])).toBe(0);
    // positives 0.5, 0.3 ; negatives 0.5, 0.1 → pairs: (0.5,0.5)=½ (0.5,0.1)=1 (0.3,0.5)=0 (0.3,0.1)=1 → 2.5/4
    expect(rocAuc([0.5, 0.3, 0.5, 0.1], [true, true, false, false])).toBeCloseTo(0.625, 12);
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
  });
});
