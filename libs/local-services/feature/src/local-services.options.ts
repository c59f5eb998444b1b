export const LOCAL_SERVICES_OPTIONS = Symbol.for('linli.local-services-options');

export interface WebhookDispatchOptions {
  /** How often due deliveries are looked for; 0 turns the loop off (tests drive `WebhookDispatcher.runOnce`). */
  intervalMs: number;
  /** First retry after this long; each further retry waits twice as long (capped at 6 hours). */
  backoffBaseMs: number;
  /** Attempts before a delivery is marked failed (the provider may still replay it). */
  maxAttempts: number;
  /** Per-attempt HTTP timeout. */
  timeoutMs: number;
}

export interface LocalServicesOptions {
  /** HMAC-SHA256 key of payment notifications. */
  paymentWebhookSecret: string;
  /** The resident's leader's share of a completed booking's price, in basis points (500 = 5 %). */
  leaderFeeBps: number;
  webhooks: WebhookDispatchOptions;
  /** Delay before the development payment provider notifies. */
  devPaymentDelayMs: number;
  /** A booking not paid within this long is cancelled and its seat (and points) released. */
  paymentTimeoutSeconds: number;
  /** How often unpaid bookings are looked for; 0 turns the loop off (tests call `expireUnpaid`). */
  expiryIntervalMs: number;
}

export const DEFAULT_LOCAL_SERVICES_OPTIONS: Omit<LocalServicesOptions, 'paymentWebhookSecret'> = {
  leaderFeeBps: 500,
  webhooks: { intervalMs: 1000, backoffBaseMs: 10_000, maxAttempts: 8, timeoutMs: 10_000 },
  devPaymentDelayMs: 300,
  paymentTimeoutSeconds: 900,
  expiryIntervalMs: 5000,
};
