import { randomUUID } from 'node:crypto';
import { identity, orders } from '@linli/contracts';
import { codeOf, waitUntil } from '@linli/testing';
import {
  aCampaign,
  aCatalog,
  aPickupPoint,
  aResident,
  orderStatus,
  passCutoff,
  placePaid,
  publishEvent,
  signed,
  startOrders,
  type Catalog,
  type OrdersHarness,
  type World,
} from './orders.fixture.js';

let h: OrdersHarness;
let world: World;
let catalog: Catalog;

beforeAll(async () => {
  h = await startOrders();
  world = await aPickupPoint(h);
  catalog = await aCatalog(h);
});

afterAll(async () => {
  await h?.close();
});

const key = () => `key-${randomUUID()}`;

async function placed(resident: { userId: string; roles: ('resident' | 'leader' | 'ops' | 'partner')[] }, campaignId: string, offerId: string, quantity = 1, unit = 990) {
  return h.rpc.request(orders.placeOrder, { actor: resident, campaignId, idempotencyKey: key(), lines: [{ offerId, quantity }], expectedTotalCents: unit * quantity });
}

async function notifications(paymentId: string) {
  return h.db.paymentNotification.findMany({ where: { paymentId } });
}

describe('payments', () => {
  it('pays once when the provider notifies twice; paying again returns the open intent', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await aResident(h, world, true);
    const order = await placed(resident, campaign.campaignId, milkOffer, 2);
    h.provider.enqueue({ outcome: 'succeeded', deliveries: 2, delayMs: 300 });
    const intent = await h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId });
    expect(intent).toMatchObject({ amountCents: 1980, status: 'created', provider: 'dev' });
    expect((await h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId })).paymentId).toBe(intent.paymentId);
    await waitUntil(async () => (await orderStatus(h, order.orderId)) === 'paid');
    // Both deliveries carry the same notification id: the second is a duplicate.
    const payload = (await notifications(intent.paymentId))[0]!.payload as orders.PaymentNotification;
    expect((await h.rpc.request(orders.paymentCallback, signed(payload))).outcome).toBe('duplicate');
    // A second, distinct notification of the same success is a duplicate too.
    expect((await h.rpc.request(orders.paymentCallback, signed({ ...payload, notificationId: `n-${randomUUID()}` }))).outcome).toBe('duplicate');
    const row = await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } });
    expect(row).toMatchObject({ paidCents: 1980, refundedCents: 0 });
    await h.events.waitFor((all) => all.some((e) => e.subject === 'orders.order.paid.v1' && (e.data as { orderId: string }).orderId === order.orderId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.events.ofSubject('orders.order.paid.v1').filter((e) => (e.data as { orderId: string }).orderId === order.orderId)).toHaveLength(1);
  });

  it('refuses forged and tampered notifications and records nothing', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await aResident(h, world, true);
    const order = await placed(resident, campaign.campaignId, milkOffer);
    h.provider.enqueue({ outcome: 'succeeded', deliveries: 1, delayMs: 60_000 });
    const intent = await h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId });
    const genuine: orders.PaymentNotification = {
      notificationId: `n-${randomUUID()}`,
      providerPaymentId: intent.providerPaymentId,
      merchantOrderId: order.orderId,
      status: 'succeeded',
      amountCents: 990,
      occurredAt: new Date().toISOString(),
    };
    const good = signed(genuine);
    const before = await h.db.paymentNotification.count();
    expect(await codeOf(h.rpc.request(orders.paymentCallback, { ...good, signature: 'ab'.repeat(32) }))).toBe('ORDERS.PAYMENT_SIGNATURE_INVALID');
    expect(await codeOf(h.rpc.request(orders.paymentCallback, { ...good, notification: { ...genuine, amountCents: 1 } }))).toBe('ORDERS.PAYMENT_SIGNATURE_INVALID');
    expect(await codeOf(h.rpc.request(orders.paymentCallback, { ...good, provider: 'wechat' }))).toBe('ORDERS.PAYMENT_SIGNATURE_INVALID');
    expect(await h.db.paymentNotification.count()).toBe(before);
    expect(await orderStatus(h, order.orderId)).toBe('pending_payment');
    expect((await h.rpc.request(orders.paymentCallback, good)).outcome).toBe('paid');
  });

  it('keeps an order payable after a failed payment', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await aResident(h, world, true);
    const order = await placed(resident, campaign.campaignId, milkOffer);
    h.provider.enqueue({ outcome: 'failed', deliveries: 1, delayMs: 20 });
    const failed = await h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId });
    await waitUntil(async () => (await h.db.payment.findUniqueOrThrow({ where: { id: failed.paymentId } })).status === 'failed');
    expect(await orderStatus(h, order.orderId)).toBe('pending_payment');
    const retry = await h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId });
    expect(retry.paymentId).not.toBe(failed.paymentId);
    await waitUntil(async () => (await orderStatus(h, order.orderId)) === 'paid');
  });

  it('refunds a success that arrives after the order expired, and one for an order already paid', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 10 } });
    const resident = await aResident(h, world, true);
    const order = await placed(resident, campaign.campaignId, milkOffer, 3);
    h.provider.enqueue({ outcome: 'succeeded', deliveries: 1, delayMs: 1500 });
    const intent = await h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId });
    await h.db.$executeRawUnsafe(`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1::uuid`, order.orderId);
    await h.scheduler.runOnce();
    expect(await orderStatus(h, order.orderId)).toBe('expired');
    await waitUntil(async () => (await h.db.payment.findUniqueOrThrow({ where: { id: intent.paymentId } })).status === 'succeeded', 10_000, 'late success');
    const row = await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } });
    expect(row).toMatchObject({ status: 'expired', paidCents: 2970, refundedCents: 2970 });
    const refunds = await h.rpc.request(orders.listRefunds, { actor: resident, orderId: order.orderId });
    expect(refunds.refunds).toMatchObject([{ reason: 'late-payment', amountCents: 2970, status: 'succeeded' }]);
    await h.events.waitFor((all) => all.some((e) => e.subject === 'orders.order.refunded.v1' && (e.data as { orderId: string }).orderId === order.orderId));

    // Two intents for one order (the first notified very late): the second success is refunded.
    const other = await placed(resident, campaign.campaignId, milkOffer, 1);
    h.provider.enqueue({ outcome: 'succeeded', deliveries: 1, delayMs: 60_000 });
    const slow = await h.rpc.request(orders.payOrder, { actor: resident, orderId: other.orderId });
    await h.db.payment.update({ where: { id: slow.paymentId }, data: { status: 'failed' } });
    await h.rpc.request(orders.payOrder, { actor: resident, orderId: other.orderId });
    await waitUntil(async () => (await orderStatus(h, other.orderId)) === 'paid');
    await h.db.payment.update({ where: { id: slow.paymentId }, data: { status: 'created' } });
    const late = { notificationId: `n-${randomUUID()}`, providerPaymentId: slow.providerPaymentId, merchantOrderId: other.orderId, status: 'succeeded' as const, amountCents: 990, occurredAt: new Date().toISOString() };
    expect((await h.rpc.request(orders.paymentCallback, signed(late))).outcome).toBe('refunded');
    expect(await h.db.order.findUniqueOrThrow({ where: { id: other.orderId } })).toMatchObject({ status: 'paid', paidCents: 1980, refundedCents: 990 });
  });
});

describe('refunds', () => {
  async function pickedUp(quantity = 3, who?: Awaited<ReturnType<typeof aResident>>) {
    const { campaign, milkOffer, riceOffer } = await aCampaign(h, world, catalog);
    const resident = who ?? (await aResident(h, world, true));
    const order = await placePaid(h, resident, campaign.campaignId, [{ offerId: milkOffer, quantity }, { offerId: riceOffer, quantity: 1 }], 990 * quantity + 700);
    await passCutoff(h, campaign.campaignId);
    await h.scheduler.runOnce();
    await h.rpc.request(orders.shipCampaign, { actor: h.ops, campaignId: campaign.campaignId });
    await h.rpc.request(orders.confirmReceipt, { actor: world.leader, campaignId: campaign.campaignId, pickupPointId: world.pickupPointId });
    const { code } = await h.rpc.request(orders.getPickupCode, { actor: resident, orderId: order.orderId });
    await h.rpc.request(orders.scanPickup, { actor: world.leader, code });
    return { order, resident };
  }

  it('refunds a quality complaint by line, once per key, never above what was paid, only within the window', async () => {
    const { order, resident } = await pickedUp(3);
    const milkLine = order.lines.find((l) => l.skuId === catalog.milk.skuId)!;
    const complaint = { actor: resident, orderId: order.orderId, lines: [{ lineId: milkLine.lineId, quantity: 2 }], description: 'milk was sour', photoUrls: ['https://img.example.com/a.jpg'] };
    const refundKey = key();
    const first = await h.rpc.request(orders.requestRefund, { ...complaint, refundKey });
    expect(first).toMatchObject({ reason: 'quality', amountCents: 1980, lines: [{ lineId: milkLine.lineId, quantity: 2, amountCents: 1980 }], photoUrls: complaint.photoUrls });
    expect((await h.rpc.request(orders.requestRefund, { ...complaint, refundKey })).refundId).toBe(first.refundId);
    expect(await codeOf(h.rpc.request(orders.requestRefund, { ...complaint, refundKey: key() }))).toBe('ORDERS.REFUND_EXCEEDS_PAID');
    const stranger = await aResident(h, world, true);
    expect(await codeOf(h.rpc.request(orders.requestRefund, { ...complaint, actor: stranger, refundKey: key() }))).toBe('AUTH.FORBIDDEN');
    await h.db.$executeRawUnsafe(`UPDATE orders SET picked_up_at = now() - interval '49 hours' WHERE id = $1::uuid`, order.orderId);
    expect(await codeOf(h.rpc.request(orders.requestRefund, { ...complaint, lines: [{ lineId: milkLine.lineId, quantity: 1 }], refundKey: key() }))).toBe('ORDERS.REFUND_WINDOW_CLOSED');
    expect(await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } })).toMatchObject({ paidCents: 3670, refundedCents: 1980 });
  });

  it('refunds small complaints at once and sends larger ones to review, which the order\'s leader decides with a reason', async () => {
    // instant-refund limits in this harness: the defaults, 5,000 cents per order and 10,000 per resident per month
    const { order, resident } = await pickedUp(8);
    const milkLine = order.lines.find((l) => l.skuId === catalog.milk.skuId)!;
    const complaint = { actor: resident, orderId: order.orderId, description: 'milk was sour', photoUrls: ['https://img.example.com/a.jpg'] };
    const small = await h.rpc.request(orders.requestRefund, { ...complaint, refundKey: key(), lines: [{ lineId: milkLine.lineId, quantity: 1 }] });
    expect(small).toMatchObject({ status: 'succeeded', amountCents: 990, autoApproved: true, review: null });

    const large = await h.rpc.request(orders.requestRefund, { ...complaint, refundKey: key(), lines: [{ lineId: milkLine.lineId, quantity: 5 }] });
    expect(large).toMatchObject({ status: 'pending_review', amountCents: 4950, autoApproved: false, review: { decidedBy: null } });
    expect(large.review!.reason).toContain('per order');
    expect(await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } })).toMatchObject({ refundedCents: 990 });
    expect(await codeOf(h.rpc.request(orders.requestRefund, { ...complaint, refundKey: key(), lines: [{ lineId: milkLine.lineId, quantity: 1 }] }))).toBe('ORDERS.REFUND_UNDER_REVIEW');

    // only this order's leader (or ops) reviews it
    const otherWorld = await aPickupPoint(h);
    expect(await codeOf(h.rpc.request(orders.listRefundReviews, { actor: resident }))).toBe('AUTH.FORBIDDEN');
    const strangers = await h.rpc.request(orders.listRefundReviews, { actor: otherWorld.leader });
    expect(strangers.refunds.map((r) => r.refundId)).not.toContain(large.refundId);
    expect(await codeOf(h.rpc.request(orders.decideRefundReview, { actor: otherWorld.leader, refundId: large.refundId, decision: 'approve', reason: 'looks fine' }))).toBe('AUTH.FORBIDDEN');
    const queue = await h.rpc.request(orders.listRefundReviews, { actor: world.leader });
    expect(queue.refunds.find((r) => r.refundId === large.refundId)).toMatchObject({ userId: resident.userId, pickupPointId: world.pickupPointId });

    const approved = await h.rpc.request(orders.decideRefundReview, { actor: world.leader, refundId: large.refundId, decision: 'approve', reason: 'the photos show it' });
    expect(approved).toMatchObject({ status: 'succeeded', review: { decidedBy: world.leader.userId, decisionReason: 'the photos show it' } });
    expect(approved.review!.decidedAt).not.toBeNull();
    expect(await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } })).toMatchObject({ refundedCents: 990 + 4950 });
    expect(await codeOf(h.rpc.request(orders.decideRefundReview, { actor: h.ops, refundId: large.refundId, decision: 'reject', reason: 'second thoughts' }))).toBe('ORDERS.REFUND_ALREADY_DECIDED');
    await h.events.waitFor((all) => all.some((e) => e.subject === 'orders.order.refunded.v1' && (e.data as { refundId: string }).refundId === large.refundId));
  });

  it('sends a resident past the monthly instant-refund limit to review, and a rejection pays nothing', async () => {
    const first = await pickedUp(5);
    const resident = first.resident;
    const milkOf = (o: typeof first.order) => o.lines.find((l) => l.skuId === catalog.milk.skuId)!.lineId;
    const complain = (o: typeof first.order, quantity: number) =>
      h.rpc.request(orders.requestRefund, { actor: resident, orderId: o.orderId, refundKey: key(), lines: [{ lineId: milkOf(o), quantity }], description: 'sour', photoUrls: ['https://img.example.com/b.jpg'] });
    expect((await complain(first.order, 5)).status).toBe('succeeded'); // 4,950 this month
    const second = await pickedUp(5, resident);
    expect((await complain(second.order, 5)).status).toBe('succeeded'); // 9,900 this month
    const third = await pickedUp(2, resident);
    const held = await complain(third.order, 1); // 10,890 would pass the monthly limit
    expect(held.status).toBe('pending_review');
    expect(held.review!.reason).toContain('this month');
    const rejected = await h.rpc.request(orders.decideRefundReview, { actor: h.ops, refundId: held.refundId, decision: 'reject', reason: 'third complaint this month, no photos of damage' });
    expect(rejected).toMatchObject({ status: 'rejected', review: { decidedBy: h.ops.userId, decisionReason: 'third complaint this month, no photos of damage' } });
    expect(await h.db.order.findUniqueOrThrow({ where: { id: third.order.orderId } })).toMatchObject({ refundedCents: 0 });
    // once decided, the resident may complain again (it goes to review again)
    expect((await complain(third.order, 1)).status).toBe('pending_review');
  });

  it('lets only one of several concurrent full refunds through, and the database refuses anything above paid', async () => {
    const { order } = await pickedUp(1);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => h.rpc.request(orders.issueRefund, { actor: h.ops, orderId: order.orderId, refundKey: key(), reason: 'quality' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(['ORDERS.REFUND_NOT_ALLOWED', 'ORDERS.REFUND_EXCEEDS_PAID']).toContain((r.reason as { code: string }).code);
    expect(await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } })).toMatchObject({ paidCents: 1690, refundedCents: 1690 });
    await expect(h.db.$executeRawUnsafe('UPDATE orders SET refunded_cents = paid_cents + 1 WHERE id = $1::uuid', order.orderId)).rejects.toThrow(/orders_money_check/);
    await expect(h.db.$executeRawUnsafe('UPDATE order_lines SET refunded_cents = amount_cents + 1 WHERE order_id = $1::uuid', order.orderId)).rejects.toThrow(/order_lines_refund_check/);
    expect(await codeOf(h.rpc.request(orders.issueRefund, { actor: world.leader, orderId: order.orderId, refundKey: key(), reason: 'quality' }))).toBe('AUTH.FORBIDDEN');
  });

  it('cancelling a paid order before cut-off refunds it in full', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await aResident(h, world, true);
    const order = await placePaid(h, resident, campaign.campaignId, [{ offerId: milkOffer, quantity: 2 }], 1980);
    const cancelled = await h.rpc.request(orders.cancelOrder, { actor: resident, orderId: order.orderId });
    expect(cancelled).toMatchObject({ status: 'cancelled', paidCents: 1980, refundedCents: 1980 });
    expect((await h.rpc.request(orders.listRefunds, { actor: resident, orderId: order.orderId })).refunds).toMatchObject([{ reason: 'cancellation', amountCents: 1980 }]);
  });
});

describe('cut-off', () => {
  it('locks groups that met the minimum, cancels and refunds those that did not, expires unpaid orders, and closes once', async () => {
    const small = await aPickupPoint(h, world.compoundId);
    const { campaign, milkOffer, kitOffer } = await aCampaign(h, world, catalog, { minGroupSize: 2, compoundIds: [world.compoundId] });
    const [a, b] = [await aResident(h, world, true), await aResident(h, world, true)];
    const lonely = await aResident(h, small, true);
    const orderA = await placePaid(h, a, campaign.campaignId, [{ offerId: milkOffer, quantity: 2 }, { offerId: kitOffer, quantity: 1 }], 3580);
    const orderB = await placePaid(h, b, campaign.campaignId, [{ offerId: milkOffer, quantity: 1 }], 990);
    const orderLonely = await placePaid(h, lonely, campaign.campaignId, [{ offerId: milkOffer, quantity: 1 }], 990);
    const unpaid = await placed(b, campaign.campaignId, milkOffer, 1);

    // Before the cut-off the leader sees a preview from the paid orders, with names and buildings
    // copied from identity's profile events.
    await publishEvent(h, identity.profileUpdated, { userId: a.userId, profile: { nickname: 'Auntie A', building: '3' }, declared: {} });
    await waitUntil(async () => (await h.db.residentProfile.findUnique({ where: { userId: a.userId } }))?.displayName === 'Auntie A', 10_000, 'the profile copy');
    const preview = await h.rpc.request(orders.sortingList, { actor: world.leader, campaignId: campaign.campaignId, pickupPointId: world.pickupPointId });
    expect(preview).toMatchObject({ campaignStatus: 'published', preview: true });
    expect(preview.residents.map((r) => [r.userId, r.displayName, r.building, r.orderIds]).sort()).toEqual(
      [
        [a.userId, 'Auntie A', '3', [orderA.orderId]],
        [b.userId, null, null, [orderB.orderId]],
      ].sort(),
    );

    await passCutoff(h, campaign.campaignId);
    // Two replicas tick at once: every order still moves exactly once.
    await Promise.all([h.scheduler.runOnce(), h.scheduler.runOnce()]);
    await h.scheduler.runOnce();
    expect(await orderStatus(h, orderA.orderId)).toBe('locked');
    expect(await orderStatus(h, orderB.orderId)).toBe('locked');
    expect(await orderStatus(h, orderLonely.orderId)).toBe('cancelled');
    expect(await orderStatus(h, unpaid.orderId)).toBe('expired');
    expect(await h.db.order.findUniqueOrThrow({ where: { id: orderLonely.orderId } })).toMatchObject({ paidCents: 990, refundedCents: 990 });
    expect((await h.rpc.request(orders.listRefunds, { actor: lonely, orderId: orderLonely.orderId })).refunds).toMatchObject([{ reason: 'min-group-unmet', amountCents: 990 }]);
    for (const id of [orderA.orderId, orderB.orderId, orderLonely.orderId, unpaid.orderId]) {
      const transitions = await h.db.orderTransition.findMany({ where: { orderId: id } });
      expect(new Set(transitions.map((t) => t.toStatus)).size).toBe(transitions.length);
    }
    const view = await h.rpc.request(orders.getCampaign, { actor: h.ops, campaignId: campaign.campaignId });
    expect(view.status).toBe('closed');
    await h.events.waitFor((all) => all.some((e) => e.subject === 'orders.campaign.closed.v1' && (e.data as { campaignId: string }).campaignId === campaign.campaignId));
    const closed = h.events.ofSubject('orders.campaign.closed.v1').filter((e) => (e.data as { campaignId: string }).campaignId === campaign.campaignId);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.data).toMatchObject({
      lockedOrders: 2,
      cancelledOrders: 1,
      pickupPoints: expect.arrayContaining([
        { pickupPointId: world.pickupPointId, customers: 2, minimumMet: true },
        { pickupPointId: small.pickupPointId, customers: 1, minimumMet: false },
      ]),
    });
    // Placing is closed too.
    expect(await codeOf(placed(a, campaign.campaignId, milkOffer))).toBe('ORDERS.CAMPAIGN_CLOSED');

    // Sorting list for the point, JSON and CSV.
    const list = await h.rpc.request(orders.sortingList, { actor: world.leader, campaignId: campaign.campaignId, pickupPointId: world.pickupPointId, format: 'csv' });
    const byUser = new Map(list.residents.map((r) => [r.userId, Object.fromEntries(r.items.map((i) => [i.skuId, i.quantity]))]));
    expect(byUser.get(a.userId)).toEqual({ [catalog.milk.skuId]: 2, [catalog.puree.skuId]: 2, [catalog.rice.skuId]: 1 });
    expect(byUser.get(b.userId)).toEqual({ [catalog.milk.skuId]: 1 });
    expect(list.residents.find((r) => r.userId === b.userId)!.orderIds).toEqual([orderB.orderId]);
    expect(list).toMatchObject({ campaignStatus: 'closed', preview: false });
    const codeOfOrder = async (id: string) => (await h.db.order.findUniqueOrThrow({ where: { id } })).pickupCode;
    expect(list.residents.find((r) => r.userId === a.userId)).toMatchObject({ displayName: 'Auntie A', building: '3', pickupCodes: [await codeOfOrder(orderA.orderId)] });
    expect(Object.fromEntries(list.totals.map((t) => [t.skuId, t.quantity]))).toEqual({ [catalog.milk.skuId]: 3, [catalog.puree.skuId]: 2, [catalog.rice.skuId]: 1 });
    const csv = list.csv!.trim().split('\r\n');
    expect(csv[0]).toBe('delivery_date,pickup_point,preview,building,resident,pickup_codes,orders,sku_code,product,spec,quantity');
    expect(csv.filter((line) => line.includes('Auntie A'))).toHaveLength(3);
    expect(csv).toHaveLength(5);
    expect(csv.filter((line) => line.includes(b.userId))).toEqual([expect.stringMatching(/,Fresh milk,standard,1$/)]);
    expect(await codeOf(h.rpc.request(orders.sortingList, { actor: small.leader, campaignId: campaign.campaignId, pickupPointId: world.pickupPointId }))).toBe('AUTH.FORBIDDEN');

    // Purchase summary: the cancelled and expired orders are not bought.
    const summary = await h.rpc.request(orders.purchaseSummary, { actor: h.ops, campaignId: campaign.campaignId, format: 'csv' });
    expect(Object.fromEntries(summary.skus.map((s) => [s.skuId, [s.quantity, s.pickupPoints]]))).toEqual({
      [catalog.milk.skuId]: [3, 1],
      [catalog.puree.skuId]: [2, 1],
      [catalog.rice.skuId]: [1, 1],
    });
    expect(summary.csv!.split('\r\n')[0]).toBe('delivery_date,sku_code,product,spec,quantity,pickup_points');
  });

  it('refunds units reported short on receipt, most recently paid order first', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const early = await aResident(h, world, true);
    const late = await aResident(h, world, true);
    const first = await placePaid(h, early, campaign.campaignId, [{ offerId: milkOffer, quantity: 2 }], 1980);
    const second = await placePaid(h, late, campaign.campaignId, [{ offerId: milkOffer, quantity: 2 }], 1980);
    await passCutoff(h, campaign.campaignId);
    await h.scheduler.runOnce();
    await h.rpc.request(orders.shipCampaign, { actor: h.ops, campaignId: campaign.campaignId });
    const stranger = await aPickupPoint(h);
    expect(await codeOf(h.rpc.request(orders.confirmReceipt, { actor: stranger.leader, campaignId: campaign.campaignId, pickupPointId: world.pickupPointId }))).toBe('AUTH.FORBIDDEN');
    const receipt = await h.rpc.request(orders.confirmReceipt, {
      actor: world.leader,
      campaignId: campaign.campaignId,
      pickupPointId: world.pickupPointId,
      shortages: [{ skuId: catalog.milk.skuId, quantity: 3 }, { skuId: catalog.rice.skuId, quantity: 1 }],
    });
    expect(receipt.receivedOrders).toBe(2);
    expect(receipt.unallocated).toEqual([{ skuId: catalog.rice.skuId, quantity: 1 }]);
    expect(Object.fromEntries(receipt.refunds.map((r) => [r.orderId, r.amountCents]))).toEqual({ [second.orderId]: 1980, [first.orderId]: 990 });
    expect(await h.db.order.findUniqueOrThrow({ where: { id: second.orderId } })).toMatchObject({ status: 'received', refundedCents: 1980 });
    // Confirming again changes nothing.
    expect((await h.rpc.request(orders.confirmReceipt, { actor: world.leader, campaignId: campaign.campaignId, pickupPointId: world.pickupPointId })).receivedOrders).toBe(0);
    await h.events.waitFor((all) => all.some((e) => e.subject === 'orders.order.received.v1' && (e.data as { orderId: string }).orderId === second.orderId));
    const received = h.events.ofSubject('orders.order.received.v1').find((e) => (e.data as { orderId: string }).orderId === second.orderId)!;
    expect((received.data as { shortages: unknown }).shortages).toEqual([{ skuId: catalog.milk.skuId, quantity: 2 }]);
  });
});
