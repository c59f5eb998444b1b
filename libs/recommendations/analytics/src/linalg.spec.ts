import { invertSpd, topK } from './linalg.js';

describe('invertSpd', () => {
  it('inverts a symmetric positive-definite matrix', () => {
    const a = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
    const inv = invertSpd(a, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * inv[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    // 2 × 2 by hand: [[2,1],[1,2]]⁻¹ = [[2,−1],[−1,2]] / 3
    expect([...invertSpd(Float64Array.from([2, 1, 1, 2]), 2)].map((v) => v * 3)).toEqual([2, -1, -1, 2].map((v) => expect.closeTo(v, 12)));
  });

  it('throws on a matrix that is not positive definite', () => {
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});

describe('topK', () => {
  it('returns the k best candidates, best first, ties by index', () => {
    const scores = [0.1, 0.9, 0.5, 0.9, 0.3];
    expect([...topK(scores, Int32Array.from([0, 1, 2, 3, 4]), 5, 3)]).toEqual([1, 3, 2]);
    expect([...topK(scores, Int32Array.from([4, 0]), 2, 5)]).toEqual([4, 0]);
    expect([...topK(scores, Int32Array.from([0, 1]), 0, 3)]).toEqual([]);
  });
});
