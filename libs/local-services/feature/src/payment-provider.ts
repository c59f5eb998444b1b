import { Logger } from '@nestjs/common';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { localServices } from '@linli/contracts';

type PaymentNotification = localServices.PaymentNotification;

/**
 * What bookings need from a payment provider — the same three calls as the orders service's
 * `PaymentProvider` (create an intent, refund, verify a notification), kept here as an equivalent
 * interface: the orders one is tied to orders' notification shape and development options, and moving
 * it to a shared lib would not be small. A real adapter (WeChat Pay v3, Alipay) implements these with
 * the provider's HTTP API and verifies notifications with its platform certificate; it cannot be
 * exercised here without merchant credentials.
 */
export interface PaymentProvider {
  readonly name: string;
  createIntent(request: { paymentId: string; amountCents: number; description: string }): Promise<{ providerPaymentId: string; clientParams: Record<string, string> }>;
  refund(request: { paymentId: string; providerPaymentId: string; amountCents: number; reason: string }): Promise<{ status: 'succeeded' | 'failed' }>;
  verify(notification: PaymentNotification, signature: string): boolean;
  close?(): void;
}

export const PAYMENT_PROVIDER = Symbol.for('linli.local-services.payment-provider');

/** The signed string: every field as `key=value`, keys sorted, joined with `&` (as orders' provider signs). */
export function signPaymentNotification(secret: string, notification: PaymentNotification): string {
  const canonical = Object.keys(notification)
    .sort()
    .map((key) => `${key}=${String(notification[key as keyof PaymentNotification])}`)
    .join('&');
  return createHmac('sha256', secret).update(canonical).digest('hex');
}

export type DeliverPaymentNotification = (body: { provider: string; notification: PaymentNotification; signature: string }) => Promise<unknown>;

/**
 * A provider that behaves like a real one without leaving the machine: each intent succeeds by itself
 * after a delay and is notified, HMAC-signed, through the same callback subject a real adapter's
 * notifications would reach. Tests can script failures.
 */
export class DevPaymentProvider implements PaymentProvider {
  readonly name = 'dev';
  private readonly logger = new Logger('DevPaymentProvider');
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly script: ('succeeded' | 'failed')[] = [];
  private deliver?: DeliverPaymentNotification;

  constructor(
    private readonly secret: string,
    private readonly delayMs: number,
  ) {}

  connect(deliver: DeliverPaymentNotification): void {
    this.deliver = deliver;
  }

  /** The outcome of the next intents, in order (otherwise they succeed). */
  enqueue(...outcomes: ('succeeded' | 'failed')[]): void {
    this.script.push(...outcomes);
  }

  async createIntent(request: { paymentId: string; amountCents: number }): Promise<{ providerPaymentId: string; clientParams: Record<string, string> }> {
    const providerPaymentId = `dev_${randomUUID().replace(/-/g, '')}`;
    const notification: PaymentNotification = {
      notificationId: `devn_${randomUUID().replace(/-/g, '')}`,
      providerPaymentId,
      merchantPaymentId: request.paymentId,
      status: this.script.shift() ?? 'succeeded',
      amountCents: request.amountCents,
      occurredAt: new Date().toISOString(),
    };
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.deliver?.({ provider: this.name, notification, signature: signPaymentNotification(this.secret, notification) }).catch((error: unknown) =>
        this.logger.warn(`notification ${notification.notificationId} not delivered: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, this.delayMs);
    this.timers.add(timer);
    return { providerPaymentId, clientParams: { provider: this.name, providerPaymentId, amountCents: String(request.amountCents) } };
  }

  async refund(): Promise<{ status: 'succeeded' | 'failed' }> {
    return { status: 'succeeded' };
  }

  verify(notification: PaymentNotification, signature: string): boolean {
    const expected = Buffer.from(signPaymentNotification(this.secret, notification), 'hex');
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
