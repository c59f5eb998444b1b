export const ORDERS_OPTIONS = Symbol.for('linli.orders-options');

export interface DevPaymentOptions {
  /** Delay before the (first) notification. */
  callbackDelayMs: number;
  /** Share of payments notified twice (a second delivery of the same notification). */
  duplicateRate: number;
  /** Share of payments that fail. */
  failureRate: number;
  /** Share of payments notified late, after `lateDelayMs`. */
  lateRate: number;
  lateDelayMs: number;
}

export interface OrdersOptions {
  /** HMAC-SHA256 key of payment notifications. */
  paymentWebhookSecret: string;
  /** Unpaid orders expire after this long (never later than the campaign's cut-off). */
  paymentTimeoutSeconds: number;
  /** Buckets each SKU's campaign stock is split into (ADR 0004). */
  stockBuckets: number;
  /**
   * Most orders placed by one statement and one transaction: orders arriving while a placement runs
   * are placed together by the next (ADR 0004). 1 places every order on its own, up to 16 at once
   * (the design before batching).
   */
  placementBatch: number;
  /** Scheduler tick; 0 turns the loop off (tests drive `OrdersScheduler.runOnce`). */
  schedulerIntervalMs: number;
  /** Quality complaints are accepted for this long after pickup; then the order completes. */
  complaintWindowHours: number;
  /** Quality complaints are refunded at once up to these amounts; above them they wait for review. */
  refundPolicy: { instantMaxCentsPerOrder: number; instantMaxCentsPerResidentPerMonth: number };
  devPayment: DevPaymentOptions;
  /**
   * Points spent at placement: each point takes `pointValueCents` off the total, and at least
   * `minimumPayableCents` is left to pay in money (a larger discount is refused, never cut down).
   * `ledgerTimeoutMs` bounds each request to the growth ledger (asked at most twice), so an unanswered
   * ledger refuses the order (`ORDERS.POINTS_UNAVAILABLE`) well before the caller gives up.
   */
  points: { pointValueCents: number; minimumPayableCents: number; ledgerTimeoutMs: number };
}

export const DEFAULT_ORDERS_OPTIONS: Omit<OrdersOptions, 'paymentWebhookSecret'> = {
  paymentTimeoutSeconds: 15 * 60,
  stockBuckets: 16,
  placementBatch: 32,
  schedulerIntervalMs: 1000,
  complaintWindowHours: 48,
  refundPolicy: { instantMaxCentsPerOrder: 5_000, instantMaxCentsPerResidentPerMonth: 10_000 },
  devPayment: { callbackDelayMs: 300, duplicateRate: 0.2, failureRate: 0, lateRate: 0, lateDelayMs: 5000 },
  // 100 points = 1 yuan; at least 1 cent is paid in money (so every order has a payment).
  points: { pointValueCents: 1, minimumPayableCents: 1, ledgerTimeoutMs: 3000 },
};
