import { monthlyGrowth, monthsOf } from './insights.service.js';
import { monthsBetween, percentile, rangeOf, shiftDate } from './metrics.service.js';
import { itemIdOf, purchaseStatusOf } from './ingest.service.js';

describe('metric helpers', () => {
  it('interpolates percentiles between ranks', () => {
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(percentile([10, 20, 30, 40], 0.9)).toBeCloseTo(37, 10);
    expect(percentile([5], 0.1)).toBe(5);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('counts months and defaults ranges', () => {
    expect(monthsBetween('2025-11', '2026-02')).toBe(3);
    expect(shiftDate('2026-03-01', -1)).toBe('2026-02-28');
    expect(rangeOf(undefined, '2026-03-31', 'Asia/Shanghai', 90)).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(() => rangeOf('2026-04-01', '2026-03-31', 'Asia/Shanghai')).toThrow(/empty/);
  });

  it('fits monthly growth log-linearly, skipping months without sales', () => {
    expect(monthlyGrowth([100, 110, 121, 133.1])).toBeCloseTo(0.1, 4);
    expect(monthlyGrowth([100, 0, 121, 133.1])).toBeCloseTo(0.1, 4);
    expect(monthlyGrowth([100, 110])).toBeNull();
    expect(monthsOf('2025-11-15', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });
});

describe('order mapping', () => {
  it('counts paid and fulfilled orders, never cancelled ones', () => {
    expect(purchaseStatusOf('pending_payment')).toBe('placed');
    expect(['paid', 'locked', 'shipped', 'received'].map((s) => purchaseStatusOf(s as 'paid'))).toEqual(['paid', 'paid', 'paid', 'paid']);
    expect(purchaseStatusOf('picked_up')).toBe('completed');
    expect(purchaseStatusOf('expired')).toBe('cancelled');
  });

  it('recommends SKUs, bundles as bundle:<id>, else products', () => {
    expect(itemIdOf({ skuId: 's', bundleId: null, productId: 'p', lineId: 'l' })).toBe('s');
    expect(itemIdOf({ skuId: null, bundleId: 'b', productId: null, lineId: 'l' })).toBe('bundle:b');
    expect(itemIdOf({ skuId: null, bundleId: null, productId: 'p', lineId: 'l' })).toBe('p');
  });
});
