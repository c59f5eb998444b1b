import { attentionItems, replenishment, riskBand, sugarShare, type CustomerFact, type OrderFact } from './customer-rules.js';

const order = (userId: string, day: string, categoryId: string, status = 'completed', amountCents = 1_000): OrderFact => ({
  orderId: `${userId}-${day}-${categoryId}`,
  userId,
  status,
  placedAt: new Date(`${day}T02:00:00Z`),
  receivedAt: status === 'received' ? new Date(`${day}T02:00:00Z`) : null,
  lines: [{ categoryId, productId: null, amountCents }],
});
const customer = (userId: string, over: Partial<CustomerFact> = {}): CustomerFact => ({ userId, nickname: null, birthday: null, stage: 'active', churnRisk: 0.1, journeyStep: null, journeyStepSince: null, ...over });

describe('customer rules', () => {
  it('learns each customer’s own interval per category from three or more purchase days (median gap)', () => {
    const orders = ['2026-08-01', '2026-08-29', '2026-10-01', '2026-10-30'].map((d) => order('u', d, 'rice'));
    expect(replenishment(orders, '2026-11-10')).toEqual([{ categoryId: 'rice', intervalDays: 29, lastDay: '2026-10-30', dueDay: '2026-11-28' }]);
    expect(replenishment(orders.slice(0, 2), '2026-11-10')).toEqual([]); // two days are not a habit
    expect(replenishment([...orders.slice(0, 2), order('u', '2026-10-01', 'rice', 'cancelled')], '2026-11-10')).toEqual([]);
  });

  it('bands churn risk and measures the sugary share of a basket', () => {
    expect([riskBand(null), riskBand(0.1), riskBand(0.3), riskBand(0.6), riskBand(1)]).toEqual([null, 'low', 'medium', 'high', 'high']);
    expect(sugarShare([order('u', '2026-11-01', 'snacks', 'completed', 3_000), order('u', '2026-11-02', 'rice', 'completed', 7_000)])).toBeCloseTo(0.3);
    expect(sugarShare([])).toBe(0);
  });

  it('reports stuck journeys after 14 days and festivals ahead, and nothing for a quiet customer', () => {
    const now = new Date('2026-09-20T02:00:00Z');
    const items = attentionItems(
      [customer('quiet'), customer('stuck', { journeyStep: 'second-order', journeyStepSince: new Date('2026-09-01T00:00:00Z') })],
      [],
      now,
      7,
    );
    expect(items.map((i) => [i.kind, i.userId])).toEqual([
      ['festival', null], // Mid-Autumn 2026-09-25
      ['journey-stuck', 'stuck'],
    ]);
    expect(items[0]!.details).toMatchObject({ key: 'mid-autumn' });
  });
});
