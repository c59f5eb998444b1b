import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { orders as contracts, type Actor } from '@linli/contracts';
import { PaymentRepository, type PaymentRow } from '@linli/orders-data-access';
import { OrdersErrors } from './orders.exception.js';
import { OrderStore, PAYMENT, SYSTEM, type Tx } from './order-store.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { RefundService } from './refund.service.js';

type Outcome = 'paid' | 'duplicate' | 'failed' | 'refunded' | 'ignored';

/**
 * Payments: creates intents with the provider and reconciles its notifications with orders. A
 * notification is verified, recorded once (a repeat is a duplicate), and applied under the order's
 * lock: success on a payable order pays it; success on an order that expired, was cancelled or was
 * already paid is refunded automatically.
 */
@Injectable()
export class PaymentService {
  private readonly logger = new Logger('Payments');
  private readonly repo = new PaymentRepository();

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
      const open = await this.repo.open(tx, orderId);
      if (open) return this.intent(open, { provider: open.provider, providerPaymentId: open.provider_payment_id, amountCents: String(open.amount_cents) });
      const paymentId = randomUUID();
      // What points did not pay for.
      const amountCents = order.total_cents - order.points_discount_cents;
      const created = await this.provider.createIntent({ paymentId, orderId, amountCents, description: `Linli order ${orderId}` });
      const row: PaymentRow = {
        id: paymentId,
        order_id: orderId,
        provider: this.provider.name,
        provider_payment_id: created.providerPaymentId,
        amount_cents: amountCents,
        status: 'created',
      };
      await this.repo.create(tx, row);
      return this.intent(row, created.clientParams);
    });
  }

  /** Handles a provider notification. Forged → PAYMENT_SIGNATURE_INVALID; everything else is answered `accepted` with what it did. */
  async callback(input: { provider: string; notification: contracts.PaymentNotification; signature: string }): Promise<{ accepted: true; outcome: Outcome }> {
    if (input.provider !== this.provider.name || !this.provider.verify(input.notification, input.signature)) throw OrdersErrors.signatureInvalid();
    const n = input.notification;
    const outcome = await this.store.transaction(async (tx): Promise<Outcome> => {
      const first = await this.repo.recordNotification(tx, { provider: input.provider, notificationId: n.notificationId, status: n.status, payload: n });
      if (!first) return 'duplicate';
      const outcome = await this.apply(tx, input.provider, n);
      await this.repo.recordOutcome(tx, { provider: input.provider, notificationId: n.notificationId, providerPaymentId: n.providerPaymentId, outcome });
      return outcome;
    });
    return { accepted: true, outcome };
  }

  private async apply(tx: Tx, provider: string, n: contracts.PaymentNotification): Promise<Outcome> {
    const payment = await this.repo.findByProviderId(tx, provider, n.providerPaymentId);
    if (!payment || payment.order_id !== n.merchantOrderId || payment.amount_cents !== n.amountCents) {
      this.logger.warn(`notification ${n.notificationId} does not match a payment (${n.providerPaymentId}); ignored`);
      return 'ignored';
    }
    // Lock order first, then payment: the same order every path takes.
    let order = await this.store.lockOrThrow(tx, payment.order_id);
    const locked = await this.repo.lock(tx, payment.id);
    if (locked.status !== 'created') return 'duplicate';
    if (n.status === 'failed') {
      await this.repo.settle(tx, payment.id, 'failed');
      return 'failed';
    }
    await this.repo.settle(tx, payment.id, 'succeeded');
    await this.store.orders.addPaid(tx, order.id, payment.amount_cents);
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
