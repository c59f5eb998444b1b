import { randomUUID } from 'node:crypto';
import { orders, type Actor } from '@linli/contracts';
import { codeOf, waitUntil } from '@linli/testing';
import { TestPointsLedger, aCampaign, aCatalog, aPickupPoint, aResident, orderStatus, startOrders, type Catalog, type OrdersHarness, type World } from './orders.fixture.js';
import { DEFAULT_ORDERS_OPTIONS } from './orders.options.js';
import { RpcPointsLedger } from './points-ledger.js';

// Points spent at placement (1 point = 1 cent by default): the ledger holds them before the order is
// written, the order carries the hold and pays the rest in money; the ledger itself commits or gives
// them back from the order's events (tested with the real ledger in tests/e2e/growth.e2e-spec.ts).

let h: OrdersHarness;
let world: World;
let catalog: Catalog;
const ledger = new TestPointsLedger();

beforeAll(async () => {
  h = await startOrders({ pointsLedger: ledger });
  world = await aPickupPoint(h);
  catalog = await aCatalog(h);
});

afterAll(async () => {
  await h?.close();
});

const key = () => `key-${randomUUID()}`;

async function residentWith(points: number): Promise<Actor> {
  const resident = await aResident(h, world, true);
  ledger.balances.set(resident.userId, points);
  return resident;
}

describe('points spent on an order', () => {
  it('holds the points, takes them off what is paid, and publishes paid for the ledger to commit', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await residentWith(500);
    const order = await h.rpc.request(orders.placeOrder, {
      actor: resident,
      campaignId: campaign.campaignId,
      idempotencyKey: key(),
      lines: [{ offerId: milkOffer, quantity: 2 }],
      expectedTotalCents: 1980,
      pointsToSpend: 300,
    });
    expect(order).toMatchObject({ totalCents: 1980, pointsSpent: 300, pointsDiscountCents: 300, payableCents: 1680, status: 'pending_payment' });
    const hold = ledger.reservations.get(order.orderId)!;
    expect(hold).toMatchObject({ userId: resident.userId, points: 300, status: 'held' });
    expect(ledger.balances.get(resident.userId)).toBe(200);
    expect(await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } })).toMatchObject({ pointsSpent: 300, pointsDiscountCents: 300, pointsReservationId: hold.reservationId });
    expect(await h.rpc.request(orders.getOrder, { actor: resident, orderId: order.orderId })).toMatchObject({ pointsSpent: 300, payableCents: 1680 });

    const intent = await h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId });
    expect(intent.amountCents).toBe(1680);
    await waitUntil(async () => (await orderStatus(h, order.orderId)) === 'paid', 10_000, 'order paid');
    expect(await h.db.order.findUniqueOrThrow({ where: { id: order.orderId } })).toMatchObject({ paidCents: 1680 });
    await h.events.waitFor((all) => all.some((e) => e.subject === orders.orderPaid.subject && (e.data as { orderId: string }).orderId === order.orderId));
  });

  it('refunds only the money of a cancelled paid order and says what points took off', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await residentWith(1000);
    const order = await h.rpc.request(orders.placeOrder, {
      actor: resident,
      campaignId: campaign.campaignId,
      idempotencyKey: key(),
      lines: [{ offerId: milkOffer, quantity: 1 }],
      expectedTotalCents: 990,
      pointsToSpend: 400,
    });
    await h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId });
    await waitUntil(async () => (await orderStatus(h, order.orderId)) === 'paid', 10_000, 'order paid');
    const cancelled = await h.rpc.request(orders.cancelOrder, { actor: resident, orderId: order.orderId });
    expect(cancelled).toMatchObject({ status: 'cancelled', paidCents: 590, refundedCents: 590 });
    await h.events.waitFor((all) => all.some((e) => e.subject === orders.orderRefunded.subject && (e.data as { orderId: string }).orderId === order.orderId));
    const events = h.events.events.filter((e) => (e.data as { orderId?: string }).orderId === order.orderId);
    expect(events.find((e) => e.subject === orders.orderRefunded.subject)!.data).toMatchObject({ amountCents: 590, pointsDiscountCents: 400 });
    expect(events.some((e) => e.subject === orders.orderCancelled.subject)).toBe(true);
  });

  it('places an order once and holds its points once when the same request is sent again, also at the same time', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await residentWith(1000);
    const request = { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990, pointsToSpend: 100 };
    const before = ledger.created;
    const [a, b] = await Promise.all([h.rpc.request(orders.placeOrder, request), h.rpc.request(orders.placeOrder, request)]);
    const c = await h.rpc.request(orders.placeOrder, request);
    expect(new Set([a.orderId, b.orderId, c.orderId]).size).toBe(1);
    expect(ledger.created - before).toBe(1);
    expect(ledger.balances.get(resident.userId)).toBe(900);
    expect(await h.db.order.count({ where: { userId: resident.userId } })).toBe(1);
    // The same key with other points is another request.
    expect(await codeOf(h.rpc.request(orders.placeOrder, { ...request, pointsToSpend: 200 }))).toBe('ORDERS.IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses more points than the balance with the ledger code and writes no order', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await residentWith(50);
    const idempotencyKey = key();
    const refused = h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey, lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990, pointsToSpend: 51 });
    expect(await codeOf(refused)).toBe('GROWTH.INSUFFICIENT_POINTS');
    expect(await h.db.order.count({ where: { userId: resident.userId } })).toBe(0);
    expect(ledger.balances.get(resident.userId)).toBe(50);
  });

  it('refuses a discount that leaves less than the minimum to pay, before asking the ledger', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await residentWith(5000);
    const before = ledger.created;
    const refused = h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990, pointsToSpend: 990 });
    expect(await codeOf(refused)).toBe('ORDERS.POINTS_EXCEED_TOTAL');
    expect(ledger.created).toBe(before);
    // 989 points leave the 1 cent minimum.
    const order = await h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990, pointsToSpend: 989 });
    expect(order.payableCents).toBe(1);
  });

  it('gives the points back when the order is refused after they were held (stock)', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 1 } });
    const first = await residentWith(0);
    await h.rpc.request(orders.placeOrder, { actor: first, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 });
    const resident = await residentWith(300);
    // The context read saw stock before the first order took it? Either way the order is refused.
    const refused = h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990, pointsToSpend: 300 });
    expect(await codeOf(refused)).toBe('ORDERS.STOCK_EXHAUSTED');
    expect(ledger.balances.get(resident.userId)).toBe(300);
    expect([...ledger.reservations.values()].filter((r) => r.userId === resident.userId && r.status === 'held')).toEqual([]);
  });

  it('refuses a points order when the ledger cannot be reached, and places no order', async () => {
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const resident = await residentWith(1000);
    // No communities service answers on this test's subjects (the ledger is asked twice, 500 ms each).
    ledger.delegate = new RpcPointsLedger(h.rpc, { points: { ...DEFAULT_ORDERS_OPTIONS.points, ledgerTimeoutMs: 500 } });
    try {
      const refused = h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990, pointsToSpend: 10 });
      expect(await codeOf(refused)).toBe('ORDERS.POINTS_UNAVAILABLE');
      expect(await h.db.order.count({ where: { userId: resident.userId } })).toBe(0);
      // Orders without points do not ask the ledger at all.
      const plain = await h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 });
      expect(plain).toMatchObject({ pointsSpent: 0, pointsDiscountCents: 0, payableCents: 990 });
    } finally {
      ledger.delegate = null;
    }
  });
});
