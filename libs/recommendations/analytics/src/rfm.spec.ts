import { churnRisk, customerActivity, lifecycleStage, medianGapDays, quintileScores, rfmScores, AT_RISK_GAP_RATIO, DEFAULT_GAP_DAYS } from './rfm.js';

describe('RFM', () => {
  it('scores 5 customers into quintiles', () => {
    const day = (d: number) => d;
    const customers = [
      { customerId: 'a', purchaseDays: [day(90), day(99)], orders: 2, monetaryCents: 500 },
      { customerId: 'b', purchaseDays: [day(50)], orders: 1, monetaryCents: 100 },
      { customerId: 'c', purchaseDays: [day(10), day(60), day(95)], orders: 9, monetaryCents: 9000 },
      { customerId: 'd', purchaseDays: [day(80)], orders: 3, monetaryCents: 300 },
      { customerId: 'e', purchaseDays: [day(20)], orders: 5, monetaryCents: 700 },
    ];
    const s = rfmScores(customers, 100);
    // recency: a 1, b 50, c 5, d 20, e 80 → R: a 5, c 4, d 3, b 2, e 1
    expect(s.map((x) => x.R)).toEqual([5, 2, 4, 3, 1]);
    expect(s.map((x) => x.F)).toEqual([2, 1, 5, 3, 4]);
    expect(s.map((x) => x.M)).toEqual([3, 1, 5, 2, 4]);
    expect(s[1]!.recencyDays).toBe(50);
  });

  it('gives ties the same score', () => {
    expect(quintileScores([1, 1, 1, 1])).toEqual([3, 3, 3, 3]);
    expect(quintileScores([1, 2], false)).toEqual([4, 2]);
  });

  it('groups transactions into activity', () => {
    const a = customerActivity([
      { customerId: 'x', orderId: 'o1', orderedAt: Date.UTC(2024, 0, 1, 9), amountCents: 100 },
      { customerId: 'x', orderId: 'o1', orderedAt: Date.UTC(2024, 0, 1, 9), amountCents: 50 },
      { customerId: 'x', orderId: 'o2', orderedAt: Date.UTC(2024, 0, 1, 18), amountCents: 10 },
    ]);
    expect(a).toEqual([{ customerId: 'x', purchaseDays: [Date.UTC(2024, 0, 1) / 86_400_000], orders: 2, monetaryCents: 160 }]);
  });
});

describe('lifecycle stages', () => {
  it('uses the customer’s own rhythm and the fallbacks', () => {
    expect(lifecycleStage({ purchaseDays: [100] }, 110).stage).toBe('new');
    // single purchase 45 days ago: gap = DEFAULT_GAP_DAYS (30), ratio 1.5 → active
    expect(lifecycleStage({ purchaseDays: [100] }, 145)).toMatchObject({ stage: 'active', expectedGapDays: DEFAULT_GAP_DAYS, gapRatio: 1.5 });
    // weekly buyer (median gap 7): 10 days → active, 20 days → at_risk, 40 days → lapsed
    const weekly = { purchaseDays: [0, 7, 14, 21] };
    expect(lifecycleStage(weekly, 31).stage).toBe('active');
    expect(lifecycleStage(weekly, 21 + 7 * AT_RISK_GAP_RATIO + 1).stage).toBe('at_risk');
    expect(lifecycleStage(weekly, 61).stage).toBe('lapsed');
    // a slow buyer (median gap 90) is still active after 150 days but lapsed after 181
    const slow = { purchaseDays: [0, 90, 180] };
    expect(lifecycleStage(slow, 330).stage).toBe('active');
    expect(lifecycleStage(slow, 361 + 1).stage).toBe('lapsed');
    expect(medianGapDays([0, 1, 5, 6])).toBe(1);
  });

  it('churn risk combines P(alive) and overdue gaps', () => {
    expect(churnRisk(0.5, 0.8)).toBeCloseTo(0.2, 12);
    expect(churnRisk(3, 1)).toBeCloseTo(0.5, 12);
    expect(churnRisk(5, 0.5)).toBeCloseTo(1 - 0.5 * 0.25, 12);
  });
});
