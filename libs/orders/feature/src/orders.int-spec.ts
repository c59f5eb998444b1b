import { randomUUID } from 'node:crypto';
import { health, leaderOps, orders } from '@linli/contracts';
import { EventConsumers, OutboxRelay, Subjects } from '@linli/nest-kit';
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

describe('orders service', () => {
  it('answers health with database and NATS checks', async () => {
    expect(await h.rpc.request(health.orders, {})).toMatchObject({ service: 'orders', status: 'up', checks: { nats: 'up', database: 'up' } });
  });

  describe('read model from leader-ops events', () => {
    it('applies each event once and never lets an older binding overwrite a newer one', async () => {
      const other = await aPickupPoint(h);
      const userId = randomUUID();
      const newer = { userId, pickupPointId: other.pickupPointId, compoundId: other.compoundId, previousPickupPointId: null, boundAt: new Date().toISOString() };
      const id = await publishEvent(h, leaderOps.residentBound, newer);
      await waitUntil(async () => (await h.db.residentBinding.count({ where: { userId } })) === 1);
      // The same event again, past JetStream's de-duplication (another message id): recorded once.
      const envelope = { id, subject: leaderOps.residentBound.subject, occurredAt: new Date().toISOString(), source: 'leader-ops', data: newer };
      await h.js.publish(new Subjects(h.prefix).of(leaderOps.residentBound.subject), JSON.stringify(envelope), { msgID: randomUUID() });
      // An older binding delivered late.
      await publishEvent(h, leaderOps.residentBound, { ...newer, pickupPointId: world.pickupPointId, compoundId: world.compoundId, boundAt: new Date(Date.now() - 3600_000).toISOString() });
      const marker = await publishEvent(h, leaderOps.compoundUpserted, { compoundId: `marker-${randomUUID().slice(0, 8)}`, name: 'm', city: 'c', timeZone: 'Asia/Shanghai' });
      await waitUntil(async () => (await h.db.processedEvent.count({ where: { eventId: marker } })) === 1);
      expect((await h.db.residentBinding.findUniqueOrThrow({ where: { userId } })).pickupPointId).toBe(other.pickupPointId);
      expect(await h.db.processedEvent.count({ where: { eventId: id } })).toBe(1);
    });
  });

  describe('catalog and campaigns', () => {
    it('keeps products, SKUs and bundles, filters by health flag, and publishes product changes', async () => {
      const resident = await aResident(h, world, true);
      const infant = await h.rpc.request(orders.listProducts, { actor: resident, categoryId: catalog.categoryId, healthFlag: 'infant' });
      expect(infant.products.map((p) => p.name).sort()).toEqual(['Carrot puree', 'Rice porridge']);
      expect((await h.rpc.request(orders.getProduct, { actor: resident, productId: catalog.milk.productId })).skus[0]!.priceCents).toBe(1200);
      const bundles = await h.rpc.request(orders.listBundles, { actor: resident });
      expect(bundles.bundles.find((b) => b.bundleId === catalog.kitId)).toMatchObject({ priceCents: 1800, listPriceCents: 2000 });
      const milk = await h.rpc.request(orders.getProduct, { actor: h.ops, productId: catalog.milk.productId });
      const code = milk.skus[0]!.code;
      expect(
        await codeOf(h.rpc.request(orders.upsertProduct, { actor: h.ops, product: { name: 'Copy', categoryId: catalog.categoryId, unit: 'pack', skus: [{ code, spec: 's', priceCents: 1 }] } })),
      ).toBe('ORDERS.SKU_CODE_TAKEN');
      expect(
        await codeOf(h.rpc.request(orders.upsertProduct, { actor: h.ops, product: { name: 'Lost', categoryId: 'no-such-category', unit: 'pack', skus: [{ code: `LOST-${randomUUID().slice(0, 6)}`, spec: 's', priceCents: 1 }] } })),
      ).toBe('ORDERS.CATALOG_INVALID');
      expect(await codeOf(h.rpc.request(orders.upsertProduct, { actor: resident, product: { name: 'Mine', categoryId: catalog.categoryId, unit: 'pack', skus: [{ code: 'MINE-01', spec: 's', priceCents: 1 }] } }))).toBe(
        'AUTH.FORBIDDEN',
      );
      await h.events.waitFor((all) => all.some((e) => e.subject === 'orders.product.upserted.v1' && (e.data as { productId: string }).productId === catalog.milk.productId));
    });

    it('refuses a campaign without stock for a bundle component, and publishes a valid one once', async () => {
      const now = Date.now();
      const base = {
        title: 'Weekend',
        startsAt: new Date(now).toISOString(),
        cutoffAt: new Date(now + 3600_000).toISOString(),
        deliveryDate: new Date(now + 86_400_000).toISOString().slice(0, 10),
        targets: { compoundIds: [world.compoundId] },
        offers: [{ kind: 'bundle' as const, bundleId: catalog.kitId, priceCents: 1500 }],
      };
      const refused = h.rpc.request(orders.createCampaign, { actor: h.ops, campaign: { ...base, stock: [{ skuId: catalog.puree.skuId, quantity: 10 }] } });
      expect(await codeOf(refused)).toBe('ORDERS.CAMPAIGN_INVALID');
      const draft = await h.rpc.request(orders.createCampaign, { actor: h.ops, campaign: { ...base, stock: [{ skuId: catalog.puree.skuId, quantity: 10 }, { skuId: catalog.rice.skuId, quantity: 3 }] } });
      expect(draft.status).toBe('draft');
      expect(draft.offers[0]!.available).toBe(3);
      const kit = { name: '15-minute baby food kit', priceCents: 1800, items: [{ skuId: catalog.puree.skuId, quantity: 3 }] };
      expect(await codeOf(h.rpc.request(orders.upsertBundle, { actor: h.ops, bundle: { ...kit, bundleId: catalog.kitId } }))).toBe('ORDERS.CATALOG_INVALID');
      const renamed = await h.rpc.request(orders.upsertBundle, {
        actor: h.ops,
        bundle: { bundleId: catalog.kitId, name: 'Baby food kit', priceCents: 1800, items: [{ skuId: catalog.rice.skuId, quantity: 1 }, { skuId: catalog.puree.skuId, quantity: 2 }] },
      });
      expect(renamed.name).toBe('Baby food kit');
      await h.rpc.request(orders.publishCampaign, { actor: h.ops, campaignId: draft.campaignId });
      await h.rpc.request(orders.publishCampaign, { actor: h.ops, campaignId: draft.campaignId });
      await h.events.waitFor((all) => all.some((e) => e.subject === 'orders.campaign.published.v1' && (e.data as { campaignId: string }).campaignId === draft.campaignId));
      expect(h.events.ofSubject('orders.campaign.published.v1').filter((e) => (e.data as { campaignId: string }).campaignId === draft.campaignId)).toHaveLength(1);
    });
  });

  describe('placing', () => {
    it('refuses every bad order with its code and writes nothing', async () => {
      const { campaign, milkOffer, kitOffer } = await aCampaign(h, world, catalog, { stock: { milk: 5 }, milkLimit: 3 });
      const resident = await aResident(h, world);
      const elsewhere = await aPickupPoint(h);
      const foreign = await aCampaign(h, elsewhere, catalog);
      const future = await aCampaign(h, world, catalog, { startsInMs: 3600_000 - 1000 });
      const draft = await aCampaign(h, world, catalog, { publish: false });
      const closed = await aCampaign(h, world, catalog);
      await passCutoff(h, closed.campaign.campaignId);
      const snapshot = async () => ({
        orders: await h.db.order.count(),
        lines: await h.db.orderLine.count(),
        quotas: await h.db.customerQuota.count(),
        outbox: await h.db.outboxEvent.count({ where: { subject: { startsWith: 'orders.order.' } } }),
        stock: (await h.db.stockBucket.aggregate({ _sum: { remaining: true } }))._sum.remaining,
      });
      const before = await snapshot();
      const place = (actor: typeof resident, campaignId: string, lines: { offerId: string; quantity: number }[], expectedTotalCents: number) =>
        codeOf(h.rpc.request(orders.placeOrder, { actor, campaignId, idempotencyKey: key(), lines, expectedTotalCents }));
      const unbound = { userId: randomUUID(), roles: ['resident' as const] };
      expect(await place(unbound, campaign.campaignId, [{ offerId: milkOffer, quantity: 1 }], 990)).toBe('ORDERS.NOT_BOUND');
      expect(await place(resident, foreign.campaign.campaignId, [{ offerId: foreign.milkOffer, quantity: 1 }], 990)).toBe('ORDERS.NOT_SERVED');
      expect(await place(resident, future.campaign.campaignId, [{ offerId: future.milkOffer, quantity: 1 }], 990)).toBe('ORDERS.CAMPAIGN_NOT_STARTED');
      expect(await place(resident, closed.campaign.campaignId, [{ offerId: closed.milkOffer, quantity: 1 }], 990)).toBe('ORDERS.CAMPAIGN_CLOSED');
      expect(await place(resident, draft.campaign.campaignId, [{ offerId: draft.milkOffer, quantity: 1 }], 990)).toBe('ORDERS.CAMPAIGN_NOT_FOUND');
      expect(await place(resident, randomUUID(), [{ offerId: milkOffer, quantity: 1 }], 990)).toBe('ORDERS.CAMPAIGN_NOT_FOUND');
      expect(await place(resident, campaign.campaignId, [{ offerId: randomUUID(), quantity: 1 }], 990)).toBe('ORDERS.OFFER_NOT_FOUND');
      expect(await place(resident, campaign.campaignId, [{ offerId: milkOffer, quantity: 1 }], 1)).toBe('ORDERS.PRICE_MISMATCH');
      expect(await place(resident, campaign.campaignId, [{ offerId: milkOffer, quantity: 4 }], 3960)).toBe('ORDERS.LIMIT_EXCEEDED');
      expect(await place(resident, campaign.campaignId, [{ offerId: kitOffer, quantity: 60 }], 96_000)).toBe('ORDERS.STOCK_EXHAUSTED');
      // Quota taken, then stock refused: the quota is rolled back with the rest.
      const other = await aResident(h, world, true);
      await h.rpc.request(orders.placeOrder, { actor: other, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 3 }], expectedTotalCents: 2970 });
      const mid = await snapshot();
      expect(await place(resident, campaign.campaignId, [{ offerId: milkOffer, quantity: 3 }], 2970)).toBe('ORDERS.STOCK_EXHAUSTED');
      // Past the client's own validation, straight onto the subject: the service answers with the envelope.
      const reply = await h.nc.request(
        new Subjects(h.prefix).of(orders.placeOrder.subject),
        JSON.stringify({ actor: resident, campaignId: campaign.campaignId, idempotencyKey: 'x', lines: [], expectedTotalCents: -1 }),
        { timeout: 5000 },
      );
      const body = reply.json<{ ok: boolean; error: { code: string; details: { fields: { path: string }[] } } }>();
      expect(body.error.code).toBe('COMMON.VALIDATION_FAILED');
      expect(body.error.details.fields.map((f) => f.path).sort()).toEqual(['expectedTotalCents', 'idempotencyKey', 'lines']);
      expect(await snapshot()).toEqual(mid);
      expect(mid.orders).toBe(before.orders + 1);
      expect(await h.db.customerQuota.findMany({ where: { userId: resident.userId } })).toEqual([]);
    });

    it('returns the same order when retried with the same key, and refuses the key for another request', async () => {
      const { campaign, milkOffer, riceOffer } = await aCampaign(h, world, catalog);
      const resident = await aResident(h, world, true);
      const request = { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 2 }, { offerId: riceOffer, quantity: 1 }], expectedTotalCents: 2680 };
      const first = await h.rpc.request(orders.placeOrder, request);
      const again = await h.rpc.request(orders.placeOrder, request);
      expect(again.orderId).toBe(first.orderId);
      expect(first).toMatchObject({ status: 'pending_payment', totalCents: 2680, pickupPointId: world.pickupPointId, compoundId: world.compoundId });
      expect(await codeOf(h.rpc.request(orders.placeOrder, { ...request, lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 }))).toBe('ORDERS.IDEMPOTENCY_KEY_REUSED');
      expect(await h.db.order.count({ where: { userId: resident.userId } })).toBe(1);
    });

    it('prices a bundle as one line that reserves its components, showing campaign times in the compound time zone', async () => {
      const { campaign, kitOffer } = await aCampaign(h, world, catalog);
      const resident = await aResident(h, world);
      const seen = await h.rpc.request(orders.getCampaign, { actor: resident, campaignId: campaign.campaignId });
      const kit = seen.offers.find((o) => o.offerId === kitOffer)!;
      expect(kit).toMatchObject({ kind: 'bundle', priceCents: 1600, listPriceCents: 2000, available: 50, healthFlags: ['infant'] });
      expect(seen.local.timeZone).toBe('Asia/Shanghai');
      const order = await h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: kitOffer, quantity: 2 }], expectedTotalCents: 3200 });
      expect(order.lines).toHaveLength(1);
      expect(order.lines[0]).toMatchObject({ kind: 'bundle', bundleId: catalog.kitId, quantity: 2, amountCents: 3200 });
      const after = await h.rpc.request(orders.getCampaign, { actor: resident, campaignId: campaign.campaignId });
      expect(after.stock.find((s) => s.skuId === catalog.puree.skuId)!.remaining).toBe(96);
      expect(after.stock.find((s) => s.skuId === catalog.rice.skuId)!.remaining).toBe(98);
      const listed = await h.rpc.request(orders.listCampaigns, { actor: resident });
      expect(listed.campaigns.map((c) => c.campaignId)).toContain(campaign.campaignId);
    });
  });

  describe('lifecycle', () => {
    it('walks an order from placed to completed, checking every step and recording who did it', async () => {
      const { campaign, milkOffer } = await aCampaign(h, world, catalog);
      const resident = await aResident(h, world);
      const order = await placePaid(h, resident, campaign.campaignId, [{ offerId: milkOffer, quantity: 2 }], 1980);
      const { code } = await h.rpc.request(orders.getPickupCode, { actor: resident, orderId: order.orderId });
      expect(await codeOf(h.rpc.request(orders.scanPickup, { actor: world.leader, code }))).toBe('ORDERS.INVALID_TRANSITION');
      expect(await codeOf(h.rpc.request(orders.payOrder, { actor: resident, orderId: order.orderId }))).toBe('ORDERS.INVALID_TRANSITION');
      expect(await codeOf(h.rpc.request(orders.shipCampaign, { actor: h.ops, campaignId: campaign.campaignId }))).toBe('ORDERS.INVALID_TRANSITION');

      await passCutoff(h, campaign.campaignId);
      await h.scheduler.runOnce();
      expect(await orderStatus(h, order.orderId)).toBe('locked');
      expect(await codeOf(h.rpc.request(orders.cancelOrder, { actor: resident, orderId: order.orderId }))).toBe('ORDERS.INVALID_TRANSITION');
      expect(await codeOf(h.rpc.request(orders.confirmReceipt, { actor: world.leader, campaignId: campaign.campaignId, pickupPointId: world.pickupPointId }))).toBe(
        'ORDERS.INVALID_TRANSITION',
      );
      expect((await h.rpc.request(orders.shipCampaign, { actor: h.ops, campaignId: campaign.campaignId })).shippedOrders).toBe(1);
      const receipt = await h.rpc.request(orders.confirmReceipt, { actor: world.leader, campaignId: campaign.campaignId, pickupPointId: world.pickupPointId });
      expect(receipt).toMatchObject({ receivedOrders: 1, refunds: [] });

      const other = await aPickupPoint(h, world.compoundId);
      expect(await codeOf(h.rpc.request(orders.scanPickup, { actor: other.leader, code }))).toBe('ORDERS.PICKUP_CODE_INVALID');
      expect(await codeOf(h.rpc.request(orders.scanPickup, { actor: resident, code }))).toBe('AUTH.FORBIDDEN');
      const picked = await h.rpc.request(orders.scanPickup, { actor: world.leader, code });
      expect(picked.status).toBe('picked_up');
      expect(await codeOf(h.rpc.request(orders.scanPickup, { actor: world.leader, code }))).toBe('ORDERS.ALREADY_PICKED_UP');

      await h.db.$executeRawUnsafe(`UPDATE orders SET picked_up_at = now() - interval '49 hours' WHERE id = $1::uuid`, order.orderId);
      await h.scheduler.runOnce();
      const done = await h.rpc.request(orders.getOrder, { actor: resident, orderId: order.orderId });
      expect(done.status).toBe('completed');
      expect(done.transitions.map((t) => `${t.from ?? '∅'}→${t.to}:${t.actor.kind}`)).toEqual([
        '∅→pending_payment:resident',
        'pending_payment→paid:payment',
        'paid→locked:system',
        'locked→shipped:ops',
        'shipped→received:leader',
        'received→picked_up:leader',
        'picked_up→completed:system',
      ]);
      expect(done.transitions[4]!.actor.userId).toBe(world.leader.userId);
      const subjects = ['placed', 'paid', 'locked', 'shipped', 'received', 'picked-up', 'completed'].map((s) => `orders.order.${s}.v1`);
      await h.events.waitFor((all) => subjects.every((s) => all.some((e) => e.subject === s && (e.data as { orderId: string }).orderId === order.orderId)));
      for (const subject of subjects) {
        const mine = h.events.ofSubject(subject).filter((e) => (e.data as { orderId: string }).orderId === order.orderId);
        expect([subject, mine.length]).toEqual([subject, 1]);
      }
      const placed = h.events.ofSubject('orders.order.placed.v1').find((e) => (e.data as { orderId: string }).orderId === order.orderId)!;
      expect(placed.data).toMatchObject({
        userId: resident.userId,
        pickupPointId: world.pickupPointId,
        compoundId: world.compoundId,
        lines: [{ skuId: catalog.milk.skuId, productId: catalog.milk.productId, categoryId: catalog.categoryId, quantity: 2, amountCents: 1980 }],
      });
    });

    it('lets residents see only their orders and leaders only their point', async () => {
      const { campaign, milkOffer } = await aCampaign(h, world, catalog);
      const resident = await aResident(h, world, true);
      const stranger = await aResident(h, world, true);
      const order = await h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 });
      expect(await codeOf(h.rpc.request(orders.getOrder, { actor: stranger, orderId: order.orderId }))).toBe('AUTH.FORBIDDEN');
      expect(await codeOf(h.rpc.request(orders.cancelOrder, { actor: stranger, orderId: order.orderId }))).toBe('AUTH.FORBIDDEN');
      expect(await codeOf(h.rpc.request(orders.payOrder, { actor: stranger, orderId: order.orderId }))).toBe('AUTH.FORBIDDEN');
      expect(await codeOf(h.rpc.request(orders.getPickupCode, { actor: stranger, orderId: order.orderId }))).toBe('AUTH.FORBIDDEN');
      expect((await h.rpc.request(orders.getOrder, { actor: world.leader, orderId: order.orderId })).orderId).toBe(order.orderId);
      const other = await aPickupPoint(h);
      expect(await codeOf(h.rpc.request(orders.getOrder, { actor: other.leader, orderId: order.orderId }))).toBe('AUTH.FORBIDDEN');
      expect(await codeOf(h.rpc.request(orders.listOrders, { actor: other.leader, pickupPointId: world.pickupPointId }))).toBe('AUTH.FORBIDDEN');
      const atPoint = await h.rpc.request(orders.listOrders, { actor: world.leader, pickupPointId: world.pickupPointId, campaignId: campaign.campaignId });
      expect(atPoint.orders.map((o) => o.orderId)).toEqual([order.orderId]);
      expect((await h.rpc.request(orders.listOrders, { actor: stranger })).total).toBe(0);
      expect(await codeOf(h.rpc.request(orders.publishCampaign, { actor: world.leader, campaignId: campaign.campaignId }))).toBe('AUTH.FORBIDDEN');
      expect(await codeOf(h.rpc.request(orders.shipCampaign, { actor: world.leader, campaignId: campaign.campaignId }))).toBe('AUTH.FORBIDDEN');
      expect(await codeOf(h.rpc.request(orders.upsertCategory, { actor: world.leader, categoryId: 'sneaky', name: 'x' }))).toBe('AUTH.FORBIDDEN');
      expect(await codeOf(h.rpc.request(orders.purchaseSummary, { actor: world.leader, campaignId: campaign.campaignId }))).toBe('AUTH.FORBIDDEN');
      expect(await codeOf(h.rpc.request(orders.sortingList, { actor: other.leader, campaignId: campaign.campaignId, pickupPointId: world.pickupPointId }))).toBe('AUTH.FORBIDDEN');
    });

    it('cancelling before cut-off releases stock and the per-customer quota; an unpaid order expires and releases too', async () => {
      const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 4 }, milkLimit: 2 });
      const resident = await aResident(h, world, true);
      const milkLeft = async () => (await h.rpc.request(orders.getCampaign, { actor: h.ops, campaignId: campaign.campaignId })).stock.find((s) => s.skuId === catalog.milk.skuId)!.remaining;
      const first = await h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 2 }], expectedTotalCents: 1980 });
      expect(await milkLeft()).toBe(2);
      const cancelled = await h.rpc.request(orders.cancelOrder, { actor: resident, orderId: first.orderId, reason: 'changed my mind' });
      expect(cancelled.status).toBe('cancelled');
      expect(await milkLeft()).toBe(4);
      // The quota came back: two more are allowed.
      const second = await h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: key(), lines: [{ offerId: milkOffer, quantity: 2 }], expectedTotalCents: 1980 });
      await h.db.$executeRawUnsafe(`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1::uuid`, second.orderId);
      expect((await h.scheduler.runOnce()).expired).toBeGreaterThanOrEqual(1);
      expect(await orderStatus(h, second.orderId)).toBe('expired');
      expect(await milkLeft()).toBe(4);
      expect(await codeOf(h.rpc.request(orders.payOrder, { actor: resident, orderId: second.orderId }))).toBe('ORDERS.INVALID_TRANSITION');
      await h.events.waitFor((all) => all.some((e) => e.subject === 'orders.order.expired.v1' && (e.data as { orderId: string }).orderId === second.orderId));
    });
  });

  describe('events', () => {
    it('reach a durable consumer exactly once, even when the outbox publishes again and a message is duplicated', async () => {
      const seen: string[] = [];
      const consumers = new EventConsumers(h.nc, h.db, new Subjects(h.prefix));
      await consumers.start({
        durable: `test-recommendations-${randomUUID().slice(0, 8)}`,
        domain: 'orders',
        contracts: [orders.orderPlaced, orders.orderPaid],
        handle: async (event) => {
          seen.push(event.id);
        },
      });
      try {
        const { campaign, milkOffer } = await aCampaign(h, world, catalog);
        const resident = await aResident(h, world, true);
        const order = await placePaid(h, resident, campaign.campaignId, [{ offerId: milkOffer, quantity: 1 }], 990);
        const mine = await h.db.outboxEvent.findMany({ where: { subject: { in: ['orders.order.placed.v1', 'orders.order.paid.v1'] }, payload: { path: ['orderId'], equals: order.orderId } } });
        expect(mine).toHaveLength(2);
        await waitUntil(() => mine.every((row) => seen.includes(row.id)), 10_000, 'events consumed');
        // The relay publishes the same rows again (as after a crash between publish and mark).
        await h.db.outboxEvent.updateMany({ where: { id: { in: mine.map((row) => row.id) } }, data: { publishedAt: null } });
        h.app.get(OutboxRelay).notify();
        await waitUntil(async () => (await h.db.outboxEvent.count({ where: { id: { in: mine.map((r) => r.id) }, publishedAt: null } })) === 0);
        // And one arrives again under another message id, past the stream's de-duplication.
        const row = mine[0]!;
        const envelope = { id: row.id, subject: row.subject, occurredAt: row.createdAt.toISOString(), source: 'orders', data: row.payload };
        await h.js.publish(new Subjects(h.prefix).of(row.subject), JSON.stringify(envelope), { msgID: randomUUID() });
        const marker = await placePaid(h, resident, campaign.campaignId, [{ offerId: milkOffer, quantity: 1 }], 990);
        const markerRow = await h.db.outboxEvent.findFirstOrThrow({ where: { subject: 'orders.order.paid.v1', payload: { path: ['orderId'], equals: marker.orderId } } });
        await waitUntil(() => seen.includes(markerRow.id), 10_000, 'marker consumed');
        for (const r of mine) expect(seen.filter((id) => id === r.id)).toHaveLength(1);
      } finally {
        await consumers.stop();
      }
    });
  });
});
