import { LinliError } from '@linli/contracts';

/** The orders service's error constructors; each carries an `ORDERS.*` (or common) code from the contracts. */
export const OrdersErrors = {
  forbidden: (what = 'you may not do this') => new LinliError('AUTH.FORBIDDEN', what),
  notBound: () => new LinliError('ORDERS.NOT_BOUND', 'choose a pickup point before ordering'),
  notServed: (campaignId: string) => new LinliError('ORDERS.NOT_SERVED', 'this campaign does not deliver to your pickup point', { campaignId }),
  campaignNotFound: (campaignId: string) => new LinliError('ORDERS.CAMPAIGN_NOT_FOUND', 'no such campaign', { campaignId }),
  campaignNotStarted: (startsAt: Date) =>
    new LinliError('ORDERS.CAMPAIGN_NOT_STARTED', 'the campaign has not started yet', { startsAt: startsAt.toISOString() }),
  campaignClosed: (campaignId: string) => new LinliError('ORDERS.CAMPAIGN_CLOSED', 'the campaign is closed for orders', { campaignId }),
  campaignInvalid: (message: string, details?: unknown) => new LinliError('ORDERS.CAMPAIGN_INVALID', message, details),
  catalogInvalid: (message: string, details?: unknown) => new LinliError('ORDERS.CATALOG_INVALID', message, details),
  skuCodeTaken: (code: string) => new LinliError('ORDERS.SKU_CODE_TAKEN', 'another product already uses this SKU code', { code }),
  offerNotFound: (offerIds: string[]) => new LinliError('ORDERS.OFFER_NOT_FOUND', 'the campaign has no such offer', { offerIds }),
  priceMismatch: (expectedTotalCents: number, totalCents: number) =>
    new LinliError('ORDERS.PRICE_MISMATCH', 'the total differs from the current campaign prices; reload and try again', {
      expectedTotalCents,
      totalCents,
    }),
  stockExhausted: (skuId: string) => new LinliError('ORDERS.STOCK_EXHAUSTED', 'not enough stock left', { skuId }),
  pickupPointFull: (pickupPointId: string) =>
    new LinliError('ORDERS.PICKUP_POINT_FULL', 'your pickup point takes no more parcels for this delivery day; try another point or a later campaign', { pickupPointId }),
  limitExceeded: (offerId: string, limit: number) =>
    new LinliError('ORDERS.LIMIT_EXCEEDED', `at most ${limit} per customer in this campaign`, { offerId, limit }),
  idempotencyKeyReused: () =>
    new LinliError('ORDERS.IDEMPOTENCY_KEY_REUSED', 'this idempotency key was already used for a different order request'),
  orderNotFound: (orderId: string) => new LinliError('ORDERS.ORDER_NOT_FOUND', 'no such order', { orderId }),
  invalidTransition: (from: string, to: string) =>
    new LinliError('ORDERS.INVALID_TRANSITION', `an order that is ${from} cannot become ${to}`, { from, to }),
  pickupCodeInvalid: () => new LinliError('ORDERS.PICKUP_CODE_INVALID', 'this pickup code does not belong to an order at your pickup point'),
  alreadyPickedUp: (orderId: string) => new LinliError('ORDERS.ALREADY_PICKED_UP', 'this order was already picked up', { orderId }),
  signatureInvalid: () => new LinliError('ORDERS.PAYMENT_SIGNATURE_INVALID', 'the payment notification signature is invalid'),
  refundNotAllowed: (message: string) => new LinliError('ORDERS.REFUND_NOT_ALLOWED', message),
  refundNotFound: (refundId: string) => new LinliError('ORDERS.REFUND_NOT_FOUND', 'no such refund', { refundId }),
  refundAlreadyDecided: (refundId: string, status: string) => new LinliError('ORDERS.REFUND_ALREADY_DECIDED', `the complaint was already decided (${status})`, { refundId, status }),
  refundUnderReview: (refundId: string) =>
    new LinliError('ORDERS.REFUND_UNDER_REVIEW', 'a complaint about this order is already waiting for review', { refundId }),
  refundExceedsPaid: (requestedCents: number, refundableCents: number) =>
    new LinliError('ORDERS.REFUND_EXCEEDS_PAID', 'the refund is larger than what is left to refund', { requestedCents, refundableCents }),
  pointsExceedTotal: (points: number, discountCents: number, maxDiscountCents: number) =>
    new LinliError('ORDERS.POINTS_EXCEED_TOTAL', `points can take at most ${maxDiscountCents} cents off this order`, { points, discountCents, maxDiscountCents }),
  pointsHoldClosed: (orderId: string) =>
    new LinliError('ORDERS.POINTS_HOLD_CLOSED', 'the points held for an earlier attempt under this idempotency key were given back; place the order again with a new key', { orderId }),
  pointsUnavailable: () => new LinliError('ORDERS.POINTS_UNAVAILABLE', 'points cannot be used just now; try again, or order without points'),
  refundWindowClosed: (closedAt: Date) =>
    new LinliError('ORDERS.REFUND_WINDOW_CLOSED', 'quality complaints are accepted only within the window after pickup', {
      closedAt: closedAt.toISOString(),
    }),
};
