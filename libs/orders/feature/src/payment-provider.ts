import { Logger } from '@nestjs/common';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { orders } from '@linli/contracts';
import type { DevPaymentOptions } from './orders.options.js';

type PaymentNotification = orders.PaymentNotification;

export interface CreateIntentRequest {
  paymentId: string;
  orderId: string;
  amountCents: number;
  description: string;
}

export interface CreatedIntent {
  providerPaymentId: string;
  /** Handed to the client, which passes it to the provider's SDK. */
  clientParams: Record<string, string>;
}

export interface ProviderRefundRequest {
  refundId: string;
  providerPaymentId: string;
  amountCents: number;
  reason: string;
}

/**
 * What the orders service needs from a payment provider. A provider creates payment intents, later
 * notifies `rpc.orders.payment.callback.v1` (through the gateway's `POST /v1/payments/callback`) with a
 * signed {@link PaymentNotification} — possibly twice, possibly late, possibly failed — and refunds.
 *
 * A real adapter (WeChat Pay v3, Alipay) implements the same three calls with the provider's HTTP API;
 * its notifications are verified with the provider's platform certificate instead of the shared HMAC
 * key, and then mapped to a {@link PaymentNotification}. It is not written here: it cannot be exercised
 * without merchant credentials.
 */
export interface PaymentProvider {
  readonly name: string;
  createIntent(request: CreateIntentRequest): Promise<CreatedIntent>;
  refund(request: ProviderRefundRequest): Promise<{ providerRefundId: string; status: 'succeeded' | 'failed' }>;
  /** True when the notification was signed by this provider. */
  verify(notification: PaymentNotification, signature: string): boolean;
  /** Stops any pending work (timers) on shutdown. */
  close?(): void;
}

export const PAYMENT_PROVIDER = Symbol.for('linli.orders.payment-provider');

/** The signed string: every field as `key=value`, keys sorted, joined with `&`. */
export function canonicalNotification(notification: PaymentNotification): string {
  return Object.keys(notification)
    .sort()
    .map((key) => `${key}=${String(notification[key as keyof PaymentNotification])}`)
    .join('&');
}

export function signNotification(secret: string, notification: PaymentNotification): string {
  return createHmac('sha256', secret).update(canonicalNotification(notification)).digest('hex');
}

export function verifyNotification(secret: string, notification: PaymentNotification, signature: string): boolean {
  const expected = Buffer.from(signNotification(secret, notification), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What the development provider will do with the next intent (tests script it; otherwise drawn at random). */
export interface DevBehaviour {
  outcome: 'succeeded' | 'failed';
  /** How many times the same notification is delivered. */
  deliveries: number;
  delayMs: number;
}

export type DeliverNotification = (body: { provider: string; notification: PaymentNotification; signature: string }) => Promise<unknown>;

/**
 * A provider that behaves like a real one without leaving the machine: each intent is "paid" by
 * itself after a delay and notified with an HMAC-signed notification through the same callback path a
 * real provider uses. Some notifications come twice, some late, some report failure (rates from config,
 * or a scripted {@link DevBehaviour} queue in tests). Refunds succeed at once.
 */
export class DevPaymentProvider implements PaymentProvider {
  readonly name = 'dev';
  private readonly logger = new Logger('DevPaymentProvider');
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly script: DevBehaviour[] = [];
  private deliver?: DeliverNotification;

  constructor(
    private readonly secret: string,
    private readonly options: DevPaymentOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Where notifications go (the service wires its own callback RPC once NATS is up). */
  connect(deliver: DeliverNotification): void {
    this.deliver = deliver;
  }

  /** Scripts what happens to the next intents, in order. */
  enqueue(...behaviours: DevBehaviour[]): void {
    this.script.push(...behaviours);
  }

  async createIntent(request: CreateIntentRequest): Promise<CreatedIntent> {
    const providerPaymentId = `dev_${randomUUID().replace(/-/g, '')}`;
    const behaviour = this.script.shift() ?? this.draw();
    const notification: PaymentNotification = {
      notificationId: `devn_${randomUUID().replace(/-/g, '')}`,
      providerPaymentId,
      merchantOrderId: request.orderId,
      status: behaviour.outcome,
      amountCents: request.amountCents,
      occurredAt: new Date().toISOString(),
    };
    for (let i = 0; i < behaviour.deliveries; i++) this.later(behaviour.delayMs + i * 50, notification);
    return { providerPaymentId, clientParams: { provider: this.name, providerPaymentId, amountCents: String(request.amountCents) } };
  }

  async refund(request: ProviderRefundRequest): Promise<{ providerRefundId: string; status: 'succeeded' | 'failed' }> {
    return { providerRefundId: `devr_${request.refundId.replace(/-/g, '')}`, status: 'succeeded' };
  }

  verify(notification: PaymentNotification, signature: string): boolean {
    return verifyNotification(this.secret, notification, signature);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private draw(): DevBehaviour {
    const o = this.options;
    const late = this.random() < o.lateRate;
    return {
      outcome: this.random() < o.failureRate ? 'failed' : 'succeeded',
      deliveries: this.random() < o.duplicateRate ? 2 : 1,
      delayMs: late ? o.lateDelayMs : o.callbackDelayMs,
    };
  }

  private later(delayMs: number, notification: PaymentNotification): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const signature = signNotification(this.secret, notification);
      if (!this.deliver) return;
      this.deliver({ provider: this.name, notification, signature }).catch((error: unknown) =>
        this.logger.warn(`notification ${notification.notificationId} not delivered: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, delayMs);
    this.timers.add(timer);
  }
}
