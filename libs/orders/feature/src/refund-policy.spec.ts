import { chinaMonthStart, instantRefundVerdict } from './refund.service.js';

const limits = { perOrderCents: 5_000, perResidentPerMonthCents: 10_000 };

describe('instant-refund policy', () => {
  it('pays at once up to both limits, inclusive', () => {
    expect(instantRefundVerdict(5_000, { orderCents: 0, monthCents: 5_000 }, limits)).toEqual({ instant: true });
  });

  it('sends a complaint over the per-order limit, counting earlier instant refunds of the order, to review', () => {
    const verdict = instantRefundVerdict(1_000, { orderCents: 4_500, monthCents: 4_500 }, limits);
    expect(verdict).toEqual({ instant: false, reason: 'over the instant-refund limit of 5000 cents per order' });
  });

  it('sends a resident past the monthly limit to review, and names both limits when both are passed', () => {
    expect(instantRefundVerdict(100, { orderCents: 0, monthCents: 9_950 }, limits)).toMatchObject({ instant: false, reason: expect.stringContaining('this month') });
    const both = instantRefundVerdict(6_000, { orderCents: 0, monthCents: 9_000 }, limits);
    expect(both.instant).toBe(false);
    expect((both as { reason: string }).reason.split('; ')).toHaveLength(2);
  });

  it('counts months in China time (UTC+8)', () => {
    expect(chinaMonthStart(new Date('2026-12-31T16:30:00Z')).toISOString()).toBe('2026-12-31T16:00:00.000Z'); // 1 Jan 00:30 in Beijing
    expect(chinaMonthStart(new Date('2026-12-31T15:59:00Z')).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(chinaMonthStart(new Date('2026-03-01T00:00:00Z')).toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });
});
