import type { OrdersTx } from './client.js';

export interface PaymentRow {
  id: string;
  order_id: string;
  provider: string;
  provider_payment_id: string;
  amount_cents: number;
  status: 'created' | 'succeeded' | 'failed';
}

const PAYMENT_COLUMNS = 'id::text, order_id::text, provider, provider_payment_id, amount_cents, status';

/** Payments and the provider's notifications (each recorded once). */
export class PaymentRepository {
  /** The order's payment still waiting for the provider, if any. */
  async open(tx: OrdersTx, orderId: string): Promise<PaymentRow | null> {
    const rows = await tx.$queryRawUnsafe<PaymentRow[]>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1::uuid AND status = 'created'`, orderId);
    return rows[0] ?? null;
  }

  async create(tx: OrdersTx, payment: Omit<PaymentRow, 'status'>): Promise<void> {
    await tx.payment.create({
      data: { id: payment.id, orderId: payment.order_id, provider: payment.provider, providerPaymentId: payment.provider_payment_id, amountCents: payment.amount_cents },
    });
  }

  async findByProviderId(tx: OrdersTx, provider: string, providerPaymentId: string): Promise<PaymentRow | null> {
    const rows = await tx.$queryRawUnsafe<PaymentRow[]>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE provider = $1 AND provider_payment_id = $2`, provider, providerPaymentId);
    return rows[0] ?? null;
  }

  /** The payment row, locked until the transaction ends (take the order's lock first). */
  async lock(tx: OrdersTx, paymentId: string): Promise<PaymentRow> {
    const rows = await tx.$queryRawUnsafe<PaymentRow[]>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1::uuid FOR UPDATE`, paymentId);
    return rows[0]!;
  }

  async settle(tx: OrdersTx, paymentId: string, status: 'succeeded' | 'failed'): Promise<void> {
    await tx.$executeRawUnsafe(`UPDATE payments SET status = $2, settled_at = now() WHERE id = $1::uuid`, paymentId, status);
  }

  /** Records a notification as being processed; false when it was recorded before (a repeat). */
  async recordNotification(tx: OrdersTx, n: { provider: string; notificationId: string; status: string; payload: unknown }): Promise<boolean> {
    const first = await tx.$queryRawUnsafe<unknown[]>(
      `INSERT INTO payment_notifications (provider, notification_id, status, outcome, payload) VALUES ($1, $2, $3, 'processing', $4::jsonb)
       ON CONFLICT DO NOTHING RETURNING notification_id`,
      n.provider,
      n.notificationId,
      n.status,
      JSON.stringify(n.payload),
    );
    return first.length > 0;
  }

  /** What a recorded notification did, linked to its payment when there is one. */
  async recordOutcome(tx: OrdersTx, n: { provider: string; notificationId: string; providerPaymentId: string; outcome: string }): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE payment_notifications SET outcome = $3, payment_id = (SELECT id FROM payments WHERE provider = $1 AND provider_payment_id = $4)
        WHERE provider = $1 AND notification_id = $2`,
      n.provider,
      n.notificationId,
      n.outcome,
      n.providerPaymentId,
    );
  }
}
