import { partnerTransition, pointsValueCents } from './bookings.service.js';

describe('booking rules', () => {
  it('values points as their share of the points price, rounded down so the cash part is never short', () => {
    expect(pointsValueCents(20_000, 20_000, 5_000)).toBe(5_000);
    expect(pointsValueCents(9_999, 1_000, 333)).toBe(3_329);
    expect(pointsValueCents(9_999, 1_000, 1_000)).toBe(9_999);
    expect(pointsValueCents(10_000, null, 0)).toBe(0);
  });

  it('lets the provider confirm paid bookings and complete or no-show paid or confirmed ones, nothing else', () => {
    expect(partnerTransition('paid', 'confirm')).toBe('confirmed');
    expect(partnerTransition('confirmed', 'confirm')).toBeNull();
    expect(partnerTransition('confirmed', 'complete')).toBe('completed');
    expect(partnerTransition('paid', 'no-show')).toBe('no_show');
    for (const status of ['pending_payment', 'completed', 'no_show', 'cancelled'] as const) {
      expect([status, partnerTransition(status, 'complete'), partnerTransition(status, 'no-show')]).toEqual([status, null, null]);
    }
  });
});
