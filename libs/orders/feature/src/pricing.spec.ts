import { codeOfCall } from '@linli/testing';
import { allocateShortages, bundleShares, moneyShare, planFullRefund, planLineRefund, planRefundOfPaid, priceOrder, type PricingOffer, type RefundableLine } from './pricing.js';

const sku = (id: string, priceCents: number, limit: number | null = null): PricingOffer => ({
  offerId: `offer-${id}`,
  kind: 'sku',
  skuId: `sku-${id}`,
  bundleId: null,
  productId: `product-${id}`,
  categoryId: 'groceries',
  name: id,
  priceCents,
  perCustomerLimit: limit,
  components: [{ skuId: `sku-${id}`, productId: `product-${id}`, categoryId: 'groceries', perUnit: 1, listPriceCents: priceCents + 100 }],
});

const kit: PricingOffer = {
  offerId: 'offer-kit',
  kind: 'bundle',
  skuId: null,
  bundleId: 'bundle-kit',
  productId: null,
  categoryId: null,
  name: 'kit',
  priceCents: 1600,
  perCustomerLimit: null,
  components: [
    { skuId: 'sku-b', productId: 'product-b', categoryId: 'baby', perUnit: 2, listPriceCents: 600 },
    { skuId: 'sku-a', productId: 'product-a', categoryId: 'baby', perUnit: 1, listPriceCents: 800 },
  ],
};

describe('pricing', () => {
  const offers = new Map([sku('milk', 990), kit, sku('a', 700)].map((o) => [o.offerId, o]));

  it('prices lines at campaign prices and adds up the total', () => {
    const priced = priceOrder(offers, [
      { offerId: 'offer-milk', quantity: 3 },
      { offerId: 'offer-kit', quantity: 2 },
    ]);
    expect(priced.totalCents).toBe(3 * 990 + 2 * 1600);
    expect(priced.lines.map((l) => [l.offer.offerId, l.unitPriceCents, l.amountCents])).toEqual([
      ['offer-milk', 990, 2970],
      ['offer-kit', 1600, 3200],
    ]);
  });

  it('expands bundles into the SKUs to reserve, merged per SKU and sorted by SKU id', () => {
    const priced = priceOrder(offers, [
      { offerId: 'offer-kit', quantity: 2 },
      { offerId: 'offer-a', quantity: 1 },
    ]);
    expect(priced.stockNeeds).toEqual([
      { skuId: 'sku-a', quantity: 3 },
      { skuId: 'sku-b', quantity: 4 },
    ]);
    expect(priced.lines[0]!.items.map((i) => [i.skuId, i.quantity])).toEqual([
      ['sku-b', 4],
      ['sku-a', 2],
    ]);
  });

  it('refuses offers the campaign does not have', () => {
    expect(codeOfCall(() => priceOrder(offers, [{ offerId: 'offer-nope', quantity: 1 }]))).toBe('ORDERS.OFFER_NOT_FOUND');
  });

  it('splits a bundle price over its components by list value, adding up exactly', () => {
    expect(bundleShares(1600, kit.components)).toEqual([960, 640]);
    const odd = bundleShares(1001, [
      { perUnit: 1, listPriceCents: 1 },
      { perUnit: 1, listPriceCents: 1 },
      { perUnit: 1, listPriceCents: 1 },
    ]);
    expect(odd.reduce((a, b) => a + b, 0)).toBe(1001);
    expect(Math.max(...odd) - Math.min(...odd)).toBeLessThanOrEqual(1);
    expect(bundleShares(900, [{ perUnit: 2, listPriceCents: 0 }, { perUnit: 1, listPriceCents: 0 }])).toEqual([600, 300]);
  });
});

describe('refund math', () => {
  const lines: RefundableLine[] = [
    { lineId: 'l1', quantity: 3, unitPriceCents: 990, amountCents: 2970, refundedCents: 0, refundedUnits: 0 },
    { lineId: 'l2', quantity: 1, unitPriceCents: 700, amountCents: 700, refundedCents: 700, refundedUnits: 1 },
    { lineId: 'l3', quantity: 2, unitPriceCents: 1600, amountCents: 3200, refundedCents: 1500, refundedUnits: 0 },
  ];

  it('refunds whole units by line', () => {
    expect(planLineRefund(lines, [{ lineId: 'l1', quantity: 2 }])).toEqual({ lines: [{ lineId: 'l1', quantity: 2, amountCents: 1980 }], amountCents: 1980 });
  });

  it('never refunds more than is left on a line', () => {
    expect(planLineRefund(lines, [{ lineId: 'l3', quantity: 2 }])).toEqual({ lines: [{ lineId: 'l3', quantity: 2, amountCents: 1700 }], amountCents: 1700 });
    expect(codeOfCall(() => planLineRefund(lines, [{ lineId: 'l1', quantity: 4 }]))).toBe('ORDERS.REFUND_EXCEEDS_PAID');
    expect(codeOfCall(() => planLineRefund(lines, [{ lineId: 'l2', quantity: 1 }]))).toBe('ORDERS.REFUND_EXCEEDS_PAID');
    expect(codeOfCall(() => planLineRefund(lines, [{ lineId: 'nope', quantity: 1 }]))).toBe('ORDERS.REFUND_NOT_ALLOWED');
    expect(codeOfCall(() => planLineRefund(lines, [{ lineId: 'l1', quantity: 1 }, { lineId: 'l1', quantity: 1 }]))).toBe('ORDERS.REFUND_NOT_ALLOWED');
  });

  it('refunds everything left in full', () => {
    expect(planFullRefund(lines)).toEqual({
      lines: [
        { lineId: 'l1', quantity: 3, amountCents: 2970 },
        { lineId: 'l3', quantity: 2, amountCents: 1700 },
      ],
      amountCents: 4670,
    });
  });

  it('refunds what was paid over the lines: less than them when points paid part, more for a second payment', () => {
    expect(planRefundOfPaid(lines, 3000)).toEqual({
      lines: [
        { lineId: 'l1', quantity: 3, amountCents: 2970 },
        { lineId: 'l3', quantity: 2, amountCents: 30 },
      ],
      amountCents: 3000,
    });
    expect(planRefundOfPaid(lines, 5000)).toEqual({ lines: planFullRefund(lines).lines, amountCents: 5000 });
    expect(planRefundOfPaid(lines, 0).amountCents).toBe(0);
  });

  it('refunds the money share of goods paid partly with points, and everything of an order without', () => {
    const plan = { lines: [{ lineId: 'l1', quantity: 1, amountCents: 990 }], amountCents: 990 };
    expect(moneyShare(plan, { total_cents: 1980, points_discount_cents: 0 })).toBe(plan);
    expect(moneyShare(plan, { total_cents: 1980, points_discount_cents: 300 })).toEqual({ lines: [{ lineId: 'l1', quantity: 1, amountCents: 840 }], amountCents: 840 });
  });

  it('allocates shortages to the most recently paid orders first, capped by what each expects', () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 8, minutes));
    const candidates = [
      { orderId: 'early', lineId: 'e1', skuId: 'milk', quantity: 2, shortUnits: 0, unitValueCents: 990, refundableCents: 1980, paidAt: at(0) },
      { orderId: 'late', lineId: 'l1', skuId: 'milk', quantity: 1, shortUnits: 0, unitValueCents: 990, refundableCents: 990, paidAt: at(30) },
      { orderId: 'mid', lineId: 'm1', skuId: 'milk', quantity: 2, shortUnits: 1, unitValueCents: 990, refundableCents: 990, paidAt: at(10) },
      { orderId: 'kit', lineId: 'k1', skuId: 'puree', quantity: 4, shortUnits: 0, unitValueCents: 480, refundableCents: 3200, paidAt: at(5) },
    ];
    const { allocations, unallocated } = allocateShortages(
      [
        { skuId: 'milk', quantity: 3 },
        { skuId: 'puree', quantity: 1 },
        { skuId: 'eggs', quantity: 2 },
      ],
      candidates,
    );
    expect(allocations).toEqual([
      { orderId: 'late', lineId: 'l1', skuId: 'milk', units: 1, amountCents: 990 },
      { orderId: 'mid', lineId: 'm1', skuId: 'milk', units: 1, amountCents: 990 },
      { orderId: 'early', lineId: 'e1', skuId: 'milk', units: 1, amountCents: 990 },
      { orderId: 'kit', lineId: 'k1', skuId: 'puree', units: 1, amountCents: 480 },
    ]);
    expect(unallocated).toEqual([{ skuId: 'eggs', quantity: 2 }]);
  });

  it('reports units no order was waiting for', () => {
    const { allocations, unallocated } = allocateShortages([{ skuId: 'milk', quantity: 5 }], [
      { orderId: 'o', lineId: 'l', skuId: 'milk', quantity: 2, shortUnits: 0, unitValueCents: 100, refundableCents: 150, paidAt: new Date() },
    ]);
    expect(allocations).toEqual([{ orderId: 'o', lineId: 'l', skuId: 'milk', units: 2, amountCents: 150 }]);
    expect(unallocated).toEqual([{ skuId: 'milk', quantity: 3 }]);
  });
});
