import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { orders as contracts, type Actor } from '@linli/contracts';
import { RefundPolicyRepository, RefundRepository } from '@linli/orders-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { assertOps } from './catalog.service.js';
import { OrdersErrors } from './orders.exception.js';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';
import { OrderStore, transitionActor, type Client, type OrderRow, type TransitionActor, type Tx } from './order-store.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { moneyShare, planLineRefund, planRefundOfPaid, type RefundPlan, type RefundableLine } from './pricing.js';

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
  /** Paid at once under the instant-refund policy. */
  autoApproved?: boolean;
}

/** The first instant of the calendar month (China time, UTC+8 all year) that `now` falls in. */
export function chinaMonthStart(now: Date): Date {
  const shifted = new Date(now.getTime() + 8 * 3_600_000);
  return new Date(Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), 1) - 8 * 3_600_000);
}

/**
 * The instant-refund policy for quality complaints: paid at once while the order's and the
 * resident's instant refunds this month stay within the limits; otherwise why it goes to review.
 */
export function instantRefundVerdict(
  amountCents: number,
  spent: { orderCents: number; monthCents: number },
  limits: { perOrderCents: number; perResidentPerMonthCents: number },
): { instant: true } | { instant: false; reason: string } {
  const reasons: string[] = [];
  if (spent.orderCents + amountCents > limits.perOrderCents) reasons.push(`over the instant-refund limit of ${limits.perOrderCents} cents per order`);
  if (spent.monthCents + amountCents > limits.perResidentPerMonthCents) reasons.push(`past the instant-refund limit of ${limits.perResidentPerMonthCents} cents per resident this month`);
  return reasons.length ? { instant: false, reason: reasons.join('; ') } : { instant: true };
}

/**
 * Refunds: idempotent per (order, refund key), never more than what was paid — checked here under
 * the order's row lock and again by the database (`orders.refunded_cents <= paid_cents`,
 * `order_lines.refunded_cents <= amount_cents`).
 */
@Injectable()
export class RefundService {
  private readonly refunds = new RefundRepository();

  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersOptions,
  ) {}

  private readonly policy = new RefundPolicyRepository();

  async refundableLines(client: Client, orderId: string): Promise<RefundableLine[]> {
    const lines = await this.refunds.orderLines(client, orderId);
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
    const refund = await this.refunds.get(client, refundId);
    return {
      refundId: refund.id,
      orderId: refund.orderId,
      refundKey: refund.refundKey,
      reason: refund.reason as contracts.RefundReason,
      amountCents: refund.amountCents,
      status: refund.status as contracts.Refund['status'],
      description: refund.description,
      photoUrls: refund.photoUrls,
      lines: refund.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity, amountCents: line.amountCents })),
      createdAt: refund.createdAt.toISOString(),
      autoApproved: refund.autoApproved,
      review: refund.reviewReason
        ? { reason: refund.reviewReason, decidedBy: refund.decidedBy, decidedAt: refund.decidedAt?.toISOString() ?? null, decisionReason: refund.decisionReason }
        : null,
    };
  }

  /** Refunds within the caller's transaction; `order` must be locked by it. Returns the refund and the order's new totals. */
  async refundLocked(tx: Tx, order: OrderRow, request: RefundRequest): Promise<{ refund: contracts.Refund; order: OrderRow }> {
    const existing = await this.refunds.byKey(tx, order.id, request.refundKey);
    if (existing) return { refund: await this.view(tx, existing.id), order };
    return this.payRefundLocked(tx, order, request, null);
  }

  /** Pays a refund through the provider and books it; `reviewedId` is the complaint under review it settles. */
  private async payRefundLocked(
    tx: Tx,
    order: OrderRow,
    request: RefundRequest,
    reviewed: { id: string; decisionReason: string } | null,
  ): Promise<{ refund: contracts.Refund; order: OrderRow }> {
    const reviewedId = reviewed?.id ?? null;
    const refundable = order.paid_cents - order.refunded_cents;
    if (request.plan.amountCents <= 0) throw OrdersErrors.refundNotAllowed('there is nothing left to refund');
    if (request.plan.amountCents > refundable) throw OrdersErrors.refundExceedsPaid(request.plan.amountCents, refundable);
    const payment = await this.refunds.paymentToRefund(tx, order.id, request.paymentId);
    if (!payment || payment.status !== 'succeeded') throw OrdersErrors.refundNotAllowed('the order has no settled payment');
    const refundId = reviewedId ?? randomUUID();
    const result = await this.provider.refund({
      refundId,
      providerPaymentId: payment.providerPaymentId,
      amountCents: request.plan.amountCents,
      reason: request.reason,
    });
    if (reviewedId) {
      await this.refunds.settleReviewed(tx, reviewedId, { status: result.status, paymentId: payment.id, providerRefundId: result.providerRefundId, decisionReason: reviewed!.decisionReason });
    } else {
      await this.refunds.create(
        tx,
        {
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
          autoApproved: request.autoApproved ?? false,
        },
        request.plan.lines,
      );
    }
    if (result.status !== 'succeeded') return { refund: await this.view(tx, refundId), order };
    await this.store.orders.addRefunded(tx, order.id, request.plan.lines, request.plan.amountCents);
    const updated: OrderRow = { ...order, refunded_cents: order.refunded_cents + request.plan.amountCents };
    const base = await this.store.eventBase(tx, updated, request.actor, new Date());
    await enqueueEvent(tx, contracts.orderRefunded, {
      ...base,
      refundId,
      reason: request.reason,
      amountCents: request.plan.amountCents,
      refundedCents: updated.refunded_cents,
      refundLines: request.plan.lines,
      ...(order.points_discount_cents > 0 ? { pointsDiscountCents: order.points_discount_cents } : {}),
    });
    return { refund: await this.view(tx, refundId), order: updated };
  }

  /** Refunds everything paid and not yet refunded (cancellation, minimum group unmet). */
  async refundAllLocked(tx: Tx, order: OrderRow, reason: contracts.RefundReason, refundKey: string, actor: TransitionActor) {
    if (order.paid_cents - order.refunded_cents <= 0) return null;
    const full = planRefundOfPaid(await this.refundableLines(tx, order.id), order.paid_cents - order.refunded_cents);
    if (full.amountCents <= 0) return null;
    return this.refundLocked(tx, order, { refundKey, reason, plan: full, requestedBy: actor.userId, actor });
  }

  /**
   * A resident's quality complaint: by line, with photos, within the window after pickup. Paid at once
   * up to the instant-refund limits (per order, per resident per calendar month in China time); above
   * them it waits for the order's leader or ops (`pending_review`), who decide with a reason.
   */
  async request(actor: Actor, input: { orderId: string; refundKey: string; lines: { lineId: string; quantity: number }[]; description: string; photoUrls: string[] }) {
    return this.store.transaction(async (tx) => {
      await this.policy.lockResident(tx, actor.userId);
      const order = await this.store.lockOrThrow(tx, input.orderId);
      if (order.user_id !== actor.userId) throw OrdersErrors.forbidden('this order is not yours');
      const existing = await this.refunds.byKey(tx, order.id, input.refundKey);
      if (existing) return this.view(tx, existing.id);
      if (order.status !== 'picked_up' && order.status !== 'completed') {
        throw OrdersErrors.refundNotAllowed('quality complaints are accepted once the order has been picked up');
      }
      const closesAt = new Date((order.picked_up_at ?? new Date(0)).getTime() + this.options.complaintWindowHours * 3600_000);
      if (closesAt.getTime() <= Date.now()) throw OrdersErrors.refundWindowClosed(closesAt);
      const underReview = await this.policy.underReview(tx, order.id);
      if (underReview) throw OrdersErrors.refundUnderReview(underReview.id);
      const plan = moneyShare(planLineRefund(await this.refundableLines(tx, order.id), input.lines), order);
      const refundable = order.paid_cents - order.refunded_cents;
      if (plan.amountCents <= 0) throw OrdersErrors.refundNotAllowed('there is nothing left to refund');
      if (plan.amountCents > refundable) throw OrdersErrors.refundExceedsPaid(plan.amountCents, refundable);
      const verdict = instantRefundVerdict(
        plan.amountCents,
        {
          orderCents: await this.policy.instantCentsOfOrder(tx, order.id),
          monthCents: await this.policy.instantCentsOfResidentSince(tx, actor.userId, chinaMonthStart(new Date())),
        },
        { perOrderCents: this.options.refundPolicy.instantMaxCentsPerOrder, perResidentPerMonthCents: this.options.refundPolicy.instantMaxCentsPerResidentPerMonth },
      );
      const request: RefundRequest = {
        refundKey: input.refundKey,
        reason: 'quality',
        plan,
        description: input.description,
        photoUrls: input.photoUrls,
        requestedBy: actor.userId,
        actor: transitionActor(actor, 'resident'),
        autoApproved: verdict.instant,
      };
      if (verdict.instant) return (await this.refundLocked(tx, order, request)).refund;
      const refundId = randomUUID();
      await this.refunds.create(
        tx,
        {
          id: refundId,
          orderId: order.id,
          refundKey: input.refundKey,
          reason: 'quality',
          amountCents: plan.amountCents,
          status: 'pending_review',
          description: input.description,
          photoUrls: input.photoUrls,
          requestedBy: actor.userId,
          reviewReason: verdict.reason,
        },
        plan.lines,
      );
      return this.view(tx, refundId);
    });
  }

  /** Complaints by review status: a leader sees those of their own pickup points, ops every one. */
  async listReviews(actor: Actor, input: { status: contracts.Refund['status']; limit: number; offset: number }) {
    const ops = actor.roles.includes('ops');
    if (!ops && !actor.roles.includes('leader')) throw OrdersErrors.forbidden('only leaders and ops review complaints');
    const pickupPointIds = ops ? null : await this.store.leaderPointIds(this.store.db, actor);
    const rows = await this.policy.listByStatus(this.store.db, { status: input.status, pickupPointIds, limit: input.limit, offset: input.offset });
    const refunds = [];
    for (const row of rows) refunds.push({ ...(await this.view(this.store.db, row.id)), pickupPointId: row.pickupPointId, userId: row.userId });
    return { refunds };
  }

  /**
   * The order's leader or ops decides a complaint under review, with a reason (kept on the refund):
   * approval pays it through the provider like an instant refund, rejection closes it.
   */
  async decideReview(actor: Actor, input: { refundId: string; decision: 'approve' | 'reject'; reason: string }) {
    return this.store.transaction(async (tx) => {
      const pending = await this.refunds.find(tx, input.refundId);
      if (!pending) throw OrdersErrors.refundNotFound(input.refundId);
      const order = await this.store.lockOrThrow(tx, pending.orderId);
      const ops = actor.roles.includes('ops');
      if (!ops && !(await this.store.leaderPointIds(tx, actor)).includes(order.pickup_point_id)) throw OrdersErrors.forbidden("this complaint is not about your pickup point's order");
      // Claimed once; a rejection closes it here, an approval when the payment is booked below.
      const claimed = await this.refunds.claimReview(tx, pending.id, { decidedBy: actor.userId, rejectReason: input.decision === 'reject' ? input.reason : null });
      if (!claimed) throw OrdersErrors.refundAlreadyDecided(pending.id, pending.status);
      if (input.decision === 'reject') return this.view(tx, pending.id);
      const plan: RefundPlan = { amountCents: pending.amountCents, lines: pending.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity, amountCents: line.amountCents })) };
      const { refund } = await this.payRefundLocked(
        tx,
        order,
        { refundKey: pending.refundKey, reason: 'quality', plan, requestedBy: pending.requestedBy, actor: transitionActor(actor, ops ? 'ops' : 'leader') },
        { id: pending.id, decisionReason: input.reason },
      );
      return refund;
    });
  }

  /** Ops refund: in full, or by line. */
  async issue(
    actor: Actor,
    input: { orderId: string; refundKey: string; reason: 'shortage' | 'quality' | 'cancellation'; lines?: { lineId: string; quantity: number }[]; description?: string },
  ) {
    assertOps(actor);
    return this.store.transaction(async (tx) => {
      const order = await this.store.lockOrThrow(tx, input.orderId);
      const existing = await this.refunds.byKey(tx, order.id, input.refundKey);
      if (existing) return this.view(tx, existing.id);
      const lines = await this.refundableLines(tx, order.id);
      const plan = input.lines ? moneyShare(planLineRefund(lines, input.lines), order) : planRefundOfPaid(lines, order.paid_cents - order.refunded_cents);
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
    const refunds = [];
    for (const id of await this.refunds.idsOfOrder(this.store.db, orderId)) refunds.push(await this.view(this.store.db, id));
    return { refunds };
  }
}
