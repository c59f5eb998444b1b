import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { orders as contracts, type Actor } from '@linli/contracts';
import { enqueueEvent } from '@linli/nest-kit';
import { assertOps } from './catalog.service.js';
import { OrdersErrors } from './orders.exception.js';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';
import { OrderStore, transitionActor, type Client, type OrderRow, type TransitionActor, type Tx } from './order-store.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { planFullRefund, planLineRefund, type RefundPlan, type RefundableLine } from './pricing.js';

export interface RefundRequest {
  refundKey: string;
  reason: contracts.RefundReason;
  plan: RefundPlan;
  description?: string | null;
  photoUrls?: string[];
  requestedBy: string | null;
  actor: TransitionActor;
  /** The payment to refund; the order's settled payment when omitted. */
  paymentId?: string;
}

/**
 * Refunds: idempotent per (order, refund key), never more than what was paid — checked here under
 * the order's row lock and again by the database (`orders.refunded_cents <= paid_cents`,
 * `order_lines.refunded_cents <= amount_cents`).
 */
@Injectable()
export class RefundService {
  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersOptions,
  ) {}

  async refundableLines(client: Client, orderId: string): Promise<RefundableLine[]> {
    const lines = await client.orderLine.findMany({ where: { orderId }, orderBy: { lineNo: 'asc' } });
    return lines.map((line) => ({
      lineId: line.id,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
      amountCents: line.amountCents,
      refundedCents: line.refundedCents,
      refundedUnits: line.refundedUnits,
    }));
  }

  async view(client: Client, refundId: string): Promise<contracts.Refund> {
    const refund = await client.refund.findUniqueOrThrow({ where: { id: refundId }, include: { lines: true } });
    return {
      refundId: refund.id,
      orderId: refund.orderId,
      refundKey: refund.refundKey,
      reason: refund.reason as contracts.RefundReason,
      amountCents: refund.amountCents,
      status: refund.status as 'succeeded' | 'failed',
      description: refund.description,
      photoUrls: refund.photoUrls,
      lines: refund.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity, amountCents: line.amountCents })),
      createdAt: refund.createdAt.toISOString(),
    };
  }

  /** Refunds within the caller's transaction; `order` must be locked by it. Returns the refund and the order's new totals. */
  async refundLocked(tx: Tx, order: OrderRow, request: RefundRequest): Promise<{ refund: contracts.Refund; order: OrderRow }> {
    const existing = await tx.refund.findUnique({ where: { orderId_refundKey: { orderId: order.id, refundKey: request.refundKey } } });
    if (existing) return { refund: await this.view(tx, existing.id), order };
    const refundable = order.paid_cents - order.refunded_cents;
    if (request.plan.amountCents <= 0) throw OrdersErrors.refundNotAllowed('there is nothing left to refund');
    if (request.plan.amountCents > refundable) throw OrdersErrors.refundExceedsPaid(request.plan.amountCents, refundable);
    const payment = request.paymentId
      ? await tx.payment.findUnique({ where: { id: request.paymentId } })
      : await tx.payment.findFirst({ where: { orderId: order.id, status: 'succeeded' }, orderBy: { settledAt: 'asc' } });
    if (!payment || payment.status !== 'succeeded') throw OrdersErrors.refundNotAllowed('the order has no settled payment');
    const refundId = randomUUID();
    const result = await this.provider.refund({
      refundId,
      providerPaymentId: payment.providerPaymentId,
      amountCents: request.plan.amountCents,
      reason: request.reason,
    });
    await tx.refund.create({
      data: {
        id: refundId,
        orderId: order.id,
        refundKey: request.refundKey,
        reason: request.reason,
        amountCents: request.plan.amountCents,
        status: result.status,
        description: request.description ?? null,
        photoUrls: request.photoUrls ?? [],
        paymentId: payment.id,
        providerRefundId: result.providerRefundId,
        requestedBy: request.requestedBy,
        lines: { create: request.plan.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity, amountCents: line.amountCents })) },
      },
    });
    if (result.status !== 'succeeded') return { refund: await this.view(tx, refundId), order };
    for (const line of request.plan.lines) {
      await tx.$executeRawUnsafe(
        'UPDATE order_lines SET refunded_cents = refunded_cents + $2, refunded_units = refunded_units + $3 WHERE id = $1::uuid',
        line.lineId,
        line.amountCents,
        line.quantity,
      );
    }
    await tx.$executeRawUnsafe(
      'UPDATE orders SET refunded_cents = refunded_cents + $2, updated_at = now() WHERE id = $1::uuid',
      order.id,
      request.plan.amountCents,
    );
    const updated: OrderRow = { ...order, refunded_cents: order.refunded_cents + request.plan.amountCents };
    const base = await this.store.eventBase(tx, updated, request.actor, new Date());
    await enqueueEvent(tx, contracts.orderRefunded, {
      ...base,
      refundId,
      reason: request.reason,
      amountCents: request.plan.amountCents,
      refundedCents: updated.refunded_cents,
      refundLines: request.plan.lines,
    });
    return { refund: await this.view(tx, refundId), order: updated };
  }

  /** Refunds everything paid and not yet refunded (cancellation, minimum group unmet). */
  async refundAllLocked(tx: Tx, order: OrderRow, reason: contracts.RefundReason, refundKey: string, actor: TransitionActor) {
    if (order.paid_cents - order.refunded_cents <= 0) return null;
    const plan = planFullRefund(await this.refundableLines(tx, order.id));
    // Money beyond the lines (a second payment of the same order) is refunded too.
    const extra = order.paid_cents - order.refunded_cents - plan.amountCents;
    const full: RefundPlan = { lines: plan.lines, amountCents: plan.amountCents + Math.max(0, extra) };
    if (full.amountCents <= 0) return null;
    return this.refundLocked(tx, order, { refundKey, reason, plan: full, requestedBy: actor.userId, actor });
  }

  /** A resident's quality complaint: by line, with photos, within the window after pickup. */
  async request(actor: Actor, input: { orderId: string; refundKey: string; lines: { lineId: string; quantity: number }[]; description: string; photoUrls: string[] }) {
    const refund = await this.store.transaction(async (tx) => {
      const order = await this.store.lockOrThrow(tx, input.orderId);
      if (order.user_id !== actor.userId) throw OrdersErrors.forbidden('this order is not yours');
      const existing = await tx.refund.findUnique({ where: { orderId_refundKey: { orderId: order.id, refundKey: input.refundKey } } });
      if (existing) return this.view(tx, existing.id);
      if (order.status !== 'picked_up' && order.status !== 'completed') {
        throw OrdersErrors.refundNotAllowed('quality complaints are accepted once the order has been picked up');
      }
      const closesAt = new Date((order.picked_up_at ?? new Date(0)).getTime() + this.options.complaintWindowHours * 3600_000);
      if (closesAt.getTime() <= Date.now()) throw OrdersErrors.refundWindowClosed(closesAt);
      const plan = planLineRefund(await this.refundableLines(tx, order.id), input.lines);
      const { refund } = await this.refundLocked(tx, order, {
        refundKey: input.refundKey,
        reason: 'quality',
        plan,
        description: input.description,
        photoUrls: input.photoUrls,
        requestedBy: actor.userId,
        actor: transitionActor(actor, 'resident'),
      });
      return refund;
    });
    return refund;
  }

  /** Ops refund: in full, or by line. */
  async issue(
    actor: Actor,
    input: { orderId: string; refundKey: string; reason: 'shortage' | 'quality' | 'cancellation'; lines?: { lineId: string; quantity: number }[]; description?: string },
  ) {
    assertOps(actor);
    return this.store.transaction(async (tx) => {
      const order = await this.store.lockOrThrow(tx, input.orderId);
      const existing = await tx.refund.findUnique({ where: { orderId_refundKey: { orderId: order.id, refundKey: input.refundKey } } });
      if (existing) return this.view(tx, existing.id);
      const lines = await this.refundableLines(tx, order.id);
      const plan = input.lines ? planLineRefund(lines, input.lines) : planFullRefund(lines);
      const { refund } = await this.refundLocked(tx, order, {
        refundKey: input.refundKey,
        reason: input.reason,
        plan,
        description: input.description ?? null,
        requestedBy: actor.userId,
        actor: transitionActor(actor, 'ops'),
      });
      return refund;
    });
  }

  async list(actor: Actor, orderId: string) {
    const order = await this.store.find(this.store.db, orderId);
    if (!order) throw OrdersErrors.orderNotFound(orderId);
    await this.store.assertCanSee(this.store.db, actor, order);
    const rows = await this.store.db.refund.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' }, select: { id: true } });
    const refunds = [];
    for (const row of rows) refunds.push(await this.view(this.store.db, row.id));
    return { refunds };
  }
}
