import { hyp2f1, lnBeta, lnGamma } from './special.js';

describe('lnGamma / lnBeta', () => {
  it('matches known values', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 13);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 11);
    expect(lnGamma(100)).toBeCloseTo(359.1342053695754, 9);
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
  });
});

describe('hyp2f1', () => {
  it('matches closed forms', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 9);
      expect(hyp2f1(0.7, 2.5, 2.5, z)).toBeCloseTo(Math.pow(1 - z, -0.7), 9);
    }
    // negative argument goes through the Pfaff transformation
    expect(hyp2f1(1, 1, 2, -3)).toBeCloseTo(Math.log(4) / 3, 12);
    expect(hyp2f1(1, 1, 2, -0.4)).toBeCloseTo(Math.log(1.4) / 0.4, 12);
    // terminating series
    expect(hyp2f1(-2, 1, 1, 0.3)).toBeCloseTo(0.49, 14);
  });

  it('rejects z >= 1', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(RangeError);
  });
});
