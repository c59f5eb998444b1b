import type { OrdersClient, OrdersTx } from './client.js';

export interface RefundLineInput {
  lineId: string;
  quantity: number;
  amountCents: number;
}

export interface NewRefund {
  id: string;
  orderId: string;
  refundKey: string;
  reason: string;
  amountCents: number;
  status: string;
  description: string | null;
  photoUrls: string[];
  requestedBy: string | null;
  paymentId?: string;
  providerRefundId?: string | null;
  autoApproved?: boolean;
  reviewReason?: string | null;
}

/** Refunds with their lines, and the order lines and payments they are paid against. */
export class RefundRepository {
  /** An order's lines in line order (what can be refunded and what already was). */
  orderLines(db: OrdersClient, orderId: string) {
    return db.orderLine.findMany({ where: { orderId }, orderBy: { lineNo: 'asc' } });
  }

  /** A refund with its lines. */
  find(db: OrdersClient, refundId: string) {
    return db.refund.findUnique({ where: { id: refundId }, include: { lines: true } });
  }

  get(db: OrdersClient, refundId: string) {
    return db.refund.findUniqueOrThrow({ where: { id: refundId }, include: { lines: true } });
  }

  /** The refund an order already has under this idempotency key. */
  byKey(tx: OrdersTx, orderId: string, refundKey: string) {
    return tx.refund.findUnique({ where: { orderId_refundKey: { orderId, refundKey } } });
  }

  /** The payment a refund goes back to: the one named, else the order's first settled payment. */
  paymentToRefund(tx: OrdersTx, orderId: string, paymentId: string | undefined) {
    return paymentId
      ? tx.payment.findUnique({ where: { id: paymentId } })
      : tx.payment.findFirst({ where: { orderId, status: 'succeeded' }, orderBy: { settledAt: 'asc' } });
  }

  async create(tx: OrdersTx, refund: NewRefund, lines: RefundLineInput[]): Promise<void> {
    await tx.refund.create({ data: { ...refund, lines: { create: lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity, amountCents: line.amountCents })) } } });
  }

  /** Books the payment of a refund that was under review. */
  async settleReviewed(tx: OrdersTx, refundId: string, settled: { status: string; paymentId: string; providerRefundId: string | null; decisionReason: string | null }): Promise<void> {
    await tx.refund.update({ where: { id: refundId }, data: { ...settled, decidedAt: new Date() } });
  }

  /**
   * Claims a complaint under review for one decision: a rejection closes it, an approval only marks
   * who decided (its payment is booked next). False when it was already decided.
   */
  async claimReview(tx: OrdersTx, refundId: string, decision: { decidedBy: string; rejectReason: string | null }): Promise<boolean> {
    const data = decision.rejectReason !== null ? { decidedBy: decision.decidedBy, decidedAt: new Date(), decisionReason: decision.rejectReason, status: 'rejected' } : { decidedBy: decision.decidedBy };
    return (await tx.refund.updateMany({ where: { id: refundId, status: 'pending_review', decidedBy: null }, data })).count === 1;
  }

  /** The ids of an order's refunds, oldest first. */
  async idsOfOrder(db: OrdersClient, orderId: string): Promise<string[]> {
    return (await db.refund.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' }, select: { id: true } })).map((row) => row.id);
  }
}
