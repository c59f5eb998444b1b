import type { orders as contracts } from '@linli/contracts';
import type { PlacementLine } from '@linli/orders-data-access';
import type { PricedLine } from './pricing.js';

/** An order line in the one shape placement writes and every reader maps from. */
export type OrderLineShape = PlacementLine;

/** Priced lines as the lines of a new order (ids drawn here, numbered from 1). */
export function newOrderLines(priced: readonly PricedLine[], newId: () => string): OrderLineShape[] {
  return priced.map((line, index) => ({
    lineId: newId(),
    lineNo: index + 1,
    offerId: line.offer.offerId,
    kind: line.offer.kind,
    skuId: line.offer.skuId,
    bundleId: line.offer.bundleId,
    productId: line.offer.productId,
    categoryId: line.offer.categoryId,
    name: line.offer.name,
    quantity: line.quantity,
    unitPriceCents: line.unitPriceCents,
    amountCents: line.amountCents,
    items: line.items.map((item) => ({ ...item })),
  }));
}

/** A line as order events carry it. */
export function eventLine(line: OrderLineShape): contracts.OrderEventBase['lines'][number] {
  return {
    lineId: line.lineId,
    kind: line.kind,
    skuId: line.skuId,
    bundleId: line.bundleId,
    productId: line.productId,
    categoryId: line.categoryId,
    quantity: line.quantity,
    unitPriceCents: line.unitPriceCents,
    amountCents: line.amountCents,
    items: line.items.map((item) => ({ skuId: item.skuId, productId: item.productId, categoryId: item.categoryId, quantity: item.quantity })),
  };
}

/** A line as the order view shows it. */
export function viewLine(line: OrderLineShape, refundedCents: number): contracts.Order['lines'][number] {
  const { lineId, kind, skuId, bundleId, productId, categoryId, quantity, unitPriceCents, amountCents, items } = eventLine(line);
  return { lineId, offerId: line.offerId, kind, skuId, bundleId, productId, categoryId, name: line.name, quantity, unitPriceCents, amountCents, refundedCents, items };
}
