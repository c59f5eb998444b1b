import { randomUUID } from 'node:crypto';
import { communities, identity, leaderCustomers as lc, leaderOps, orders, personalDataExport, recommendations, type Actor } from '@linli/contracts';
import { CustomersRepository } from '@linli/leader-ops-data-access';
import { anActor, waitUntil, codeOf } from '@linli/testing';
import { aCompound, aPickupPoint, anApprovedLeader, ops, publishEvent, startLeaderOps, type Harness } from '../leader-ops.test-harness.js';
import { CUSTOMER_COPY_CONSUMERS } from './customer-copies.consumer.js';

// The service's clock: 2026-12-03 10:00 China time (quiet hours are 21:00–08:00).
let now = new Date('2026-12-03T02:00:00Z');
let h: Harness;

beforeAll(async () => {
  h = await startLeaderOps({ customers: { now: () => now } });
});

afterAll(async () => {
  await h?.close();
});

async function processed(consumer: string, eventId: string): Promise<void> {
  await waitUntil(async () => (await h.db.processedEvent.count({ where: { consumer, eventId } })) === 1, 10_000, `${eventId} processed by ${consumer}`);
}

const line = (categoryId: string, amountCents: number) => ({
  lineId: randomUUID(),
  kind: 'sku' as const,
  skuId: randomUUID(),
  bundleId: null,
  productId: randomUUID(),
  categoryId,
  quantity: 1,
  unitPriceCents: amountCents,
  amountCents,
  items: [],
});

/** Publishes the order events of one order up to `status`, as the orders service does. */
async function anOrder(userId: string, pickupPointId: string, compoundId: string, lines: ReturnType<typeof line>[], placedAt: string, finalStatus: 'received' | 'completed', completedAt = placedAt): Promise<string> {
  const orderId = randomUUID();
  const base = { orderId, userId, campaignId: randomUUID(), pickupPointId, compoundId, totalCents: lines.reduce((n, l) => n + l.amountCents, 0), lines, placedAt, actor: { kind: 'system' as const, userId: null } };
  let last = '';
  last = await publishEvent(h, orders.orderPaid, { ...base, status: 'paid', at: placedAt, paymentId: randomUUID(), paidCents: base.totalCents });
  if (finalStatus === 'received') {
    last = await publishEvent(h, orders.orderReceived, { ...base, status: 'received', at: placedAt, shortages: [] });
  } else {
    last = await publishEvent(h, orders.orderCompleted, { ...base, status: 'completed', at: completedAt });
  }
  await processed(CUSTOMER_COPY_CONSUMERS.orders, last);
  return orderId;
}

let compoundId: string;
let leaderA: Actor;
let leaderB: Actor;
let pointA: string;
let pointB: string;
const r1 = anActor(['resident']);
const r2 = anActor(['resident']);
const r3 = anActor(['resident']);

describe('the leader as customer operator', () => {
  beforeAll(async () => {
    compoundId = await aCompound(h);
    leaderA = await anApprovedLeader(h, [compoundId]);
    leaderB = await anApprovedLeader(h, [compoundId]);
    pointA = (await aPickupPoint(h, leaderA, [compoundId], { name: 'A' })).pickupPointId;
    pointB = (await aPickupPoint(h, leaderB, [compoundId], { name: 'B' })).pickupPointId;
    await h.rpc.request(leaderOps.bindResident, { actor: r1, pickupPointId: pointA, compoundId });
    await h.rpc.request(leaderOps.bindResident, { actor: r2, pickupPointId: pointA, compoundId });
    await h.rpc.request(leaderOps.bindResident, { actor: r3, pickupPointId: pointB, compoundId });

    await publishEvent(h, identity.profileUpdated, { userId: r1.userId, profile: { nickname: '王阿姨', birthday: '1960-12-05' }, declared: {} });
    const consent = await publishEvent(h, identity.consentChanged, { userId: r1.userId, purpose: 'marketing', granted: true, changedAt: now.toISOString() });
    await processed(CUSTOMER_COPY_CONSUMERS.identity, consent);
    const assets = await publishEvent(h, recommendations.customerAssetsChanged, {
      userId: r2.userId,
      stage: 'at_risk',
      churnRisk: 0.72,
      clvCents: 30_000,
      completeness: 0.5,
      tags: [
        { tag: 'has_children', value: true, source: 'inferred', confidence: 0.8 },
        { tag: 'elderly', value: true, source: 'declared', confidence: 1 },
      ],
      asOf: '2026-12-01',
    });
    await processed(CUSTOMER_COPY_CONSUMERS.recommendations, assets);

    // r1 buys rice about every 30 days (last on 11-02, so due on 12-02) and has an order waiting at the point.
    await anOrder(r1.userId, pointA, compoundId, [line('rice', 6_000)], '2026-09-03T02:00:00Z', 'completed');
    await anOrder(r1.userId, pointA, compoundId, [line('rice', 6_000)], '2026-10-03T02:00:00Z', 'completed');
    await anOrder(r1.userId, pointA, compoundId, [line('rice', 10_000)], '2026-11-02T02:00:00Z', 'completed');
    await anOrder(r1.userId, pointA, compoundId, [line('fresh-vegetables', 2_500)], '2026-12-02T02:00:00Z', 'received');
    // r2 bought fruit in November and complained about its quality (partial refund)
    const fruit = line('fruit', 5_000);
    const r2Order = await anOrder(r2.userId, pointA, compoundId, [fruit], '2026-11-15T02:00:00Z', 'completed');
    const refund = await publishEvent(h, orders.orderRefunded, {
      orderId: r2Order,
      userId: r2.userId,
      campaignId: randomUUID(),
      pickupPointId: pointA,
      compoundId,
      status: 'completed',
      totalCents: 5_000,
      lines: [fruit],
      placedAt: '2026-11-15T02:00:00Z',
      at: '2026-11-16T02:00:00Z',
      actor: { kind: 'system', userId: null },
      refundId: randomUUID(),
      reason: 'quality',
      amountCents: 1_000,
      refundedCents: 1_000,
      refundLines: [{ lineId: fruit.lineId, quantity: 1, amountCents: 1_000 }],
    });
    await processed(CUSTOMER_COPY_CONSUMERS.orders, refund);
    // leader B's customer
    await anOrder(r3.userId, pointB, compoundId, [line('rice', 8_000)], '2026-11-20T02:00:00Z', 'completed');
    // NPS about leader A in November: 10, 9, 5 → (2 − 1) / 3 → 33
    let lastNps = '';
    for (const score of [10, 9, 5]) {
      lastNps = await publishEvent(h, communities.surveyAnswered, {
        surveyId: randomUUID(),
        responseId: randomUUID(),
        userId: r1.userId,
        kind: 'nps',
        score,
        trigger: 'pickup',
        compoundId,
        pickupPointId: pointA,
        leaderUserId: leaderA.userId,
        answeredAt: '2026-11-20T02:00:00Z',
      });
    }
    await processed(CUSTOMER_COPY_CONSUMERS.communities, lastNps);
  });

  it('serves the festival calendar and refuses years outside 1901–2099', async () => {
    const calendar = await h.rpc.request(lc.festivals, { year: 2026 });
    expect(calendar.festivals.find((f) => f.key === 'mid-autumn')?.date).toBe('2026-09-25');
    expect(calendar.solarTerms).toHaveLength(24);
    expect(await codeOf(h.rpc.request(lc.festivals, { year: 1900 }))).toBe('LEADER_OPS.YEAR_OUT_OF_RANGE');
  });

  it('lists only the leader’s own customers, with filters, and refuses another leader’s resident', async () => {
    const list = await h.rpc.request(lc.listCustomers, { actor: leaderA });
    expect(list.customers.map((c) => c.userId).sort()).toEqual([r1.userId, r2.userId].sort());
    expect((await h.rpc.request(lc.listCustomers, { actor: leaderA, risk: 'high' })).customers.map((c) => c.userId)).toEqual([r2.userId]);
    expect((await h.rpc.request(lc.listCustomers, { actor: leaderA, q: '王' })).customers.map((c) => c.userId)).toEqual([r1.userId]);
    expect(await codeOf(h.rpc.request(lc.getCustomer, { actor: leaderA, userId: r3.userId }))).toBe('LEADER_OPS.NOT_YOUR_CUSTOMER');
    expect(await codeOf(h.rpc.request(lc.listCustomers, { actor: r1 }))).toBe('AUTH.FORBIDDEN');
  });

  it('shows one customer in full; inferred tags only with profiling consent', async () => {
    const one = await h.rpc.request(lc.getCustomer, { actor: leaderA, userId: r1.userId });
    expect(one).toMatchObject({ nickname: '王阿姨', birthday: '1960-12-05', marketingConsent: true, completedOrders: 3, spentCents: 22_000 });
    expect(one.purchases.categories).toEqual([{ categoryId: 'rice', spentCents: 22_000, orders: 3 }]);
    expect(one.lastOrder).toMatchObject({ status: 'received', totalCents: 2_500 });
    const two = await h.rpc.request(lc.getCustomer, { actor: leaderA, userId: r2.userId });
    expect(two).toMatchObject({ stage: 'at_risk', riskBand: 'high', clvCents: 30_000, spentCents: 4_000 });
    expect(two.tags.map((t) => t.tag)).toEqual(['elderly']);
    await h.rpc.request(lc.setCustomerNotes, { actor: leaderA, userId: r2.userId, notes: 'Grandson visits on weekends' });
    expect((await h.rpc.request(lc.getCustomer, { actor: leaderA, userId: r2.userId })).notes).toBe('Grandson visits on weekends');
    expect(await codeOf(h.rpc.request(lc.setCustomerNotes, { actor: leaderB, userId: r2.userId, notes: 'x' }))).toBe('LEADER_OPS.NOT_YOUR_CUSTOMER');
  });

  it('builds the attention list: pickup waiting, birthday, replenishment due, at risk', async () => {
    const { asOf, items } = await h.rpc.request(lc.attentionList, { actor: leaderA, days: 7 });
    expect(asOf).toBe('2026-12-03');
    const of = (kind: string) => items.filter((i) => i.kind === kind);
    expect(of('pickup-waiting').map((i) => i.userId)).toEqual([r1.userId]);
    expect(of('birthday')).toEqual([expect.objectContaining({ userId: r1.userId, date: '2026-12-05' })]);
    expect(of('replenishment-due')).toEqual([expect.objectContaining({ userId: r1.userId, date: '2026-12-02', details: expect.objectContaining({ categoryId: 'rice', intervalDays: 30 }) })]);
    expect(of('at-risk').map((i) => i.userId)).toEqual([r2.userId]);
    const reminders = await h.rpc.request(lc.listReminders, { actor: leaderA });
    expect(reminders.proposed.map((p) => p.kind).sort()).toEqual(['birthday', 'pickup-waiting', 'replenishment-due']);
    const accepted = await h.rpc.request(lc.createReminder, { actor: leaderA, ...reminders.proposed.find((p) => p.kind === 'birthday')!, source: 'system' });
    expect((await h.rpc.request(lc.listReminders, { actor: leaderA })).proposed.map((p) => p.kind)).not.toContain('birthday');
    expect((await h.rpc.request(lc.closeReminder, { actor: leaderA, reminderId: accepted.reminderId, status: 'done' })).status).toBe('done');
    expect(await codeOf(h.rpc.request(lc.closeReminder, { actor: leaderB, reminderId: accepted.reminderId, status: 'done' }))).toBe('LEADER_OPS.REMINDER_NOT_FOUND');
  });

  it('drafts, approves and sends a birthday greeting into the inbox, respecting consent and quiet hours', async () => {
    const { drafts } = await h.rpc.request(lc.createDrafts, { actor: leaderA, kind: 'birthday', userId: r1.userId });
    const draft = drafts[0]!;
    expect(draft).toMatchObject({ status: 'draft', generator: 'template', inputs: expect.objectContaining({ nickname: '王阿姨', birthday: '12-05' }) });
    expect(draft.text).toContain('王阿姨');
    expect(await codeOf(h.rpc.request(lc.sendDraft, { actor: leaderA, draftId: draft.draftId }))).toBe('LEADER_OPS.DRAFT_NOT_APPROVED');
    await h.rpc.request(lc.editDraft, { actor: leaderA, draftId: draft.draftId, text: '王阿姨，生日快乐！' });
    await h.rpc.request(lc.approveDraft, { actor: leaderA, draftId: draft.draftId });
    expect(await codeOf(h.rpc.request(lc.editDraft, { actor: leaderA, draftId: draft.draftId, text: 'late' }))).toBe('LEADER_OPS.DRAFT_NOT_EDITABLE');

    now = new Date('2026-12-03T14:30:00Z'); // 22:30 China time
    expect(await codeOf(h.rpc.request(lc.sendDraft, { actor: leaderA, draftId: draft.draftId }))).toBe('LEADER_OPS.QUIET_HOURS');
    now = new Date('2026-12-03T02:00:00Z');
    const { message } = await h.rpc.request(lc.sendDraft, { actor: leaderA, draftId: draft.draftId });
    expect(message).toMatchObject({ userId: r1.userId, body: '王阿姨，生日快乐！', deliveryStatus: 'delivered', channel: 'in-app' });
    expect(await codeOf(h.rpc.request(lc.sendDraft, { actor: leaderA, draftId: draft.draftId }))).toBe('LEADER_OPS.DRAFT_NOT_APPROVED');

    const inbox = await h.rpc.request(lc.inbox, { actor: r1 });
    expect(inbox).toMatchObject({ unread: 1, messages: [expect.objectContaining({ messageId: message.messageId, read: false })] });
    expect(await codeOf(h.rpc.request(lc.markRead, { actor: r2, messageId: message.messageId }))).toBe('LEADER_OPS.MESSAGE_NOT_FOUND');
    expect((await h.rpc.request(lc.markRead, { actor: r1, messageId: message.messageId })).read).toBe(true);
    expect((await h.rpc.request(lc.inbox, { actor: r1, unreadOnly: true })).messages).toEqual([]);
    expect((await h.rpc.request(lc.getCustomer, { actor: leaderA, userId: r1.userId })).interactions.map((i) => i.kind)).toContain('message');

    // r2 never agreed to marketing messages; r3 is leader B's
    const [forR2] = (await h.rpc.request(lc.createDrafts, { actor: leaderA, kind: 'festival', festivalKey: 'spring-festival', userId: r2.userId, locale: 'en' })).drafts;
    expect(forR2!.inputs).toMatchObject({ festival: { key: 'spring-festival', date: '2027-02-06' } });
    await h.rpc.request(lc.approveDraft, { actor: leaderA, draftId: forR2!.draftId });
    expect(await codeOf(h.rpc.request(lc.sendDraft, { actor: leaderA, draftId: forR2!.draftId }))).toBe('LEADER_OPS.NO_MARKETING_CONSENT');
    expect(await codeOf(h.rpc.request(lc.createDrafts, { actor: leaderA, kind: 'birthday', userId: r3.userId }))).toBe('LEADER_OPS.NOT_YOUR_CUSTOMER');
    expect(await codeOf(h.rpc.request(lc.sendDraft, { actor: leaderB, draftId: forR2!.draftId }))).toBe('LEADER_OPS.DRAFT_NOT_FOUND');
    expect(await codeOf(h.rpc.request(lc.sendDraft, { actor: leaderA, draftId: forR2!.draftId, channel: 'wechat' }))).toBe('LEADER_OPS.CHANNEL_UNAVAILABLE');
  });

  it('issues an immutable November statement whose lines explain themselves, then adjusts, approves and pays it', async () => {
    expect(await codeOf(h.rpc.request(lc.issueSettlements, { actor: ops, month: '2026-12' }))).toBe('LEADER_OPS.SETTLEMENT_MONTH_OPEN');
    expect(await codeOf(h.rpc.request(lc.issueSettlements, { actor: leaderA, month: '2026-11' }))).toBe('AUTH.FORBIDDEN');
    const { statements } = await h.rpc.request(lc.issueSettlements, { actor: ops, month: '2026-11' });
    expect(statements.map((s) => s.leaderUserId).sort()).toEqual([leaderA.userId, leaderB.userId].sort());
    const a = await h.rpc.request(lc.getSettlement, { actor: leaderA, month: '2026-11' });
    const amount = (kind: string) => a.lines.filter((l) => l.kind === kind).map((l) => l.amountCents);
    // commission: rice 3% of 100.00, fruit 8% of (50.00 − 10.00 refunded)
    expect(amount('commission')).toEqual([320, 300]);
    // activity: both customers bought (200.00); repurchase 0% vs 0% in October
    expect(amount('activity-bonus')).toEqual([20_000]);
    // satisfaction: NPS 33 → 33% of 150.00 = 49.50, minus one quality complaint 20.00
    expect(amount('satisfaction-bonus')).toEqual([2_950]);
    // score A: (50 × 1 + 50 × (33 + 100) / 200 − 5) = 78.25 → 78.3; B: 50 × 1 + 25 = 75
    expect(a.score).toBe(78.3);
    // dividend pool: 5% × 10% × (100.00 + 40.00 + 80.00) = 1.10; A's share 78.3 / 153.3
    expect(amount('platform-dividend')).toEqual([Math.floor(110 * (78.3 / 153.3))]);
    expect(a.totalCents).toBe(320 + 300 + 20_000 + 2_950 + Math.floor(110 * (78.3 / 153.3)));
    expect(a).toMatchObject({ status: 'issued', rulesVersion: '2026-12-v1', level: { key: 'seedling' } }); // 'sprout' needs 5 customers
    expect(a.lines[0]!.explanation).toMatch(/commission/);

    expect(await codeOf(h.rpc.request(lc.issueSettlements, { actor: ops, month: '2026-11' }))).toBe('LEADER_OPS.SETTLEMENT_ALREADY_ISSUED');
    expect(await codeOf(h.rpc.request(lc.issueSettlements, { actor: ops, month: '2026-11', leaderUserId: leaderA.userId }))).toBe('LEADER_OPS.SETTLEMENT_ALREADY_ISSUED');
    expect(await codeOf(h.rpc.request(lc.adjustSettlement, { actor: ops, month: '2026-11', leaderUserId: leaderA.userId, amountCents: -(a.totalCents + 1), reason: 'too much' }))).toBe('LEADER_OPS.NEGATIVE_PAYOUT');
    const adjusted = await h.rpc.request(lc.adjustSettlement, { actor: ops, month: '2026-11', leaderUserId: leaderA.userId, amountCents: -300, reason: 'fruit order refunded in full after issue' });
    expect(adjusted.totalCents).toBe(a.totalCents - 300);
    expect(adjusted.lines.at(-1)).toMatchObject({ kind: 'adjustment', amountCents: -300 });
    expect(await codeOf(h.rpc.request(lc.markSettlementPaid, { actor: ops, month: '2026-11', leaderUserId: leaderA.userId }))).toBe('LEADER_OPS.SETTLEMENT_INVALID_TRANSITION');
    await h.rpc.request(lc.approveSettlement, { actor: ops, month: '2026-11', leaderUserId: leaderA.userId });
    expect(await codeOf(h.rpc.request(lc.adjustSettlement, { actor: ops, month: '2026-11', leaderUserId: leaderA.userId, amountCents: 100, reason: 'late' }))).toBe('LEADER_OPS.SETTLEMENT_INVALID_TRANSITION');
    expect((await h.rpc.request(lc.markSettlementPaid, { actor: ops, month: '2026-11', leaderUserId: leaderA.userId })).status).toBe('paid');
    expect(await codeOf(h.rpc.request(lc.getSettlement, { actor: leaderB, month: '2026-11', leaderUserId: leaderA.userId }))).toBe('AUTH.FORBIDDEN');

    // the database itself refuses to change an issued statement's lines
    await expect(h.db.$executeRawUnsafe('UPDATE settlement_lines SET amount_cents = amount_cents + 1 WHERE settlement_id = $1::uuid', a.settlementId)).rejects.toThrow(/immutable/);
    await expect(h.db.$executeRawUnsafe("UPDATE settlements SET status = 'issued', approved_at = NULL, paid_at = NULL WHERE id = $1::uuid", a.settlementId)).rejects.toThrow(/only moves/);
  });

  it('shows the dashboard of the month so far', async () => {
    const board = await h.rpc.request(lc.dashboard, { actor: leaderA });
    expect(board).toMatchObject({ month: '2026-12', customers: 2, averageClvCents: 30_000, tagCompleteness: 0.5 });
    expect(board.income.forecastCents).toBeGreaterThanOrEqual(board.income.soFarCents);
  });
  it('copies a burst of order events written together as the orders arrived, one by one', async () => {
    const resident = anActor(['resident']);
    const batched = jest.spyOn(CustomersRepository.prototype, 'applyOrders');
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 8, minute)).toISOString();
    const orderIds = Array.from({ length: 30 }, () => randomUUID());
    const published: Promise<string>[] = [];
    const lines = orderIds.map(() => [line('cat-fruit', 1200), line('cat-veg', 800)]);
    orderIds.forEach((orderId, i) => {
      const base = { orderId, userId: resident.userId!, campaignId: randomUUID(), pickupPointId: pointB, compoundId, totalCents: 2000, lines: lines[i]!, placedAt: at(0), actor: { kind: 'system' as const, userId: null } };
      published.push(publishEvent(h, orders.orderPlaced, { ...base, status: 'pending_payment', at: at(0), expiresAt: at(30) }));
      published.push(publishEvent(h, orders.orderPaid, { ...base, status: 'paid', at: at(1), paymentId: randomUUID(), paidCents: 2000 }));
      if (i % 3 === 0) published.push(publishEvent(h, orders.orderCompleted, { ...base, status: 'completed', at: at(5) }));
      if (i === 6) {
        published.push(publishEvent(h, orders.orderRefunded, { ...base, status: 'completed', at: at(6), refundId: randomUUID(), reason: 'quality', amountCents: 1200, refundedCents: 1200, refundLines: [{ lineId: lines[i]![0]!.lineId, quantity: 1, amountCents: 1200 }] }));
        // Late: an older event after the refund changes neither the status nor the refunded lines.
        published.push(publishEvent(h, orders.orderPaid, { ...base, status: 'paid', at: at(1), paymentId: randomUUID(), paidCents: 2000 }));
      }
    });
    const ids = await Promise.all(published);
    for (const id of ids) await processed(CUSTOMER_COPY_CONSUMERS.orders, id);

    expect(batched.mock.calls.some(([, updates]) => updates.length > 1)).toBe(true);
    batched.mockRestore();
    const copies = await h.db.customerOrder.findMany({ where: { userId: resident.userId! } });
    expect(copies).toHaveLength(30);
    for (const [i, orderId] of orderIds.entries()) {
      const copy = copies.find((c) => c.orderId === orderId)!;
      expect(copy.status).toBe(i % 3 === 0 ? 'completed' : 'paid');
      expect(copy.completedAt?.toISOString() ?? null).toBe(i % 3 === 0 ? at(5) : null);
      expect(copy.eventAt.toISOString()).toBe(i === 6 ? at(6) : i % 3 === 0 ? at(5) : at(1));
      expect(copy.refundedCents).toBe(i === 6 ? 1200 : 0);
      expect(copy.complaints).toBe(i === 6 ? 1 : 0);
      const refunded = (copy.lines as { lineId: string; refundedCents: number }[]).map((l) => l.refundedCents);
      expect(refunded).toEqual(i === 6 ? [1200, 0] : [0, 0]);
    }
  });

  it("gives the resident's data to their export, and erases it all when identity erases them", async () => {
    const exported = await h.rpc.request(personalDataExport['leader-ops'], { actor: r1, userId: r1.userId, userIds: [r1.userId] });
    expect((exported.sections['messages'] as unknown[]).length).toBe(1);
    expect((exported.sections['orderCopies'] as unknown[]).length).toBe(4);
    const erased = await publishEvent(h, identity.userErased, { userId: r1.userId, erasedAt: now.toISOString() });
    await processed(CUSTOMER_COPY_CONSUMERS.identity, erased);
    const after = await h.rpc.request(personalDataExport['leader-ops'], { actor: ops, userId: r1.userId, userIds: [r1.userId] });
    for (const section of ['customerProfileCopy', 'orderCopies', 'leaderNotes', 'leaderInteractions', 'leaderReminders', 'careMessageDrafts', 'messages', 'npsAnswers']) {
      expect([section, after.sections[section]]).toEqual([section, []]);
    }
    expect((await h.rpc.request(lc.inbox, { actor: r1 })).messages).toEqual([]);
    // an order event about them arriving late on the orders stream does not bring a copy back
    await anOrder(r1.userId, pointA, compoundId, [line('rice', 1_000)], '2026-12-03T01:00:00Z', 'completed');
    expect(await h.db.customerOrder.count({ where: { userId: r1.userId } })).toBe(0);
    expect(await h.db.$queryRawUnsafe<unknown[]>('SELECT 1 FROM erased_users WHERE user_hash = $1', r1.userId)).toEqual([]);
  });
});
