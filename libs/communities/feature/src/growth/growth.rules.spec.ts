import { refundShare } from './growth.rules.js';

describe('refundShare', () => {
  it('adds up to all the points over successive partial refunds, rounding down on the way', () => {
    const base = 4690;
    const steps = [0, 1000, 1001, 2345, 4000, 4690];
    let total = 0;
    for (let i = 1; i < steps.length; i++) total += refundShare(49, base, steps[i - 1]!, steps[i]!);
    expect(total).toBe(49);
    expect(refundShare(49, base, 0, 2345)).toBe(24);
    expect(refundShare(300, base, 0, 2345)).toBe(150);
  });

  it('gives nothing for nothing and never more than the points', () => {
    expect(refundShare(0, 100, 0, 100)).toBe(0);
    expect(refundShare(10, 0, 0, 100)).toBe(0);
    expect(refundShare(10, 100, 0, 500)).toBe(10);
    expect(refundShare(10, 100, 100, 200)).toBe(0);
  });
});
