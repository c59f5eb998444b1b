import { randomUUID } from 'node:crypto';
import { LinliError, orders } from '@linli/contracts';
import { settledCode } from '@linli/testing';
import { OrderService } from './order.service.js';
import { aCampaign, aCatalog, aPickupPoint, aResident, startOrders, type OrdersHarness } from './orders.fixture.js';

let h: OrdersHarness;

beforeAll(async () => {
  h = await startOrders({ stockBuckets: 8 });
});

afterAll(async () => {
  await h?.close();
});

async function remaining(campaignId: string, skuId: string): Promise<{ sum: number; min: number; reserved: number }> {
  const [row] = await h.db.$queryRawUnsafe<{ sum: number; min: number }[]>(
    'SELECT sum(remaining)::int AS sum, min(remaining)::int AS min FROM stock_buckets WHERE campaign_id = $1::uuid AND sku_id = $2::uuid',
    campaignId,
    skuId,
  );
  const [reserved] = await h.db.$queryRawUnsafe<{ n: number }[]>(
    'SELECT coalesce(sum(quantity), 0)::int AS n FROM stock_reservations WHERE campaign_id = $1::uuid AND sku_id = $2::uuid AND released_at IS NULL',
    campaignId,
    skuId,
  );
  return { sum: Number(row!.sum), min: Number(row!.min), reserved: Number(reserved!.n) };
}

/** What a placed order wrote besides its row: lines, items, first transition, placed event and reservations, per order. */
async function written(orderIds: string[]) {
  return h.db.$queryRawUnsafe<{ id: string; lines: number; items: number; units: number; transitions: number; events: number; reserved: number }[]>(
    `SELECT o.id::text AS id,
            (SELECT count(*)::int FROM order_lines l WHERE l.order_id = o.id) AS lines,
            (SELECT count(*)::int FROM order_line_items i WHERE i.order_id = o.id) AS items,
            (SELECT coalesce(sum(i.quantity), 0)::int FROM order_line_items i WHERE i.order_id = o.id) AS units,
            (SELECT count(*)::int FROM order_transitions t WHERE t.order_id = o.id AND t.to_status = 'pending_payment') AS transitions,
            (SELECT count(*)::int FROM outbox_events e WHERE e.subject = 'orders.order.placed.v1' AND e.payload->>'orderId' = o.id::text) AS events,
            (SELECT coalesce(sum(r.quantity), 0)::int FROM stock_reservations r WHERE r.order_id = o.id) AS reserved
       FROM orders o WHERE o.id = ANY ($1::uuid[]) ORDER BY o.id`,
    orderIds,
  );
}

/** Reservations of orders that do not exist (a refused order that left its stock taken). */
async function orphanReservations(): Promise<number> {
  const [row] = await h.db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM stock_reservations r WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = r.order_id)');
  return row!.n;
}

describe('stock under concurrency', () => {
  it('sells exactly 50 of 50 units to 200 parallel orders, never more', async () => {
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 50 } });
    const residents = await Promise.all(Array.from({ length: 200 }, () => aResident(h, world, true)));
    const results = await Promise.allSettled(
      residents.map((actor) =>
        h.rpc.request(orders.placeOrder, { actor, campaignId: campaign.campaignId, idempotencyKey: `k-${randomUUID()}`, lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(50);
    expect(refused.map((r) => (r.reason instanceof LinliError ? r.reason.code : String(r.reason)))).toEqual(Array(150).fill('ORDERS.STOCK_EXHAUSTED'));
    expect(await remaining(campaign.campaignId, catalog.milk.skuId)).toEqual({ sum: 0, min: 0, reserved: 50 });
    expect(await h.db.order.count({ where: { campaignId: campaign.campaignId } })).toBe(50);
  }, 120_000);

  it('answers a sold-out SKU at once, without queueing behind the bucket locks', async () => {
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 1 } });
    const [first, second] = await Promise.all([aResident(h, world, true), aResident(h, world, true)]);
    const order = (actor: typeof first) =>
      h.rpc.request(orders.placeOrder, { actor, campaignId: campaign.campaignId, idempotencyKey: `k-${randomUUID()}`, lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 });
    await order(first);
    // Another transaction holds every bucket of the sold-out SKU (as a reservation in progress would)
    // for longer than the request is allowed to take.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = h.db.$transaction(
      async (tx) => {
        await tx.$queryRawUnsafe('SELECT remaining FROM stock_buckets WHERE campaign_id = $1::uuid AND sku_id = $2::uuid FOR UPDATE', campaign.campaignId, catalog.milk.skuId);
        locked();
        await released;
      },
      { timeout: 20_000 },
    );
    await isLocked;
    try {
      const refused = await h.rpc.request(orders.placeOrder, { actor: second, campaignId: campaign.campaignId, idempotencyKey: `k-${randomUUID()}`, lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 }, { timeoutMs: 3_000 }).then(
        () => 'placed',
        (error: LinliError) => error.code,
      );
      expect(refused).toBe('ORDERS.STOCK_EXHAUSTED');
    } finally {
      release();
      await holder;
    }
    expect(await h.db.order.count({ where: { campaignId: campaign.campaignId } })).toBe(1);
  });

  it('keeps its database connections when it refuses orders (a failed query would cost the pool one)', async () => {
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 100 }, milkLimit: 1 });
    const resident = await aResident(h, world, true);
    const order = () =>
      h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: `k-${randomUUID()}`, lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 });
    await order();
    const [{ since }] = await h.db.$queryRawUnsafe<{ since: Date }[]>('SELECT clock_timestamp() AS since');
    for (let i = 0; i < 5; i++) await expect(order()).rejects.toMatchObject({ code: 'ORDERS.LIMIT_EXCEEDED' });
    const [{ opened }] = await h.db.$queryRawUnsafe<{ opened: number }[]>(
      'SELECT count(*)::int AS opened FROM pg_stat_activity WHERE datname = current_database() AND backend_start > $1',
      since,
    );
    expect(opened).toBe(0);
  });

  it('holds the per-customer limit when one resident sends many orders at once', async () => {
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 100 }, milkLimit: 3 });
    const resident = await aResident(h, world, true);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        h.rpc.request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: `k-${randomUUID()}`, lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as LinliError).code).toBe('ORDERS.LIMIT_EXCEEDED');
    expect((await remaining(campaign.campaignId, catalog.milk.skuId)).sum).toBe(97);
    const [quota] = await h.db.$queryRawUnsafe<{ quantity: number }[]>('SELECT quantity FROM customer_quotas WHERE user_id = $1::uuid', resident.userId);
    expect(quota!.quantity).toBe(3);
  }, 60_000);

  it('returns the same order for concurrent retries with one idempotency key and reserves once', async () => {
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 10 } });
    const resident = await aResident(h, world, true);
    const request = { actor: resident, campaignId: campaign.campaignId, idempotencyKey: `k-${randomUUID()}`, lines: [{ offerId: milkOffer, quantity: 2 }], expectedTotalCents: 1980 };
    const results = await Promise.all(Array.from({ length: 8 }, () => h.rpc.request(orders.placeOrder, request)));
    expect(new Set(results.map((o) => o.orderId)).size).toBe(1);
    expect((await remaining(campaign.campaignId, catalog.milk.skuId)).sum).toBe(8);
  }, 60_000);

  it('takes a bundle from each component and takes across buckets when no single bucket holds enough', async () => {
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    // 8 buckets of 2 puree and 1–2 rice: a kit of 3 needs 6 puree (more than any one bucket).
    const { campaign, kitOffer } = await aCampaign(h, world, catalog, { stock: { puree: 16, rice: 12 } });
    const resident = await aResident(h, world, true);
    const order = await h.rpc.request(orders.placeOrder, {
      actor: resident,
      campaignId: campaign.campaignId,
      idempotencyKey: `k-${randomUUID()}`,
      lines: [{ offerId: kitOffer, quantity: 3 }],
      expectedTotalCents: 4800,
    });
    expect(order.lines[0]!.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ skuId: catalog.puree.skuId, quantity: 6 }), expect.objectContaining({ skuId: catalog.rice.skuId, quantity: 3 })]),
    );
    expect(await remaining(campaign.campaignId, catalog.puree.skuId)).toEqual({ sum: 10, min: 0, reserved: 6 });
    expect((await remaining(campaign.campaignId, catalog.rice.skuId)).sum).toBe(9);
    // 10 puree left = 5 kits; 6 kits are refused and nothing of the failed order stays reserved.
    const code = await h.rpc
      .request(orders.placeOrder, { actor: resident, campaignId: campaign.campaignId, idempotencyKey: `k-${randomUUID()}`, lines: [{ offerId: kitOffer, quantity: 6 }], expectedTotalCents: 9600 })
      .then(() => 'ok', (e: LinliError) => e.code);
    expect(code).toBe('ORDERS.STOCK_EXHAUSTED');
    expect((await remaining(campaign.campaignId, catalog.rice.skuId)).sum).toBe(9);
    expect((await remaining(campaign.campaignId, catalog.puree.skuId)).sum).toBe(10);
  }, 60_000);
});

describe('pickup point capacity', () => {
  it('places no more parcels at a point on a delivery day than its capacity, frees one when an order is cancelled, and counts each day apart', async () => {
    const world = await aPickupPoint(h, undefined, 12);
    const catalog = await aCatalog(h);
    const { campaign, milkOffer } = await aCampaign(h, world, catalog);
    const place = (actor: Awaited<ReturnType<typeof aResident>>, campaignId = campaign.campaignId, offerId = milkOffer) =>
      h.rpc.request(orders.placeOrder, { actor, campaignId, idempotencyKey: `k-${randomUUID()}`, lines: [{ offerId, quantity: 1 }], expectedTotalCents: 990 });
    const residents = await Promise.all(Array.from({ length: 30 }, () => aResident(h, world, true)));
    const results = await Promise.allSettled(residents.map((actor) => place(actor)));
    const placed = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof place>>> => r.status === 'fulfilled').map((r) => r.value);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as LinliError);
    expect(placed).toHaveLength(12);
    expect(refused.map((e) => [e.code, e.details])).toEqual(Array(18).fill(['ORDERS.PICKUP_POINT_FULL', { pickupPointId: world.pickupPointId }]));
    expect(await h.db.order.count({ where: { campaignId: campaign.campaignId } })).toBe(12);
    // A refused order took nothing: stock went to the 12 only.
    expect((await remaining(campaign.campaignId, catalog.milk.skuId)).reserved).toBe(12);

    const late = residents.find((r) => !placed.some((o) => o.userId === r.userId))!;
    expect(await place(late).catch((e: LinliError) => e.code)).toBe('ORDERS.PICKUP_POINT_FULL');
    await h.rpc.request(orders.cancelOrder, { actor: residents.find((r) => r.userId === placed[0]!.userId)!, orderId: placed[0]!.orderId });
    expect((await place(late)).status).toBe('pending_payment');
    expect(await place(residents.find((r) => r.userId === placed[1]!.userId)!).catch((e: LinliError) => e.code)).toBe('ORDERS.PICKUP_POINT_FULL');

    // Another campaign delivering on another day has the point's whole capacity.
    const other = await h.rpc.request(orders.createCampaign, {
      actor: h.ops,
      campaign: {
        title: 'The day after',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        cutoffAt: new Date(Date.now() + 3600_000).toISOString(),
        deliveryDate: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10),
        targets: { compoundIds: [world.compoundId], pickupPointIds: [] },
        offers: [{ kind: 'sku', skuId: catalog.milk.skuId, priceCents: 990 }],
        stock: [{ skuId: catalog.milk.skuId, quantity: 100 }],
      },
    });
    const published = await h.rpc.request(orders.publishCampaign, { actor: h.ops, campaignId: other.campaignId });
    expect((await place(late, other.campaignId, published.offers[0]!.offerId)).status).toBe('pending_payment');
    const days = await h.db.pickupPointDay.findMany({ where: { pickupPointId: world.pickupPointId }, orderBy: { deliveryDate: 'asc' } });
    expect(days.map((d) => d.parcels)).toEqual([12, 1]);
  }, 120_000);
});

describe('placement in batches', () => {
  const codeOf = (result: PromiseSettledResult<unknown>) => (result.status === 'fulfilled' ? 'placed' : settledCode(result));

  it('places orders that arrive together in one statement, each with its own answer', async () => {
    const service = h.app.get(OrderService);
    const before = { ...service.placements.stats };
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 5 }, milkLimit: 2 });
    const [greedy, retrier, ...others] = await Promise.all(Array.from({ length: 6 }, () => aResident(h, world, true)));
    const order = (actor: typeof greedy, quantity: number, key = `k-${randomUUID()}`) =>
      h.rpc.request(orders.placeOrder, { actor, campaignId: campaign.campaignId, idempotencyKey: key, lines: [{ offerId: milkOffer, quantity }], expectedTotalCents: 990 * quantity });
    const retryKey = `k-${randomUUID()}`;
    // 2 + 2 units over a limit of 2; one key sent twice; 4 more single units: 9 units asked of 5.
    const requests = [order(greedy!, 2), order(greedy!, 2), order(retrier!, 1, retryKey), order(retrier!, 1, retryKey), ...others.map((actor) => order(actor, 1))];
    const results = await Promise.allSettled(requests);

    const after = service.placements.stats;
    expect(after.largest).toBeGreaterThan(1);
    expect(after.items - before.items).toBeLessThanOrEqual(requests.length);
    expect(after.batches - before.batches).toBeLessThan(after.items - before.items);

    const codes = results.map(codeOf);
    for (const code of codes) expect(['placed', 'ORDERS.LIMIT_EXCEEDED', 'ORDERS.STOCK_EXHAUSTED']).toContain(code);
    // The retried key is one order (or one refusal) however the batch went.
    expect(codes[2]).toBe(codes[3]);
    if (results[2]!.status === 'fulfilled' && results[3]!.status === 'fulfilled') expect(results[2].value.orderId).toBe(results[3].value.orderId);
    // The greedy resident never holds more than the limit.
    expect(codes.slice(0, 2).filter((code) => code === 'placed').length).toBeLessThanOrEqual(1);
    const placed = new Map<string, number>();
    for (const result of results) if (result.status === 'fulfilled') placed.set(result.value.orderId, result.value.lines[0]!.quantity);
    const units = [...placed.values()].reduce((a, b) => a + b, 0);
    expect(units).toBe(5);
    // What was answered is what was written: orders, their stock and their events, nothing of the refused.
    expect(await remaining(campaign.campaignId, catalog.milk.skuId)).toEqual({ sum: 0, min: 0, reserved: 5 });
    const rows = await h.db.order.findMany({ where: { campaignId: campaign.campaignId }, select: { id: true } });
    expect(rows.map((row) => row.id).sort()).toEqual([...placed.keys()].sort());
    const [{ events }] = await h.db.$queryRawUnsafe<{ events: number }[]>(
      "SELECT count(*)::int AS events FROM outbox_events WHERE subject = 'orders.order.placed.v1' AND payload->>'campaignId' = $1",
      campaign.campaignId,
    );
    expect(events).toBe(placed.size);
    for (const row of await written([...placed.keys()])) {
      expect(row).toEqual({ id: row.id, lines: 1, items: 1, units: placed.get(row.id), transitions: 1, events: 1, reserved: placed.get(row.id) });
    }
    expect(await orphanReservations()).toBe(0);
  }, 60_000);

  it('reads each request of a batch in its own context: campaign, binding, offers, stock and key', async () => {
    const service = h.app.get(OrderService);
    const [north, south] = await Promise.all([aPickupPoint(h), aPickupPoint(h)]);
    const catalog = await aCatalog(h);
    const a = await aCampaign(h, north, catalog);
    const b = await aCampaign(h, south, catalog, { stock: { milk: 1 } });
    const [bundleBuyer, tamperer, retrier] = await Promise.all([aResident(h, north, true), aResident(h, north, true), aResident(h, north, true)]);
    const [southA, southB] = await Promise.all([aResident(h, south, true), aResident(h, south, true)]);
    const unbound = { userId: randomUUID(), roles: ['resident'] as 'resident'[] };
    const retryKey = `k-${randomUUID()}`;
    const earlier = await h.rpc.request(orders.placeOrder, {
      actor: retrier!, campaignId: a.campaign.campaignId, idempotencyKey: retryKey, lines: [{ offerId: a.riceOffer, quantity: 1 }], expectedTotalCents: 700,
    });
    const order = (actor: typeof unbound, campaign: { campaign: { campaignId: string } }, lines: { offerId: string; quantity: number }[], total: number, key = `k-${randomUUID()}`) =>
      h.rpc.request(orders.placeOrder, { actor, campaignId: campaign.campaign.campaignId, idempotencyKey: key, lines, expectedTotalCents: total });
    const before = { ...service.contexts.stats };
    const results = await Promise.allSettled([
      order(bundleBuyer!, a, [{ offerId: a.kitOffer, quantity: 1 }, { offerId: a.riceOffer, quantity: 2 }], 1600 + 1400),
      order(southA!, b, [{ offerId: b.milkOffer, quantity: 1 }], 990),
      order(southB!, a, [{ offerId: a.milkOffer, quantity: 1 }], 990),
      order(unbound, a, [{ offerId: a.milkOffer, quantity: 1 }], 990),
      order(tamperer!, a, [{ offerId: a.milkOffer, quantity: 1 }], 1),
      order(retrier!, a, [{ offerId: a.riceOffer, quantity: 1 }], 700, retryKey),
      order(southB!, b, [{ offerId: b.riceOffer, quantity: 3 }, { offerId: b.kitOffer, quantity: 1 }], 2100 + 1600),
    ]);
    expect(service.contexts.stats.largest).toBeGreaterThan(1);
    expect(service.contexts.stats.batches - before.batches).toBeLessThan(service.contexts.stats.items - before.items);
    expect(results.map(codeOf)).toEqual(['placed', 'placed', 'ORDERS.NOT_SERVED', 'ORDERS.NOT_BOUND', 'ORDERS.PRICE_MISMATCH', 'placed', 'placed']);
    const placed = results.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    expect(placed[0]!.lines.map((line) => [line.bundleId ?? line.skuId, line.quantity])).toEqual([[catalog.kitId, 1], [catalog.rice.skuId, 2]]);
    expect(placed[0]!.totalCents).toBe(3000);
    expect(placed[5]!.orderId).toBe(earlier.orderId);
    expect(placed[6]!.totalCents).toBe(3700);
    // Campaign b's one unit of milk went to its one buyer; the kit took puree and rice from b, not a.
    expect(await remaining(b.campaign.campaignId, catalog.milk.skuId)).toMatchObject({ sum: 0, reserved: 1 });
    expect(await remaining(b.campaign.campaignId, catalog.rice.skuId)).toMatchObject({ sum: 96, reserved: 4 });
    expect(await remaining(a.campaign.campaignId, catalog.puree.skuId)).toMatchObject({ sum: 98, reserved: 2 });
    expect(await remaining(a.campaign.campaignId, catalog.rice.skuId)).toMatchObject({ sum: 96, reserved: 4 });
    // Each placed order wrote its own lines, items, transition, event and reservations; the kit is
    // one line of two items (2 puree + 1 rice).
    const byId = new Map((await written([placed[0]!.orderId, placed[1]!.orderId, placed[6]!.orderId])).map((row) => [row.id, row]));
    expect(byId.get(placed[0]!.orderId)).toMatchObject({ lines: 2, items: 3, units: 5, transitions: 1, events: 1, reserved: 5 });
    expect(byId.get(placed[1]!.orderId)).toMatchObject({ lines: 1, items: 1, units: 1, transitions: 1, events: 1, reserved: 1 });
    expect(byId.get(placed[6]!.orderId)).toMatchObject({ lines: 2, items: 3, units: 6, transitions: 1, events: 1, reserved: 6 });
    expect(await orphanReservations()).toBe(0);
  }, 60_000);

  it('places the rest of a batch when the database refuses one of its orders, which alone fails', async () => {
    const service = h.app.get(OrderService);
    const world = await aPickupPoint(h);
    const catalog = await aCatalog(h);
    const { campaign, milkOffer } = await aCampaign(h, world, catalog, { stock: { milk: 100 } });
    const residents = await Promise.all(Array.from({ length: 10 }, () => aResident(h, world, true)));
    const poisoned = `poison-${randomUUID()}`;
    await h.db.$executeRawUnsafe(`CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.idempotency_key = '${poisoned}' THEN RAISE EXCEPTION 'refused by a test trigger'; END IF; RETURN NEW; END $$`);
    await h.db.$executeRawUnsafe('CREATE TRIGGER test_poison BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION test_poison()');
    try {
      const isolatedBefore = service.placements.stats.isolated;
      const results = await Promise.allSettled(
        residents.map((actor, i) =>
          h.rpc.request(orders.placeOrder, { actor, campaignId: campaign.campaignId, idempotencyKey: i === 6 ? poisoned : `k-${randomUUID()}`, lines: [{ offerId: milkOffer, quantity: 1 }], expectedTotalCents: 990 }),
        ),
      );
      expect(results.map(codeOf)).toEqual(residents.map((_, i) => (i === 6 ? 'COMMON.INTERNAL' : 'placed')));
      // The poisoned order shared a batch with others, which were placed again one by one.
      expect(service.placements.stats.isolated).toBeGreaterThan(isolatedBefore);
      expect(await h.db.order.count({ where: { campaignId: campaign.campaignId } })).toBe(9);
      expect(await remaining(campaign.campaignId, catalog.milk.skuId)).toMatchObject({ sum: 91, reserved: 9 });
    } finally {
      await h.db.$executeRawUnsafe('DROP TRIGGER test_poison ON orders');
      await h.db.$executeRawUnsafe('DROP FUNCTION test_poison()');
    }
  }, 60_000);
});
