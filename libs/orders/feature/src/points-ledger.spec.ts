import { UserIdSchema } from '@linli/contracts';
import { pointsDiscount } from './order.service.js';
import { pointsOrderId, reservationKey } from './points-ledger.js';

function codeOfCall(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('points at placement', () => {
  it('fixes the order id by resident and idempotency key, as a valid UUID', () => {
    const a = pointsOrderId('9f1c6c2e-3a39-4a53-9d7e-0a0b1c2d3e4f', 'key-1');
    expect(pointsOrderId('9f1c6c2e-3a39-4a53-9d7e-0a0b1c2d3e4f', 'key-1')).toBe(a);
    expect(pointsOrderId('9f1c6c2e-3a39-4a53-9d7e-0a0b1c2d3e4f', 'key-2')).not.toBe(a);
    expect(pointsOrderId('0f1c6c2e-3a39-4a53-9d7e-0a0b1c2d3e4f', 'key-1')).not.toBe(a);
    expect(UserIdSchema.safeParse(a).success).toBe(true);
    expect(reservationKey(a)).toMatch(/^[A-Za-z0-9._:-]{8,100}$/);
  });

  it('takes a cent a point off, leaving at least the minimum to pay', () => {
    const rule = { pointValueCents: 1, minimumPayableCents: 1 };
    expect(pointsDiscount(300, 1980, rule)).toBe(300);
    expect(pointsDiscount(1979, 1980, rule)).toBe(1979);
    expect(codeOfCall(() => pointsDiscount(1980, 1980, rule))).toBe('ORDERS.POINTS_EXCEED_TOTAL');
    expect(codeOfCall(() => pointsDiscount(10, 100, { pointValueCents: 10, minimumPayableCents: 1 }))).toBe('ORDERS.POINTS_EXCEED_TOTAL');
  });
});
