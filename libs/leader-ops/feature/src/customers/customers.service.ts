import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Actor, RpcRequest, RpcResponse, leaderCustomers as lc } from '@linli/contracts';
import { CatalogRepository, CustomersRepository, RemindersRepository, type CustomerOrder, type CustomerRow, type OrderCopyLine, type Reminder } from '@linli/leader-ops-data-access';
import { localDate } from './calendar.js';
import { attentionItems, proposedReminders, riskBand, RISK_BANDS, type OrderFact } from './customer-rules.js';
import { assertCustomerOf, assertLeader } from './leader-access.js';
import { LeaderCustomerErrors } from './leader-customers.exception.js';
import { LeaderCustomersService } from './leader-customers.options.js';

type StoredTag = { tag: string; value: boolean | number | string; source: 'declared' | 'inferred'; confidence: number };

export function toSummary(row: CustomerRow): lc.CustomerSummary {
  return {
    userId: row.userId,
    nickname: row.nickname,
    pickupPointId: row.pickupPointId,
    compoundId: row.compoundId,
    boundAt: row.boundAt.toISOString(),
    stage: row.stage as lc.CustomerSummary['stage'],
    churnRisk: row.churnRisk,
    riskBand: riskBand(row.churnRisk),
    clvCents: row.clvCents,
    tier: row.tier,
    journeyStep: row.journeyStep,
    completedOrders: row.completedOrders,
    spentCents: row.spentCents,
    lastOrderAt: row.lastOrderAt?.toISOString() ?? null,
  };
}

export function toOrderFact(o: CustomerOrder): OrderFact {
  return { orderId: o.orderId, userId: o.userId, status: o.status, placedAt: o.placedAt, receivedAt: o.receivedAt, lines: o.lines as unknown as OrderCopyLine[] };
}

function toReminder(r: Reminder): lc.Reminder {
  return {
    reminderId: r.id,
    userId: r.userId,
    kind: r.kind as lc.Reminder['kind'],
    text: r.text,
    dueAt: r.dueAt.toISOString(),
    source: r.source as lc.Reminder['source'],
    status: r.status as lc.Reminder['status'],
    createdAt: r.createdAt.toISOString(),
  };
}

/** The leader's customer console: their customers, one customer in full, notes, the attention list and reminders. */
@Injectable()
export class CustomersService extends LeaderCustomersService {
  private readonly customers = new CustomersRepository();
  private readonly reminders = new RemindersRepository();
  private readonly catalog = new CatalogRepository();

  async list(req: RpcRequest<typeof lc.listCustomers>): Promise<RpcResponse<typeof lc.listCustomers>> {
    assertLeader(req.actor);
    const rows = await this.customers.customersOfLeader(this.db, req.actor.userId, {
      q: req.q,
      stage: req.stage,
      tier: req.tier,
      risk: req.risk ? RISK_BANDS[req.risk] : undefined,
      after: req.after,
      limit: req.limit + 1,
    });
    const page = rows.slice(0, req.limit);
    return { customers: page.map(toSummary), nextAfter: rows.length > req.limit ? page.at(-1)!.userId : null };
  }

  async get(actor: Actor, userId: string): Promise<lc.CustomerDetail> {
    assertLeader(actor);
    await assertCustomerOf(this.db, actor.userId, userId);
    const [row] = await this.customers.customersOfLeader(this.db, actor.userId, { userIds: [userId] });
    if (!row) throw LeaderCustomerErrors.notYourCustomer(userId);
    const copy = await this.customers.getCopy(this.db, userId);
    const orders = await this.customers.ordersOfUsers(this.db, [userId]);
    const completed = orders.filter((o) => o.status === 'completed');
    const categories = new Map<string, { spentCents: number; orders: Set<string> }>();
    for (const o of completed) {
      for (const l of o.lines as unknown as OrderCopyLine[]) {
        const key = l.categoryId ?? 'uncategorised';
        const entry = categories.get(key) ?? { spentCents: 0, orders: new Set<string>() };
        entry.spentCents += Math.max(0, l.amountCents - l.refundedCents);
        entry.orders.add(o.orderId);
        categories.set(key, entry);
      }
    }
    const last = orders.at(-1);
    const profiling = copy?.profilingConsent === true;
    const tags = ((copy?.tags ?? []) as StoredTag[])
      .filter((t) => t.source === 'declared' || profiling)
      .map((t) => ({ tag: t.tag, value: t.value, source: t.source, confidence: t.confidence }));
    const interactions = await this.customers.interactions(this.db, actor.userId, userId);
    return {
      ...toSummary(row),
      birthday: copy?.birthday ?? null,
      building: copy?.building ?? null,
      marketingConsent: copy?.marketingConsent === true,
      profilingConsent: profiling,
      tags,
      tagCompleteness: copy?.completeness ?? null,
      purchases: {
        completedOrders: row.completedOrders,
        spentCents: row.spentCents,
        averageOrderCents: row.completedOrders > 0 ? Math.round(row.spentCents / row.completedOrders) : 0,
        categories: [...categories.entries()].map(([categoryId, c]) => ({ categoryId, spentCents: c.spentCents, orders: c.orders.size })).sort((a, b) => b.spentCents - a.spentCents || a.categoryId.localeCompare(b.categoryId)),
      },
      lastOrder: last ? { orderId: last.orderId, status: last.status, totalCents: last.totalCents, placedAt: last.placedAt.toISOString() } : null,
      notes: await this.customers.notes(this.db, actor.userId, userId),
      interactions: interactions.map((i) => ({ interactionId: i.id, kind: i.kind as lc.CustomerDetail['interactions'][number]['kind'], summary: i.summary, at: i.at.toISOString() })),
    };
  }

  async setNotes(req: RpcRequest<typeof lc.setCustomerNotes>): Promise<RpcResponse<typeof lc.setCustomerNotes>> {
    assertLeader(req.actor);
    return this.db.$transaction(async (tx) => {
      await assertCustomerOf(tx, req.actor.userId, req.userId);
      const updatedAt = await this.customers.setNotes(tx, req.actor.userId, req.userId, req.notes);
      await this.customers.addInteraction(tx, { id: randomUUID(), leaderUserId: req.actor.userId, userId: req.userId, kind: 'note', summary: 'household notes updated' });
      return { userId: req.userId, notes: req.notes, updatedAt: updatedAt.toISOString() };
    });
  }

  /** The attention list of a leader for the next `days` days. */
  async attention(actor: Actor, days: number): Promise<RpcResponse<typeof lc.attentionList>> {
    assertLeader(actor);
    const now = this.options.now();
    const rows = await this.customers.customersOfLeader(this.db, actor.userId);
    const orders = await this.customers.ordersOfUsers(this.db, rows.map((r) => r.userId));
    return { asOf: localDate(now), items: attentionItems(rows, orders.map(toOrderFact), now, days) };
  }

  async createReminder(req: RpcRequest<typeof lc.createReminder>): Promise<lc.Reminder> {
    assertLeader(req.actor);
    return this.db.$transaction(async (tx) => {
      await assertCustomerOf(tx, req.actor.userId, req.userId);
      const row = await this.reminders.create(tx, { id: randomUUID(), leaderUserId: req.actor.userId, userId: req.userId, kind: req.kind, text: req.text, dueAt: new Date(req.dueAt), source: req.source });
      await this.customers.addInteraction(tx, { id: randomUUID(), leaderUserId: req.actor.userId, userId: req.userId, kind: 'reminder', summary: `reminder set: ${req.text}` });
      return toReminder(row);
    });
  }

  /** The leader's reminders and the system's proposals (pickups waiting, replenishment due, birthdays, campaigns for what they buy). */
  async listReminders(req: RpcRequest<typeof lc.listReminders>): Promise<RpcResponse<typeof lc.listReminders>> {
    assertLeader(req.actor);
    const now = this.options.now();
    const reminders = await this.reminders.list(this.db, req.actor.userId, req.status);
    const rows = await this.customers.customersOfLeader(this.db, req.actor.userId);
    const orders = (await this.customers.ordersOfUsers(this.db, rows.map((r) => r.userId))).map(toOrderFact);
    const proposed: RpcResponse<typeof lc.listReminders>['proposed'] = proposedReminders(attentionItems(rows, orders, now, 7), now);
    // A campaign open now (or within the next 3 days) at the leader's points, for a category a customer buys.
    const campaigns = await this.catalog.campaignsAround(this.db, await this.customers.pointsOf(this.db, req.actor.userId), now, new Date(now.getTime() + 3 * 86_400_000));
    const nick = new Map(rows.map((r) => [r.userId, r.nickname]));
    for (const campaign of campaigns) {
      const buyers = new Set(orders.filter((o) => o.lines.some((l) => l.categoryId && campaign.categoryIds.includes(l.categoryId))).map((o) => o.userId));
      for (const userId of buyers) {
        proposed.push({ userId, kind: 'campaign-opening', text: `${nick.get(userId) ?? 'customer'} buys from "${campaign.title}" (cut-off ${campaign.cutoffAt.toISOString()})`, dueAt: (campaign.startsAt > now ? campaign.startsAt : now).toISOString() });
      }
    }
    const taken = new Set(reminders.filter((r) => r.status === 'open').map((r) => `${r.userId}:${r.kind}`));
    return { reminders: reminders.map(toReminder), proposed: proposed.filter((p) => !taken.has(`${p.userId}:${p.kind}`)) };
  }

  async closeReminder(req: RpcRequest<typeof lc.closeReminder>): Promise<lc.Reminder> {
    assertLeader(req.actor);
    const existing = await this.reminders.get(this.db, req.reminderId);
    if (!existing || existing.leaderUserId !== req.actor.userId) throw LeaderCustomerErrors.reminderNotFound(req.reminderId);
    const closed = await this.reminders.close(this.db, req.reminderId, req.status, this.options.now());
    return toReminder(closed ?? existing);
  }
}
