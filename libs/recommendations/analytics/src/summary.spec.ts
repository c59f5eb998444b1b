import { rfmSummary } from './summary.js';

const tx = (customerId: string, date: string, cents: number) => ({ customerId, orderedAt: Date.parse(`${date}T00:00:00Z`), amountCents: cents });

describe('rfmSummary', () => {
  it('merges same-day purchases, excludes the first purchase from spend and measures weeks', () => {
    const s = rfmSummary(
      [
        tx('a', '1997-01-01', 1000),
        tx('a', '1997-01-15', 500),
        tx('a', '1997-01-15', 700), // same day: one transaction of 12.00
        tx('a', '1997-01-29', 3000),
        tx('a', '1997-10-10', 999), // holdout
        tx('b', '1997-09-30', 100), // joins on the last calibration day
        tx('c', '1997-10-01', 100), // first seen after calibration: excluded
      ],
      { calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', timeUnit: 'week' },
    );
    expect(s.map((c) => c.customerId)).toEqual(['a', 'b']);
    const [a, b] = s as [(typeof s)[0], (typeof s)[0]];
    expect(a.x).toBe(2);
    expect(a.tx).toBeCloseTo(4, 12);
    expect(a.T).toBeCloseTo(272 / 7, 12);
    expect(a.monetaryValue).toBeCloseTo((12 + 30) / 2, 12);
    expect(a.holdoutX).toBe(1);
    expect(a.holdoutLength).toBeCloseTo(39, 12);
    expect(b).toMatchObject({ x: 0, tx: 0, T: 0, monetaryValue: 0 });
  });

  it('supports days as the time unit', () => {
    const [a] = rfmSummary([tx('a', '2020-01-01', 1), tx('a', '2020-01-03', 1)], { calibrationEnd: '2020-01-10', timeUnit: 'day' });
    expect(a).toMatchObject({ x: 1, tx: 2, T: 9 });
  });
});
