import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { orders as contracts, type Actor } from '@linli/contracts';
import { OrdersErrors } from './orders.exception.js';
import { OrderStore, PAYMENT, SYSTEM, type Tx } from './order-store.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { RefundService } from './refund.service.js';

type Outcome = 'paid' | 'duplicate' | 'failed' | 'refunded' | 'ignored';

interface PaymentRow {
  id: string;
  order_id: string;
  provider: string;
  provider_payment_id: string;
  amount_cents: number;
  status: 'created' | 'succeeded' | 'failed';
}

/**
 * Payments: creates intents with the provider and reconciles its notifications with orders. A
 * notification is verified, recorded once (a repeat is a duplicate), and applied under the order's
 * lock: success on a payable order pays it; success on an order that expired, was cancelled or was
 * already paid is refunded automatically.
 */
@Injectable()
export class PaymentService {
  private readonly logger = new Logger('Payments');

  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(RefundService) private readonly refunds: RefundService,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  private intent(row: PaymentRow, clientParams: Record<string, string>): contracts.PaymentIntent {
    return {
      paymentId: row.id,
      orderId: row.order_id,
      provider: row.provider,
      providerPaymentId: row.provider_payment_id,
      amountCents: row.amount_cents,
      status: row.status,
      clientParams,
    };
  }

  /** Starts (or returns the open) payment of the resident's own pending order. */
  async pay(actor: Actor, orderId: string): Promise<contracts.PaymentIntent> {
    return this.store.transaction(async (tx) => {
      const order = await this.store.lockOrThrow(tx, orderId);
      if (order.user_id !== actor.userId) throw OrdersErrors.forbidden('this order is not yours');
      if (order.status !== 'pending_payment') throw OrdersErrors.invalidTransition(order.status, 'paid');
      if (order.expires_at.getTime() <= Date.now()) throw OrdersErrors.invalidTransition('expired', 'paid');
      const open = await tx.$queryRawUnsafe<PaymentRow[]>(
        `SELECT id::text, order_id::text, provider, provider_payment_id, amount_cents, status FROM payments WHERE order_id = $1::uuid AND status = 'created'`,
        orderId,
      );
      if (open[0]) return this.intent(open[0], { provider: open[0].provider, providerPaymentId: open[0].provider_payment_id, amountCents: String(open[0].amount_cents) });
      const paymentId = randomUUID();
      const created = await this.provider.createIntent({ paymentId, orderId, amountCents: order.total_cents, description: `Linli order ${orderId}` });
      const row: PaymentRow = {
        id: paymentId,
        order_id: orderId,
        provider: this.provider.name,
        provider_payment_id: created.providerPaymentId,
        amount_cents: order.total_cents,
        status: 'created',
      };
      await tx.payment.create({ data: { id: paymentId, orderId, provider: row.provider, providerPaymentId: row.provider_payment_id, amountCents: row.amount_cents } });
      return this.intent(row, created.clientParams);
    });
  }

  /** Handles a provider notification. Forged → PAYMENT_SIGNATURE_INVALID; everything else is answered `accepted` with what it did. */
  async callback(input: { provider: string; notification: contracts.PaymentNotification; signature: string }): Promise<{ accepted: true; outcome: Outcome }> {
    if (input.provider !== this.provider.name || !this.provider.verify(input.notification, input.signature)) throw OrdersErrors.signatureInvalid();
    const n = input.notification;
    const outcome = await this.store.transaction(async (tx): Promise<Outcome> => {
      const first = await tx.$queryRawUnsafe<unknown[]>(
        `INSERT INTO payment_notifications (provider, notification_id, status, outcome, payload) VALUES ($1, $2, $3, 'processing', $4::jsonb)
         ON CONFLICT DO NOTHING RETURNING notification_id`,
        input.provider,
        n.notificationId,
        n.status,
        JSON.stringify(n),
      );
      if (first.length === 0) return 'duplicate';
      const outcome = await this.apply(tx, input.provider, n);
      await tx.$executeRawUnsafe(
        `UPDATE payment_notifications SET outcome = $3, payment_id = (SELECT id FROM payments WHERE provider = $1 AND provider_payment_id = $4)
          WHERE provider = $1 AND notification_id = $2`,
        input.provider,
        n.notificationId,
        outcome,
        n.providerPaymentId,
      );
      return outcome;
    });
    return { accepted: true, outcome };
  }

  private async apply(tx: Tx, provider: string, n: contracts.PaymentNotification): Promise<Outcome> {
    const rows = await tx.$queryRawUnsafe<PaymentRow[]>(
      `SELECT id::text, order_id::text, provider, provider_payment_id, amount_cents, status FROM payments
        WHERE provider = $1 AND provider_payment_id = $2`,
      provider,
      n.providerPaymentId,
    );
    const payment = rows[0];
    if (!payment || payment.order_id !== n.merchantOrderId || payment.amount_cents !== n.amountCents) {
      this.logger.warn(`notification ${n.notificationId} does not match a payment (${n.providerPaymentId}); ignored`);
      return 'ignored';
    }
    // Lock order first, then payment: the same order every path takes.
    let order = await this.store.lockOrThrow(tx, payment.order_id);
    const locked = await tx.$queryRawUnsafe<PaymentRow[]>(
      `SELECT id::text, order_id::text, provider, provider_payment_id, amount_cents, status FROM payments WHERE id = $1::uuid FOR UPDATE`,
      payment.id,
    );
    if (locked[0]!.status !== 'created') return 'duplicate';
    if (n.status === 'failed') {
      await tx.$executeRawUnsafe(`UPDATE payments SET status = 'failed', settled_at = now() WHERE id = $1::uuid`, payment.id);
      return 'failed';
    }
    await tx.$executeRawUnsafe(`UPDATE payments SET status = 'succeeded', settled_at = now() WHERE id = $1::uuid`, payment.id);
    await tx.$executeRawUnsafe('UPDATE orders SET paid_cents = paid_cents + $2, updated_at = now() WHERE id = $1::uuid', order.id, payment.amount_cents);
    order = { ...order, paid_cents: order.paid_cents + payment.amount_cents };
    if (order.status === 'pending_payment' && order.expires_at.getTime() > Date.now()) {
      await this.store.transition(tx, order, 'paid', PAYMENT, { extra: { paymentId: payment.id, paidCents: payment.amount_cents } });
      return 'paid';
    }
    if (order.status === 'pending_payment') {
      // Paid after its time ran out: expire it now (releasing its stock), then give the money back.
      order = await this.store.transition(tx, order, 'expired', SYSTEM, { reason: 'payment arrived after the order expired' });
      await this.store.releaseHoldings(tx, order);
    }
    const reason = order.status === 'expired' || order.status === 'cancelled' ? 'late-payment' : 'duplicate-payment';
    await this.refunds.refundLocked(tx, order, {
      refundKey: `payment-${payment.id}`,
      reason,
      plan: { lines: [], amountCents: payment.amount_cents },
      description: reason === 'late-payment' ? 'payment arrived after the order was closed' : 'the order was already paid',
      requestedBy: null,
      actor: SYSTEM,
      paymentId: payment.id,
    });
    return 'refunded';
  }
}
