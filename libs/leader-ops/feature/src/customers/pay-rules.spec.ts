import { DEFAULT_PAY_RULES, PayRulesSchema, computePay, levelFor, monthBounds, netPromoterScore, previousMonth, rulesFor } from './pay-rules.js';

const rules = DEFAULT_PAY_RULES[0]!;

describe('pay rules', () => {
  it('are valid configuration, chosen by month', () => {
    expect(PayRulesSchema.array().parse(DEFAULT_PAY_RULES)).toEqual(DEFAULT_PAY_RULES);
    const later = { ...rules, version: 'v2', effectiveFrom: '2027-03' };
    expect(rulesFor([rules, later], '2027-02').version).toBe(rules.version);
    expect(rulesFor([rules, later], '2027-03').version).toBe('v2');
  });

  it('computes NPS, month bounds in China time and levels', () => {
    expect(netPromoterScore([])).toBeNull();
    expect(netPromoterScore([10, 9, 8, 6])).toBe(25);
    expect(monthBounds('2026-12')).toEqual({ from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(levelFor(rules, 80, 3).key).toBe('seedling');
    expect(levelFor(rules, 80, 25).key).toBe('tree');
    expect(levelFor(rules, 45, 25).key).toBe('sprout');
  });

  it('pays nothing negative: a leader without sales or answers gets zero lines and a neutral score', () => {
    const [pay] = computePay(rules, [{ leaderUserId: 'a', customers: 0, orders: [], previousRepurchaseRate: null, npsScores: [], serviceFees: [] }]);
    expect(pay!.totalCents).toBe(0);
    expect(pay!.score).toBe(25);
    expect(pay!.lines.map((l) => l.kind)).toEqual(['activity-bonus', 'satisfaction-bonus']);
    expect(pay!.lines.every((l) => l.amountCents === 0)).toBe(true);
  });

  it('counts repurchase growth and service fees, and never splits more dividend than the pool', () => {
    const order = (orderId: string, userId: string, amountCents: number) => ({ orderId, userId, complaints: 0, lines: [{ categoryId: 'dairy', amountCents, refundedCents: 0 }] });
    const pays = computePay(rules, [
      { leaderUserId: 'a', customers: 2, orders: [order('1', 'u1', 10_000), order('2', 'u1', 10_000), order('3', 'u2', 5_000)], previousRepurchaseRate: 0, npsScores: [10], serviceFees: [{ bookingId: 'b1', feeCents: 800 }] },
      { leaderUserId: 'b', customers: 3, orders: [order('4', 'u3', 7_000)], previousRepurchaseRate: null, npsScores: [], serviceFees: [] },
    ]);
    const a = pays[0]!;
    // repurchase 1 of 2 buyers = 50% growth over 0% → 50% of 100.00
    expect(a.lines.find((l) => l.kind === 'activity-bonus')!.amountCents).toBe(20_000 + 5_000);
    expect(a.lines.find((l) => l.kind === 'service-fee')!.amountCents).toBe(800);
    const pool = Math.floor(32_000 * 0.1 * 0.05);
    const dividends = pays.map((p) => p.lines.find((l) => l.kind === 'platform-dividend')!.amountCents);
    expect(dividends.reduce((n, d) => n + d, 0)).toBeLessThanOrEqual(pool);
  });
});
