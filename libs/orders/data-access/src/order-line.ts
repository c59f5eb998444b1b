import type { OrderLine, OrderLineItem } from './generated/prisma/client.js';

/** One SKU a line takes from stock (a SKU line has one; a bundle line one per component). */
export interface PlacementItem {
  skuId: string;
  productId: string;
  categoryId: string;
  /** Units of the SKU for the whole line. */
  quantity: number;
  /** The line's price share of one unit of this SKU. */
  unitValueCents: number;
}

/** What an offer is: one SKU or a bundle, and its product, category and name (a bundle has neither product nor category). */
export interface OfferIdentity {
  offerId: string;
  kind: 'sku' | 'bundle';
  skuId: string | null;
  bundleId: string | null;
  productId: string | null;
  categoryId: string | null;
  name: string;
}

/** An order line as placement writes it, and as the order, its event and its reply describe it. */
export interface PlacementLine extends OfferIdentity {
  lineId: string;
  lineNo: number;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  items: PlacementItem[];
}

/** A stored line: the one line shape and what has been refunded of it. */
export type StoredOrderLine = PlacementLine & { refundedCents: number };

/** A stored line (with its items) in the one line shape. */
export function storedOrderLine(row: OrderLine & { items: OrderLineItem[] }): StoredOrderLine {
  return {
    lineId: row.id,
    lineNo: row.lineNo,
    offerId: row.offerId,
    kind: row.kind as 'sku' | 'bundle',
    skuId: row.skuId,
    bundleId: row.bundleId,
    productId: row.productId,
    categoryId: row.categoryId,
    name: row.name,
    quantity: row.quantity,
    unitPriceCents: row.unitPriceCents,
    amountCents: row.amountCents,
    items: row.items.map((item) => ({ skuId: item.skuId, productId: item.productId, categoryId: item.categoryId, quantity: item.quantity, unitValueCents: item.unitValueCents })),
    refundedCents: row.refundedCents,
  };
}
