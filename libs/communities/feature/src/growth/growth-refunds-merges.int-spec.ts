import { randomUUID } from 'node:crypto';
import { growth, identity, orders, type Actor } from '@linli/contracts';
import { anActor } from '@linli/testing';
import { GrowthJobs } from './growth.jobs.js';
import { anOrder, deliver, startGrowth, type Harness } from './growth.test-harness.js';

// Refunds of collected orders take their purchase points back (never overdrawing) and give spent
// points back; an account merge moves the merged-away member's growth data to the survivor; holds of
// orders that never appeared are released by the jobs.

let h: Harness;
const ops: Actor = anActor(['ops']);

beforeAll(async () => {
  h = await startGrowth();
});

afterAll(async () => {
  await h?.close();
});

const now = () => new Date().toISOString();
const statementOf = (actor: Actor) => h.rpc.request(growth.getStatement, { actor, limit: 100 });
const balanceOf = async (actor: Actor) => (await statementOf(actor)).balance;
const give = (actor: Actor, delta: number) =>
  h.rpc.request(growth.adjustPoints, { actor: ops, userId: actor.userId, delta, reason: 'test balance', idempotencyKey: `adjust-${randomUUID()}` });

async function ledgerSumsToZero(): Promise<void> {
  const rows = await h.db.$queryRawUnsafe<{ total: number }[]>('SELECT coalesce(sum(amount), 0)::int AS total FROM points_lines');
  expect(rows[0]!.total).toBe(0);
}

/** An order of 49.90 yuan (dairy: 49 purchase points), paid partly with `points`, paid and collected. */
async function collectedOrder(member: Actor, points: number) {
  const order = anOrder(member.userId);
  if (points > 0) {
    await h.rpc.request(growth.reservePoints, { actor: member, points, reference: { kind: 'order', id: order.orderId }, idempotencyKey: `orders.order:${order.orderId}` });
  }
  await deliver(h, orders.orderPaid, { ...order, status: 'paid', paymentId: randomUUID(), paidCents: order.totalCents - points });
  await deliver(h, orders.orderPickedUp, order);
  return order;
}

function refund(order: orders.OrderEventBase, r: { refundId?: string; amountCents: number; refundedCents: number; pointsDiscountCents?: number; reason?: orders.RefundReason; status?: orders.OrderEventBase['status'] }) {
  return {
    ...order,
    status: r.status ?? 'picked_up',
    refundId: r.refundId ?? randomUUID(),
    reason: r.reason ?? 'quality',
    amountCents: r.amountCents,
    refundedCents: r.refundedCents,
    refundLines: [],
    ...(r.pointsDiscountCents ? { pointsDiscountCents: r.pointsDiscountCents } : {}),
  };
}

describe('refunds of collected orders', () => {
  it('takes back purchase points and gives back spent points in the refunded share, once per refund', async () => {
    const member = anActor();
    await give(member, 1000);
    const order = await collectedOrder(member, 300);
    // 1000 - 300 spent + 49 purchase points + 50 first-pickup bonus
    expect(await balanceOf(member)).toBe(799);

    // Half the money back (4690 paid in money): 24 of the 49 purchase points, 150 of the 300 spent.
    const half = refund(order, { amountCents: 2345, refundedCents: 2345, pointsDiscountCents: 300 });
    await deliver(h, orders.orderRefunded, half);
    expect(await balanceOf(member)).toBe(799 - 24 + 150);
    // The same refund again (another event id): nothing moves.
    await deliver(h, orders.orderRefunded, half, randomUUID());
    expect(await balanceOf(member)).toBe(925);
    // The rest: all 49 and all 300 in total.
    await deliver(h, orders.orderRefunded, refund(order, { amountCents: 2345, refundedCents: 4690, pointsDiscountCents: 300 }));
    expect(await balanceOf(member)).toBe(1000 + 50);
    const kinds = (await statementOf(member)).entries.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'clawback')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'refund')).toHaveLength(2);
    await ledgerSumsToZero();
  });

  it('never overdraws: what was already used is written off in an entry of its own', async () => {
    const member = anActor();
    await collectedOrder(member, 0).then(async (order) => {
      expect(await balanceOf(member)).toBe(99);
      await h.rpc.request(growth.adjustPoints, { actor: ops, userId: member.userId, delta: -90, reason: 'spent elsewhere', idempotencyKey: `adjust-${randomUUID()}` });
      await deliver(h, orders.orderRefunded, refund(order, { amountCents: order.totalCents, refundedCents: order.totalCents }));
    });
    const s = await statementOf(member);
    expect(s.balance).toBe(0);
    const clawbacks = s.entries.filter((e) => e.kind === 'clawback');
    expect(clawbacks.map((e) => e.delta).sort()).toEqual([-9, 0]);
    expect(clawbacks.find((e) => e.delta === 0)!.description).toMatch(/40 points/);
    await ledgerSumsToZero();
  });

  it('leaves points alone for refunds of payments (late, duplicate) and of cancelled orders', async () => {
    const member = anActor();
    const order = await collectedOrder(member, 0);
    const before = await balanceOf(member);
    await deliver(h, orders.orderRefunded, refund(order, { amountCents: 100, refundedCents: 100, reason: 'duplicate-payment' }));
    await deliver(h, orders.orderRefunded, refund(order, { amountCents: 100, refundedCents: 200, reason: 'cancellation', status: 'cancelled' }));
    expect(await balanceOf(member)).toBe(before);
  });
});

describe('account merges', () => {
  it("moves the merged-away member's points, activity, badges, journey steps and referrals to the survivor, once", async () => {
    const source = anActor();
    const target = anActor();
    const invitee = anActor();
    await deliver(h, identity.userRegistered, { userId: source.userId, channel: 'phone', registeredAt: now() });
    await deliver(h, identity.userRegistered, { userId: target.userId, channel: 'wechat-unionid', registeredAt: now() });
    const code = (await h.rpc.request(growth.getInvite, { actor: source })).code;
    await deliver(h, identity.userRegistered, { userId: invitee.userId, channel: 'phone', registeredAt: now(), inviteCode: code });
    await collectedOrder(source, 0);
    await give(source, 200);
    await give(target, 10);
    const sourceBefore = await statementOf(source);
    expect(sourceBefore.balance).toBe(299);

    const merge = { mergeId: randomUUID(), sourceUserId: source.userId, targetUserId: target.userId, mergedAt: now() };
    await deliver(h, identity.userMerged, merge);
    await deliver(h, identity.userMerged, merge, randomUUID());

    expect(await balanceOf(source)).toBe(0);
    expect(await balanceOf(target)).toBe(309);
    // The source's history is still there, plus the move.
    const sourceAfter = await statementOf(source);
    expect(sourceAfter.entries).toHaveLength(sourceBefore.entries.length + 1);
    expect(sourceAfter.entries[0]).toMatchObject({ kind: 'merge', delta: -299 });
    const badges = await h.rpc.request(growth.listBadges, { actor: target });
    expect(badges.badges.map((b) => b.badgeId)).toContain('first-order');
    const journey = await h.rpc.request(growth.myJourney, { actor: target });
    const seven = journey.journeys.find((j) => j.journeyId === 'seven-day')!;
    expect(seven.steps.find((s) => s.stepId === 'first-pickup')!.completedAt).not.toBeNull();
    const invite = await h.rpc.request(growth.getInvite, { actor: target });
    expect(invite.signedUp).toBe(1);
    const tier = await h.rpc.request(growth.getTier, { actor: target });
    expect(tier.progress.activity['pickup']).toBe(1);
    await ledgerSumsToZero();
  });
});

describe('holds of orders that never appeared', () => {
  it('are released by the jobs once older than the window, and not before', async () => {
    const member = anActor();
    await give(member, 100);
    const orphan = randomUUID();
    await h.rpc.request(growth.reservePoints, { actor: member, points: 40, reference: { kind: 'order', id: orphan }, idempotencyKey: `orders.order:${orphan}` });
    const jobs = h.app.get(GrowthJobs);
    await jobs.runOnce(new Date());
    expect(await balanceOf(member)).toBe(60);
    await jobs.runOnce(new Date(Date.now() + 49 * 3_600_000));
    expect(await balanceOf(member)).toBe(100);
    await ledgerSumsToZero();
  });
});
