import type { PlacementOfferRow } from '@linli/orders-data-access';
import { OrdersErrors } from './orders.exception.js';

/** A campaign offer as pricing needs it (as the placement context reads it); a SKU offer has one component with `perUnit` 1. */
export type PricingOffer = PlacementOfferRow;

export interface PricedItem {
  skuId: string;
  productId: string;
  categoryId: string;
  /** Units of the SKU for the whole line. */
  quantity: number;
  /** The line's price share of one unit of this SKU. */
  unitValueCents: number;
}

export interface PricedLine {
  offer: PricingOffer;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  items: PricedItem[];
}

export interface PricedOrder {
  lines: PricedLine[];
  totalCents: number;
  /** Units to reserve per SKU, sorted by SKU id (the one lock order every order follows). */
  stockNeeds: { skuId: string; quantity: number }[];
}

/**
 * Splits a bundle's price over its components in proportion to their list value (largest remainder,
 * so the shares add up to the price exactly). Returns the share of each component's per-bundle units.
 */
export function bundleShares(priceCents: number, components: { perUnit: number; listPriceCents: number }[]): number[] {
  const weights = components.map((c) => c.perUnit * c.listPriceCents);
  const useUnits = weights.every((w) => w === 0);
  const effective = useUnits ? components.map((c) => c.perUnit) : weights;
  const sum = effective.reduce((a, b) => a + b, 0);
  if (sum === 0) return components.map(() => 0);
  const exact = effective.map((w) => (priceCents * w) / sum);
  const shares = exact.map(Math.floor);
  let left = priceCents - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((value, index) => ({ index, fraction: value - Math.floor(value) })).sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}

/** Prices the requested lines at campaign prices and expands bundles into the SKUs they reserve. */
export function priceOrder(offers: ReadonlyMap<string, PricingOffer>, requested: readonly { offerId: string; quantity: number }[]): PricedOrder {
  const missing = requested.filter((line) => !offers.has(line.offerId)).map((line) => line.offerId);
  if (missing.length > 0) throw OrdersErrors.offerNotFound(missing);
  const needs = new Map<string, number>();
  const lines = requested.map((line): PricedLine => {
    const offer = offers.get(line.offerId)!;
    const shares = offer.kind === 'bundle' ? bundleShares(offer.priceCents, offer.components) : [offer.priceCents];
    const items = offer.components.map((component, index) => {
      const quantity = component.perUnit * line.quantity;
      needs.set(component.skuId, (needs.get(component.skuId) ?? 0) + quantity);
      return {
        skuId: component.skuId,
        productId: component.productId,
        categoryId: component.categoryId,
        quantity,
        unitValueCents: Math.floor(shares[index]! / component.perUnit),
      };
    });
    return { offer, quantity: line.quantity, unitPriceCents: offer.priceCents, amountCents: offer.priceCents * line.quantity, items };
  });
  const stockNeeds = [...needs.entries()].map(([skuId, quantity]) => ({ skuId, quantity })).sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0));
  return { lines, totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0), stockNeeds };
}

// ---------------------------------------------------------------- refunds

export interface RefundableLine {
  lineId: string;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  refundedCents: number;
  refundedUnits: number;
}

export interface RefundPlan {
  lines: { lineId: string; quantity: number; amountCents: number }[];
  amountCents: number;
}

/**
 * Refund of whole units of some lines: unit price × units, never more than what is left on the line.
 * Throws REFUND_EXCEEDS_PAID when more units are asked for than remain unrefunded.
 */
export function planLineRefund(lines: readonly RefundableLine[], requested: readonly { lineId: string; quantity: number }[]): RefundPlan {
  const byId = new Map(lines.map((line) => [line.lineId, line]));
  const planned: RefundPlan['lines'] = [];
  const seen = new Set<string>();
  for (const request of requested) {
    const line = byId.get(request.lineId);
    if (!line || seen.has(request.lineId)) throw OrdersErrors.refundNotAllowed(`line ${request.lineId} is not on this order or is listed twice`);
    seen.add(request.lineId);
    const unitsLeft = line.quantity - line.refundedUnits;
    const centsLeft = line.amountCents - line.refundedCents;
    if (request.quantity > unitsLeft || centsLeft <= 0) throw OrdersErrors.refundExceedsPaid(request.quantity * line.unitPriceCents, Math.max(0, centsLeft));
    const amountCents = Math.min(request.quantity * line.unitPriceCents, centsLeft);
    planned.push({ lineId: line.lineId, quantity: request.quantity, amountCents });
  }
  return { lines: planned, amountCents: planned.reduce((sum, line) => sum + line.amountCents, 0) };
}

/** Refund of everything not yet refunded on every line. */
export function planFullRefund(lines: readonly RefundableLine[]): RefundPlan {
  const planned = lines
    .map((line) => ({ lineId: line.lineId, quantity: line.quantity - line.refundedUnits, amountCents: line.amountCents - line.refundedCents }))
    .filter((line) => line.amountCents > 0);
  return { lines: planned, amountCents: planned.reduce((sum, line) => sum + line.amountCents, 0) };
}

export interface ShortageCandidate {
  orderId: string;
  lineId: string;
  skuId: string;
  /** Units of the SKU the line expects. */
  quantity: number;
  /** Units already reported short. */
  shortUnits: number;
  unitValueCents: number;
  /** Cents left to refund on the line. */
  refundableCents: number;
  /** Later-paid orders lose first; earlier orders keep their goods. */
  paidAt: Date;
}

export interface ShortageAllocation {
  orderId: string;
  lineId: string;
  skuId: string;
  units: number;
  amountCents: number;
}

/**
 * Distributes units reported short over the orders waiting for them: the most recently paid order
 * first, each at most what it expects. Returns the allocations and what no order was waiting for.
 */
export function allocateShortages(
  shortages: readonly { skuId: string; quantity: number }[],
  candidates: readonly ShortageCandidate[],
): { allocations: ShortageAllocation[]; unallocated: { skuId: string; quantity: number }[] } {
  const allocations: ShortageAllocation[] = [];
  const unallocated: { skuId: string; quantity: number }[] = [];
  const refundable = new Map(candidates.map((c) => [c.lineId, c.refundableCents]));
  const totals = new Map<string, number>();
  for (const shortage of shortages) totals.set(shortage.skuId, (totals.get(shortage.skuId) ?? 0) + shortage.quantity);
  for (const [skuId, total] of [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let left = total;
    const waiting = candidates
      .filter((c) => c.skuId === skuId && c.quantity > c.shortUnits)
      .sort((a, b) => b.paidAt.getTime() - a.paidAt.getTime() || (a.orderId < b.orderId ? 1 : -1));
    for (const candidate of waiting) {
      if (left === 0) break;
      const units = Math.min(left, candidate.quantity - candidate.shortUnits);
      const cents = Math.min(units * candidate.unitValueCents, refundable.get(candidate.lineId) ?? 0);
      refundable.set(candidate.lineId, (refundable.get(candidate.lineId) ?? 0) - cents);
      allocations.push({ orderId: candidate.orderId, lineId: candidate.lineId, skuId, units, amountCents: cents });
      left -= units;
    }
    if (left > 0) unallocated.push({ skuId, quantity: left });
  }
  return { allocations, unallocated };
}

/**
 * The money part of refunding goods of an order paid partly with points: each line's amount times
 * payable / total (rounded down), so money refunds never outgrow what was paid in money; the points
 * part goes back through the growth ledger (it follows `orders.order.refunded.v1`). An order without
 * points gets the plan unchanged.
 */
export function moneyShare(plan: RefundPlan, order: { total_cents: number; points_discount_cents: number }): RefundPlan {
  if (order.points_discount_cents === 0 || order.total_cents === 0) return plan;
  const payable = order.total_cents - order.points_discount_cents;
  const lines = plan.lines.map((line) => ({ ...line, amountCents: Math.floor((line.amountCents * payable) / order.total_cents) }));
  return { lines, amountCents: lines.reduce((sum, line) => sum + line.amountCents, 0) };
}

/**
 * Refund of everything paid and not yet refunded, spread over the lines' refundable amounts in line
 * order: money beyond the lines (a second payment) is refunded too, and an order paid partly with
 * points refunds only its money (the later lines then carry less than their amount).
 */
export function planRefundOfPaid(lines: readonly RefundableLine[], refundableCents: number): RefundPlan {
  const full = planFullRefund(lines);
  let left = Math.max(0, refundableCents);
  const capped: RefundPlan['lines'] = [];
  for (const line of full.lines) {
    const amountCents = Math.min(line.amountCents, left);
    left -= amountCents;
    capped.push({ ...line, amountCents });
  }
  return { lines: capped, amountCents: Math.max(0, refundableCents) };
}
