import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Actor, RpcRequest, RpcResponse, leaderCustomers as lc } from '@linli/contracts';
import { CustomersRepository, SettlementsRepository, type CustomerOrder, type OrderCopyLine, type Prisma, type SettlementWithLines } from '@linli/leader-ops-data-access';
import { localDate } from './calendar.js';
import { assertLeader, assertOps } from './leader-access.js';
import { LeaderCustomerErrors } from './leader-customers.exception.js';
import { LeaderCustomersService } from './leader-customers.options.js';
import { computePay, monthBounds, previousMonth, repurchaseRate, rulesFor, type LeaderMonth, type LeaderPay, type PayOrder, type PayRules } from './pay-rules.js';

type Tx = Prisma.TransactionClient;

export function toSettlement(s: SettlementWithLines): lc.Settlement {
  return {
    settlementId: s.id,
    leaderUserId: s.leaderUserId,
    month: s.month,
    status: s.status as lc.Settlement['status'],
    rulesVersion: s.rulesVersion,
    score: s.score,
    level: s.level as lc.Settlement['level'],
    totalCents: s.lines.reduce((n, l) => n + l.amountCents, 0),
    lines: s.lines.map((l) => ({
      lineId: l.id,
      kind: l.kind as lc.Settlement['lines'][number]['kind'],
      amountCents: l.amountCents,
      explanation: l.explanation,
      basis: l.basis as Record<string, unknown>,
      createdAt: l.createdAt.toISOString(),
    })),
    issuedAt: s.issuedAt.toISOString(),
    approvedAt: s.approvedAt?.toISOString() ?? null,
    paidAt: s.paidAt?.toISOString() ?? null,
  };
}

const toPayOrder = (o: CustomerOrder): PayOrder => ({
  orderId: o.orderId,
  userId: o.userId,
  complaints: o.complaints,
  lines: (o.lines as unknown as OrderCopyLine[]).map((l) => ({ categoryId: l.categoryId, amountCents: l.amountCents, refundedCents: l.refundedCents })),
});

/** China-time month `YYYY-MM` of an instant. */
export const monthOf = (at: Date) => localDate(at).slice(0, 7);

/**
 * Leader pay and monthly settlement: computed from leader-ops' own copies (completed orders at the
 * leader's points, bindings, NPS answers, service fees) with the rules in force for the month.
 */
@Injectable()
export class SettlementsService extends LeaderCustomersService {
  private readonly customers = new CustomersRepository();
  private readonly settlements = new SettlementsRepository();

  /** Every leader's pay for [from, to) (the dividend splits across all leaders). */
  private async payFor(tx: Tx, rules: PayRules, month: string, from: Date, to: Date): Promise<LeaderPay[]> {
    const leaders = await this.customers.leaders(tx);
    const orders = await this.customers.completedOrdersBetween(tx, from, to);
    const previous = monthBounds(previousMonth(month));
    const previousOrders = await this.customers.completedOrdersBetween(tx, previous.from, previous.to);
    const months: LeaderMonth[] = [];
    for (const leaderUserId of leaders) {
      const own = orders.filter((o) => o.leaderUserId === leaderUserId).map(toPayOrder);
      // Customers: residents bound to the leader's points at the end of the period, and anyone who bought there in it.
      const customers = new Set([...(await this.customers.customersAt(tx, leaderUserId, to)), ...own.map((o) => o.userId)]);
      months.push({
        leaderUserId,
        customers: customers.size,
        orders: own,
        previousRepurchaseRate: repurchaseRate(previousOrders.filter((o) => o.leaderUserId === leaderUserId).map(toPayOrder)),
        npsScores: await this.customers.npsScores(tx, leaderUserId, from, to),
        serviceFees: (await this.customers.serviceFees(tx, leaderUserId, from, to)).map((f) => ({ bookingId: f.bookingId, feeCents: f.feeCents })),
      });
    }
    return computePay(rules, months);
  }

  async get(req: RpcRequest<typeof lc.getSettlement>): Promise<lc.Settlement> {
    const leaderUserId = this.subject(req.actor, req.leaderUserId);
    const found = await this.settlements.get(this.db, leaderUserId, req.month);
    if (!found) throw LeaderCustomerErrors.settlementNotFound(leaderUserId, req.month);
    return toSettlement(found);
  }

  /** Leaders see their own statements; ops anyone's (naming the leader). */
  private subject(actor: Actor, leaderUserId: string | undefined): string {
    if (actor.roles.includes('ops') && leaderUserId) return leaderUserId;
    assertLeader(actor);
    if (leaderUserId && leaderUserId !== actor.userId) throw LeaderCustomerErrors.leaderOnly();
    return actor.userId;
  }

  async issue(req: RpcRequest<typeof lc.issueSettlements>): Promise<RpcResponse<typeof lc.issueSettlements>> {
    assertOps(req.actor);
    const { from, to } = monthBounds(req.month);
    if (to.getTime() > this.options.now().getTime()) throw LeaderCustomerErrors.settlementMonthOpen(req.month);
    const rules = rulesFor(this.options.payRules, req.month);
    return this.db.$transaction(
      async (tx) => {
        const pay = await this.payFor(tx, rules, req.month, from, to);
        const targets = req.leaderUserId ? pay.filter((p) => p.leaderUserId === req.leaderUserId) : pay;
        if (req.leaderUserId && targets.length === 0) throw LeaderCustomerErrors.settlementNotFound(req.leaderUserId, req.month);
        const statements: lc.Settlement[] = [];
        const already: string[] = [];
        for (const p of targets) {
          const issued = await this.settlements.issue(
            tx,
            { id: randomUUID(), leaderUserId: p.leaderUserId, month: req.month, rulesVersion: rules.version, score: p.score, level: p.level },
            p.lines.map((l) => ({ id: randomUUID(), kind: l.kind, amountCents: l.amountCents, explanation: l.explanation, basis: l.basis as Prisma.InputJsonValue })),
          );
          if (issued) statements.push(toSettlement(issued));
          else already.push(p.leaderUserId);
        }
        if (statements.length === 0) throw LeaderCustomerErrors.settlementAlreadyIssued(req.month, already);
        return { statements };
      },
      { timeout: 30_000 },
    );
  }

  async adjust(req: RpcRequest<typeof lc.adjustSettlement>): Promise<lc.Settlement> {
    assertOps(req.actor);
    return this.db.$transaction(async (tx) => {
      const current = await this.locked(tx, req.leaderUserId, req.month);
      if (current.status !== 'issued') throw LeaderCustomerErrors.settlementTransition(current.status, 'adjusted');
      const total = current.lines.reduce((n, l) => n + l.amountCents, 0);
      if (total + req.amountCents < 0) throw LeaderCustomerErrors.negativePayout(total, req.amountCents);
      await this.settlements.addLine(tx, current.id, {
        id: randomUUID(),
        kind: 'adjustment',
        amountCents: req.amountCents,
        explanation: req.reason,
        basis: { previousTotalCents: total, adjustedBy: req.actor.userId },
        createdBy: req.actor.userId,
      });
      return toSettlement((await this.settlements.get(tx, req.leaderUserId, req.month))!);
    });
  }

  async approve(req: RpcRequest<typeof lc.approveSettlement>): Promise<lc.Settlement> {
    assertOps(req.actor);
    return this.db.$transaction(async (tx) => {
      const current = await this.locked(tx, req.leaderUserId, req.month);
      if (current.status !== 'issued') throw LeaderCustomerErrors.settlementTransition(current.status, 'approved');
      await this.settlements.transition(tx, current.id, 'issued', { status: 'approved', approvedAt: this.options.now(), approvedBy: req.actor.userId });
      return toSettlement((await this.settlements.get(tx, req.leaderUserId, req.month))!);
    });
  }

  async markPaid(req: RpcRequest<typeof lc.markSettlementPaid>): Promise<lc.Settlement> {
    assertOps(req.actor);
    return this.db.$transaction(async (tx) => {
      const current = await this.locked(tx, req.leaderUserId, req.month);
      if (current.status !== 'approved') throw LeaderCustomerErrors.settlementTransition(current.status, 'marked paid');
      await this.settlements.transition(tx, current.id, 'approved', { status: 'paid', paidAt: this.options.now() });
      return toSettlement((await this.settlements.get(tx, req.leaderUserId, req.month))!);
    });
  }

  private async locked(tx: Tx, leaderUserId: string, month: string): Promise<SettlementWithLines> {
    const found = await this.settlements.get(tx, leaderUserId, month);
    if (!found) throw LeaderCustomerErrors.settlementNotFound(leaderUserId, month);
    await this.settlements.lock(tx, found.id);
    return (await this.settlements.get(tx, leaderUserId, month))!;
  }

  /** The leader dashboard: this month so far, with the statement it would give and a forecast. */
  async dashboard(actor: Actor): Promise<lc.Dashboard> {
    assertLeader(actor);
    const now = this.options.now();
    const month = monthOf(now);
    const { from, to } = monthBounds(month);
    const rules = rulesFor(this.options.payRules, month);
    const pay = (await this.payFor(this.db, rules, month, from, now)).find((p) => p.leaderUserId === actor.userId);
    const rows = await this.customers.customersOfLeader(this.db, actor.userId);
    const scored = rows.filter((r) => r.clvCents !== null);
    const withTags = rows.filter((r) => r.completeness !== null);
    const soFar = pay?.totalCents ?? 0;
    const elapsed = Math.max(1, now.getTime() - from.getTime());
    const forecast = Math.round((soFar * (to.getTime() - from.getTime())) / elapsed);
    return {
      month,
      customers: rows.length,
      activeRate: pay?.metrics.activeShare ?? 0,
      repurchaseRate: pay?.metrics.repurchaseRate ?? 0,
      nps: pay?.metrics.nps ?? null,
      averageClvCents: scored.length > 0 ? Math.round(scored.reduce((n, r) => n + r.clvCents!, 0) / scored.length) : null,
      tagCompleteness: withTags.length > 0 ? Math.round((withTags.reduce((n, r) => n + r.completeness!, 0) / withTags.length) * 1000) / 1000 : null,
      score: pay?.score ?? 0,
      level: pay?.level ?? { key: rules.levels[0]!.key, name: rules.levels[0]!.name, perks: rules.levels[0]!.perks },
      income: { soFarCents: soFar, forecastCents: forecast, lines: pay?.lines ?? [] },
    };
  }
}
