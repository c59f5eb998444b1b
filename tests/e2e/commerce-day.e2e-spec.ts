import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectTestNats, deleteTestStreams } from '@linli/testing';
import {
  DurableEventLog,
  buildApps,
  e2eEnvironment,
  freePort,
  natsRpc,
  readStream,
  startService,
  type DeliveredEvent,
  type RunningService,
} from './support.js';
import { apiClient, until, type Tokens } from './client.js';

/**
 * One whole group-buying day over HTTP, with gateway, identity, leader-ops and orders as real
 * processes (a database each, one subject prefix): ops open a compound and approve its leader, the
 * leader opens a pickup point, ops publish a campaign with its cut-off 40 seconds ahead; residents
 * sign up, bind and order — one pays, one pays and cancels, one lets the payment expire; the
 * scheduler locks the campaign at the cut-off; the leader gets the sorting list, confirms receipt with
 * a shortage (refunded automatically) and scans pickup codes. Every order event reaches a durable
 * JetStream consumer exactly once.
 *
 * A second compound (riverside, its own leader and point, resident E) gives the test a foreign pickup
 * code; a third (maple, served by the riverside point but not by the campaign) gives resident D, who
 * may not order.
 */

// ------------------------------------------------------------------ timing of the day

/**
 * The campaign's cut-off, counted from its creation: long enough for the morning's orders and for
 * C's payment time (30 s, the shortest the service accepts) to run out while the campaign is open.
 */
const CUTOFF_AFTER_MS = 40_000;
const ORDERS_ENV = {
  PAYMENT_PROVIDER: 'dev',
  ORDER_SCHEDULER_INTERVAL_MS: '200',
  // The shortest payment time the service accepts (an order also expires at the cut-off when that comes first).
  ORDER_PAYMENT_TIMEOUT_SECONDS: '30',
  ORDER_COMPLAINT_WINDOW_HOURS: '1',
  DEV_PAYMENT_CALLBACK_DELAY_MS: '150',
  // Every payment is notified twice, as real providers do now and then: it must be paid once.
  DEV_PAYMENT_DUPLICATE_RATE: '1',
  DEV_PAYMENT_FAILURE_RATE: '0',
  DEV_PAYMENT_LATE_RATE: '0',
};

const ORDER_SUBJECTS = ['placed', 'paid', 'cancelled', 'expired', 'locked', 'shipped', 'received', 'picked-up', 'completed', 'refunded'] as const;
type OrderEvent = (typeof ORDER_SUBJECTS)[number];

const PHONES = {
  ops: '+8613800000901',
  leader1: '+8613800000911',
  leader2: '+8613800000912',
  a: '+8613900000921',
  b: '+8613900000922',
  c: '+8613900000923',
  d: '+8613900000924',
  e: '+8613900000925',
};
const SUNSHINE = 'e2e-sunshine-garden';
const RIVERSIDE = 'e2e-riverside';
const MAPLE = 'e2e-maple-court';

// ------------------------------------------------------------------ processes and HTTP

let env: Awaited<ReturnType<typeof e2eEnvironment>>;
const services: RunningService[] = [];
let nc: NatsConnection;
let log: DurableEventLog;
let base = '';

const { http, ok, signIn, refreshUntil, refused } = apiClient(() => base);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** YYYY-MM-DD in Asia/Shanghai. */
function shanghaiDate(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** Signs a payment notification as the provider does: HMAC-SHA256 over its fields as sorted `key=value` joined by `&`. */
function signNotification(secret: string, notification: Record<string, string | number>): string {
  const canonical = Object.keys(notification)
    .sort()
    .map((key) => `${key}=${String(notification[key])}`)
    .join('&');
  return createHmac('sha256', secret).update(canonical).digest('hex');
}

// ------------------------------------------------------------------ the day's actors and state

let ops: Tokens;
let leader1: Tokens;
let leader2: Tokens;
const residents: Record<'a' | 'b' | 'c' | 'd' | 'e', Tokens> = {} as never;
let point1: { pickupPointId: string; name: string };
let point2: { pickupPointId: string; name: string };
let skus: { milk: { skuId: string; code: string }; rice: { skuId: string; code: string }; puree: { skuId: string; code: string } };
let campaignId = '';
let cutoffAt = 0;
let deliveryDate = '';
let offers: { milk: string; kit: string; rice: string };
const prices = { milk: 990, kit: 1600, rice: 700 };
const STOCK = { milk: 20, rice: 20, puree: 20 };
const orderIds: Record<'a' | 'b' | 'c' | 'e', string> = {} as never;
let paymentA: { paymentId: string; providerPaymentId: string; amountCents: number };

/** Campaign stock and the campaign's orders as ops see them: what a refused request must leave untouched. */
async function snapshot() {
  const campaign = await ok('GET', `/v1/campaigns/${campaignId}`, { token: ops.accessToken });
  const list = await ok('GET', `/v1/ops/orders?campaignId=${campaignId}&limit=200`, { token: ops.accessToken });
  return {
    stock: Object.fromEntries((campaign.stock as { skuId: string; remaining: number }[]).map((s) => [s.skuId, s.remaining])),
    total: list.total as number,
    orders: Object.fromEntries(
      (list.orders as { orderId: string; status: string; paidCents: number; refundedCents: number }[]).map((o) => [o.orderId, `${o.status}:${o.paidCents}:${o.refundedCents}`]),
    ),
  };
}

function remaining(stock: Record<string, number>) {
  return { milk: stock[skus.milk.skuId], rice: stock[skus.rice.skuId], puree: stock[skus.puree.skuId] };
}

async function orderOf(tokens: Tokens, orderId: string) {
  return ok('GET', `/v1/orders/${orderId}`, { token: tokens.accessToken });
}

async function waitForStatus(tokens: Tokens, orderId: string, status: string, timeoutMs = 15_000) {
  return until(`order ${orderId} ${status}`, async () => {
    const order = await orderOf(tokens, orderId);
    return order.status === status ? order : undefined;
  }, timeoutMs);
}

/** Places an order for the resident at the prices the campaign shows. */
async function place(tokens: Tokens, key: string, lines: { offerId: string; quantity: number }[], expectedTotalCents: number) {
  return http('POST', '/v1/orders', { token: tokens.accessToken, body: { campaignId, idempotencyKey: key, lines, expectedTotalCents } });
}

/** Pays through the development provider and waits for its (asynchronous, signed) notification to pay the order. */
async function payAndWait(tokens: Tokens, orderId: string, amountCents: number) {
  const intent = await ok('POST', `/v1/orders/${orderId}/pay`, { token: tokens.accessToken });
  expect(intent).toMatchObject({ orderId, provider: 'dev', amountCents, status: 'created' });
  const paid = await waitForStatus(tokens, orderId, 'paid');
  expect(paid.paidCents).toBe(amountCents);
  return intent;
}

// ------------------------------------------------------------------ lifecycle

beforeAll(async () => {
  buildApps(['gateway', 'identity', 'leader-ops', 'orders']);
  env = await e2eEnvironment(['identity', 'leader-ops', 'orders']);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  services.push(await startService('identity', env.env('identity')));
  services.push(await startService('leader-ops', env.env('leader-ops')));
  services.push(await startService('orders', env.env('orders', ORDERS_ENV)));
  services.push(
    await startService(
      'gateway',
      env.env('gateway', { HTTP_PORT: String(port), DEV_ROUTES: 'true', RATE_LIMIT_PER_MINUTE_CLIENT: '100000', RATE_LIMIT_PER_MINUTE_USER: '100000' }),
    ),
  );
  nc = await connectTestNats('commerce-day');
  // A consumer of the ORDERS stream like any service's: durable, explicit acks, from the first event.
  log = await DurableEventLog.start(nc, env.prefix, 'orders', 'e2e-commerce-day');
});

afterAll(async () => {
  await log?.stop();
  // E2E_SERVICE_LOGS=<dir> keeps each service's output of the run (for reading a failure).
  const logDir = process.env['E2E_SERVICE_LOGS'];
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    for (const service of services) writeFileSync(join(logDir, `commerce-day-${service.name}.log`), service.output.join(''));
  }
  for (const service of services.reverse()) await service.stop();
  if (nc) {
    await deleteTestStreams(nc, env.prefix);
    await nc.close();
  }
  await env?.dropAll();
});


// ------------------------------------------------------------------ the day

describe('a whole group-buying day over HTTP', () => {
  it('ops open compounds and approve leaders; leaders open pickup points; residents sign up and bind', async () => {
    // The first ops account: granted over NATS by a bootstrap operator (as tools/seed.mjs does).
    ops = await signIn(PHONES.ops);
    expect(ops.roles).toEqual(['resident']);
    await natsRpc(nc, env.prefix, 'rpc.identity.role.grant.v1', {
      actor: { userId: '00000000-0000-4000-8000-000000000001', roles: ['ops'] },
      userId: ops.userId,
      role: 'ops',
    });
    ops = await refreshUntil(ops, 'ops');

    for (const [compoundId, name, district] of [
      [SUNSHINE, 'Sunshine Garden 阳光花园', 'Xihu'],
      [RIVERSIDE, 'Riverside 滨江苑', 'Binjiang'],
      [MAPLE, 'Maple Court 枫林阁', 'Gongshu'],
    ]) {
      const compound = await ok('PUT', `/v1/ops/compounds/${compoundId}`, { token: ops.accessToken, body: { name, city: 'Hangzhou', district } });
      expect(compound).toMatchObject({ compoundId, created: true, timeZone: 'Asia/Shanghai' });
    }

    // Leaders apply; ops approve; identity grants the leader role from the approval event.
    leader1 = await signIn(PHONES.leader1);
    leader2 = await signIn(PHONES.leader2);
    const apply = (tokens: Tokens, compoundId: string, displayName: string, phone: string) =>
      ok('POST', '/v1/leader-applications', { token: tokens.accessToken, body: { compoundId, displayName, phone, statement: 'I run the kiosk at the gate.' } }, 201);
    const applications = [
      await apply(leader1, SUNSHINE, 'Auntie Wang', PHONES.leader1),
      await apply(leader2, RIVERSIDE, 'Uncle Li', PHONES.leader2),
      await apply(leader2, MAPLE, 'Uncle Li', PHONES.leader2),
    ];
    const pending = await ok('GET', '/v1/ops/leader-applications?status=pending', { token: ops.accessToken });
    expect(pending.applications.map((a: { applicationId: string }) => a.applicationId).sort()).toEqual(applications.map((a) => a.applicationId).sort());
    for (const application of applications) {
      const approved = await ok('POST', `/v1/ops/leader-applications/${application.applicationId}/approve`, { token: ops.accessToken });
      expect(approved).toMatchObject({ status: 'approved', decidedBy: ops.userId });
    }
    leader1 = await refreshUntil(leader1, 'leader');
    leader2 = await refreshUntil(leader2, 'leader');

    const openingHours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' }));
    point1 = await ok(
      'POST',
      '/v1/pickup-points',
      { token: leader1.accessToken, body: { name: 'Gate 2 kiosk', address: 'Building 3, Sunshine Garden', compoundIds: [SUNSHINE], openingHours, capacity: 120 } },
      201,
    );
    expect(point1).toMatchObject({ leaderUserId: leader1.userId, compoundIds: [SUNSHINE], status: 'active', timeZone: 'Asia/Shanghai' });
    point2 = await ok(
      'POST',
      '/v1/pickup-points',
      { token: leader2.accessToken, body: { name: 'Riverside lobby', address: 'Lobby, Riverside tower 1', compoundIds: [RIVERSIDE, MAPLE], openingHours, capacity: 80 } },
      201,
    );

    // Residents sign up by phone and choose their pickup point.
    for (const [who, phone, pointId, compoundId] of [
      ['a', PHONES.a, point1.pickupPointId, SUNSHINE],
      ['b', PHONES.b, point1.pickupPointId, SUNSHINE],
      ['c', PHONES.c, point1.pickupPointId, SUNSHINE],
      ['d', PHONES.d, point2.pickupPointId, MAPLE],
      ['e', PHONES.e, point2.pickupPointId, RIVERSIDE],
    ] as const) {
      const tokens = await signIn(phone);
      expect(tokens.roles).toEqual(['resident']);
      residents[who] = tokens;
      await ok('PATCH', '/v1/me/profile', { token: tokens.accessToken, body: { nickname: `Resident ${who.toUpperCase()}`, compoundId } });
      const bound = await ok('PUT', '/v1/me/pickup-point', { token: tokens.accessToken, body: { pickupPointId: pointId, compoundId } });
      expect(bound.binding).toMatchObject({ userId: tokens.userId, pickupPointId: pointId, compoundId, unboundAt: null });
    }
    // Orders learns bindings from leader-ops events: once it has them, residents can browse.
    for (const tokens of Object.values(residents)) {
      await until('binding known to orders', async () => ((await http('GET', '/v1/campaigns', { token: tokens.accessToken })).status === 200 ? true : undefined));
    }
  });

  it('ops build the catalogue and publish a campaign for the compounds, with a cut-off seconds ahead', async () => {
    for (const [categoryId, name] of [
      ['dairy', 'Dairy 乳品'],
      ['baby-food', 'Baby food 辅食'],
      ['vegetables', 'Vegetables 蔬菜'],
    ]) {
      expect(await ok('PUT', `/v1/ops/categories/${categoryId}`, { token: ops.accessToken, body: { name } })).toMatchObject({ categoryId, name, parentId: null });
    }
    const product = async (name: string, categoryId: string, code: string, priceCents: number, healthFlags: string[], tags: string[]) => {
      const created = await ok(
        'POST',
        '/v1/ops/products',
        { token: ops.accessToken, body: { name, categoryId, unit: 'pack', healthFlags, tags, skus: [{ code, spec: 'standard', priceCents }] } },
        201,
      );
      return { skuId: created.skus[0].skuId as string, code };
    };
    skus = {
      milk: await product('Fresh milk', 'dairy', 'E2E-MILK-1L', 1200, ['high-protein'], ['breakfast']),
      rice: await product('Rice porridge', 'baby-food', 'E2E-RICE-200', 800, ['infant', 'low-salt'], ['baby']),
      puree: await product('Carrot puree', 'baby-food', 'E2E-PUREE-100', 600, ['infant', 'low-sugar', 'vegetarian'], ['baby']),
    };
    const kit = await ok(
      'POST',
      '/v1/ops/bundles',
      { token: ops.accessToken, body: { name: '15-minute baby food kit', priceCents: 1800, items: [{ skuId: skus.puree.skuId, quantity: 2 }, { skuId: skus.rice.skuId, quantity: 1 }] } },
      201,
    );
    expect(kit.listPriceCents).toBe(2000);

    const now = Date.now();
    cutoffAt = now + CUTOFF_AFTER_MS;
    deliveryDate = shanghaiDate(now + 86_400_000);
    const draft = await ok(
      'POST',
      '/v1/ops/campaigns',
      {
        token: ops.accessToken,
        body: {
          title: 'Tomorrow morning 明早到',
          startsAt: new Date(now - 60_000).toISOString(),
          cutoffAt: new Date(cutoffAt).toISOString(),
          deliveryDate,
          targets: { compoundIds: [SUNSHINE, RIVERSIDE] },
          offers: [
            { kind: 'sku', skuId: skus.milk.skuId, priceCents: prices.milk, perCustomerLimit: 5 },
            { kind: 'bundle', bundleId: kit.bundleId, priceCents: prices.kit },
            { kind: 'sku', skuId: skus.rice.skuId, priceCents: prices.rice },
          ],
          stock: [
            { skuId: skus.milk.skuId, quantity: STOCK.milk },
            { skuId: skus.rice.skuId, quantity: STOCK.rice },
            { skuId: skus.puree.skuId, quantity: STOCK.puree },
          ],
        },
      },
      201,
    );
    expect(draft.status).toBe('draft');
    campaignId = draft.campaignId;
    const published = await ok('POST', `/v1/ops/campaigns/${campaignId}/publish`, { token: ops.accessToken });
    expect(published).toMatchObject({ status: 'published', deliveryDate, targets: { compoundIds: [RIVERSIDE, SUNSHINE].sort() } });
    const offerOf = (match: (o: { skuId: string | null; bundleId: string | null }) => boolean) => published.offers.find(match).offerId as string;
    offers = {
      milk: offerOf((o) => o.skuId === skus.milk.skuId),
      kit: offerOf((o) => o.bundleId === kit.bundleId),
      rice: offerOf((o) => o.skuId === skus.rice.skuId),
    };

    // Residents of a served compound see it (times in their compound's zone); maple's resident does not.
    const seen = await ok('GET', '/v1/campaigns', { token: residents.a.accessToken });
    expect(seen.campaigns.map((c: { campaignId: string }) => c.campaignId)).toEqual([campaignId]);
    expect(seen.campaigns[0].local.timeZone).toBe('Asia/Shanghai');
    expect(seen.campaigns[0].offers.find((o: { offerId: string }) => o.offerId === offers.kit)).toMatchObject({ kind: 'bundle', priceCents: 1600, listPriceCents: 2000, available: 10 });
    expect((await ok('GET', '/v1/campaigns', { token: residents.d.accessToken })).campaigns).toEqual([]);
  });

  it('takes the morning’s orders: A pays, B pays and cancels, C does not pay; bad requests change nothing', async () => {
    // C: rice ×2, never paid: holds its stock until the payment time runs out.
    const totalC = 2 * prices.rice;
    const placedC = await place(residents.c, 'day-c-morning-1', [{ offerId: offers.rice, quantity: 2 }], totalC);
    expect(placedC.status).toBe(201);
    orderIds.c = placedC.body.orderId;
    expect(Date.parse(placedC.body.expiresAt) - Date.parse(placedC.body.placedAt)).toBe(30_000);

    // A: milk ×2, the baby food kit, rice ×1 — paid through the development provider.
    const totalA = 2 * prices.milk + prices.kit + prices.rice;
    const linesA = [
      { offerId: offers.milk, quantity: 2 },
      { offerId: offers.kit, quantity: 1 },
      { offerId: offers.rice, quantity: 1 },
    ];
    const placedA = await place(residents.a, 'day-a-morning-1', linesA, totalA);
    expect(placedA.status).toBe(201);
    expect(placedA.body).toMatchObject({ status: 'pending_payment', totalCents: totalA, paidCents: 0, pickupPointId: point1.pickupPointId, compoundId: SUNSHINE });
    orderIds.a = placedA.body.orderId;
    // The same request again (a retry) is the same order.
    const retried = await place(residents.a, 'day-a-morning-1', linesA, totalA);
    expect(retried.body.orderId).toBe(orderIds.a);
    const intentA = await payAndWait(residents.a, orderIds.a, totalA);
    paymentA = { paymentId: intentA.paymentId, providerPaymentId: intentA.providerPaymentId, amountCents: totalA };

    // Bad requests on the way: each refused with its code, and nothing changes.
    const before = await snapshot();
    expect(remaining(before.stock)).toEqual({ milk: STOCK.milk - 2, rice: STOCK.rice - 2 - 2, puree: STOCK.puree - 2 });
    refused(await place(residents.a, 'day-a-tampered', [{ offerId: offers.milk, quantity: 1 }], 1), 409, 'ORDERS.PRICE_MISMATCH');
    refused(await place(residents.d, 'day-d-unserved', [{ offerId: offers.milk, quantity: 1 }], prices.milk), 409, 'ORDERS.NOT_SERVED');
    refused(await place(residents.a, 'day-a-morning-1', [{ offerId: offers.milk, quantity: 1 }], prices.milk), 409, 'ORDERS.IDEMPOTENCY_KEY_REUSED');
    refused(await place(residents.b, 'day-b-over-limit', [{ offerId: offers.milk, quantity: 6 }], 6 * prices.milk), 409, 'ORDERS.LIMIT_EXCEEDED');
    const forged = { notificationId: 'forged-0001', providerPaymentId: paymentA.providerPaymentId, merchantOrderId: orderIds.a, status: 'succeeded', amountCents: totalA, occurredAt: new Date().toISOString() };
    refused(await http('POST', '/v1/payments/callback', { body: { provider: 'dev', notification: forged, signature: 'ab'.repeat(32) } }), 400, 'ORDERS.PAYMENT_SIGNATURE_INVALID');
    // A correctly signed notification of the same payment once more: a duplicate, not a second payment.
    const again = { ...forged, notificationId: 'replayed-0001' };
    expect(await ok('POST', '/v1/payments/callback', { body: { provider: 'dev', notification: again, signature: signNotification(env.secret, again) } })).toEqual({
      accepted: true,
      outcome: 'duplicate',
    });
    expect(await snapshot()).toEqual(before);

    // B: milk ×3, paid, then cancelled before the cut-off — refunded in full, stock back.
    const totalB = 3 * prices.milk;
    const placedB = await place(residents.b, 'day-b-morning-1', [{ offerId: offers.milk, quantity: 3 }], totalB);
    expect(placedB.status).toBe(201);
    orderIds.b = placedB.body.orderId;
    await payAndWait(residents.b, orderIds.b, totalB);
    const cancelled = await ok('POST', `/v1/orders/${orderIds.b}/cancel`, { token: residents.b.accessToken, body: { reason: 'bought it downstairs' } });
    expect(cancelled).toMatchObject({ status: 'cancelled', paidCents: totalB, refundedCents: totalB });
    const refundsB = await ok('GET', `/v1/orders/${orderIds.b}/refunds`, { token: residents.b.accessToken });
    expect(refundsB.refunds).toHaveLength(1);
    expect(refundsB.refunds[0]).toMatchObject({ reason: 'cancellation', amountCents: totalB, status: 'succeeded' });
    // Cancelling again changes nothing (no second refund).
    await ok('POST', `/v1/orders/${orderIds.b}/cancel`, { token: residents.b.accessToken });
    expect((await ok('GET', `/v1/orders/${orderIds.b}/refunds`, { token: residents.b.accessToken })).refunds).toHaveLength(1);

    // E, at the riverside point: milk ×1, paid.
    const placedE = await place(residents.e, 'day-e-morning-1', [{ offerId: offers.milk, quantity: 1 }], prices.milk);
    expect(placedE.status).toBe(201);
    orderIds.e = placedE.body.orderId;
    await payAndWait(residents.e, orderIds.e, prices.milk);

    const beforeExpiry = await snapshot();
    expect(beforeExpiry.total).toBe(4);
    expect(remaining(beforeExpiry.stock)).toEqual({ milk: STOCK.milk - 2 - 1, rice: STOCK.rice - 2 - 2, puree: STOCK.puree - 2 });

    // C's payment time runs out while the campaign is still open: the scheduler expires the order and
    // gives its rice back to the campaign.
    const expired = await waitForStatus(residents.c, orderIds.c, 'expired', 40_000);
    expect(expired.transitions.at(-1)).toMatchObject({ from: 'pending_payment', to: 'expired', actor: { kind: 'system', userId: null }, reason: 'not paid in time' });
    const afterExpiry = await snapshot();
    expect(remaining(afterExpiry.stock)).toEqual({ milk: STOCK.milk - 2 - 1, rice: STOCK.rice - 2, puree: STOCK.puree - 2 });
    expect(afterExpiry.total).toBe(4);
    expect(Date.now()).toBeLessThan(cutoffAt);
    expect((await ok('GET', `/v1/campaigns/${campaignId}`, { token: residents.c.accessToken })).status).toBe('published');
    // Too late to pay it now.
    refused(await http('POST', `/v1/orders/${orderIds.c}/pay`, { token: residents.c.accessToken }), 409, 'ORDERS.INVALID_TRANSITION');
    expect(await snapshot()).toEqual(afterExpiry);
  });

  it('locks the campaign at the cut-off: paid orders locked, nothing more taken', async () => {
    await sleep(Math.max(0, cutoffAt - Date.now() + 50));
    // After the cut-off no order is taken (whether or not the scheduler has closed the campaign yet).
    // (The scheduler may be locking orders meanwhile: compare stock and the number of orders.)
    const counts = await snapshot();
    refused(await place(residents.c, 'day-c-too-late', [{ offerId: offers.milk, quantity: 1 }], prices.milk), 409, 'ORDERS.CAMPAIGN_CLOSED');
    const afterRefusal = await snapshot();
    expect({ stock: afterRefusal.stock, total: afterRefusal.total }).toEqual({ stock: counts.stock, total: counts.total });

    const closed = await until('campaign closed by the scheduler', async () => {
      const campaign = await ok('GET', `/v1/campaigns/${campaignId}`, { token: ops.accessToken });
      return campaign.status === 'closed' ? campaign : undefined;
    });
    expect(closed.closedAt).not.toBeNull();
    expect((await orderOf(residents.a, orderIds.a)).status).toBe('locked');
    expect((await orderOf(residents.e, orderIds.e)).status).toBe('locked');
    expect((await orderOf(residents.b, orderIds.b)).status).toBe('cancelled');
    expect((await orderOf(residents.c, orderIds.c)).status).toBe('expired');
    const closedState = await snapshot();
    expect(remaining(closedState.stock)).toEqual({ milk: STOCK.milk - 2 - 1, rice: STOCK.rice - 2, puree: STOCK.puree - 2 });
    expect(closedState.total).toBe(4);
    refused(await place(residents.a, 'day-a-after-close', [{ offerId: offers.milk, quantity: 1 }], prices.milk), 409, 'ORDERS.CAMPAIGN_CLOSED');
    // A locked order can no longer be cancelled by the resident.
    refused(await http('POST', `/v1/orders/${orderIds.a}/cancel`, { token: residents.a.accessToken }), 409, 'ORDERS.INVALID_TRANSITION');
    expect(await snapshot()).toEqual(closedState);
  });

  it('gives the leader the exact sorting list of the point (JSON and CSV), and ops the purchase summary', async () => {
    const path = `/v1/leader/pickup-points/${point1.pickupPointId}/campaigns/${campaignId}/sorting-list`;
    const list = await ok('GET', path, { token: leader1.accessToken });
    const item = (sku: { skuId: string }, name: string, quantity: number) => ({ skuId: sku.skuId, name, spec: 'standard', quantity });
    expect(list).toMatchObject({ campaignId, pickupPointId: point1.pickupPointId, pickupPointName: 'Gate 2 kiosk', deliveryDate, campaignStatus: 'closed', preview: false });
    const { code: pickupCodeA } = await ok('GET', `/v1/orders/${orderIds.a}/pickup-code`, { token: residents.a.accessToken });
    expect(list.residents).toEqual([
      {
        userId: residents.a.userId,
        // The nickname the resident declared to identity, copied by orders from its profile event.
        displayName: 'Resident A',
        building: null,
        orderIds: [orderIds.a],
        pickupCodes: [pickupCodeA],
        // The kit is expanded into its SKUs and added to the rice line.
        items: [
          expect.objectContaining(item(skus.puree, 'Carrot puree', 2)),
          expect.objectContaining(item(skus.milk, 'Fresh milk', 2)),
          expect.objectContaining(item(skus.rice, 'Rice porridge', 2)),
        ],
      },
    ]);
    expect(list.totals).toEqual([item(skus.puree, 'Carrot puree', 2), item(skus.milk, 'Fresh milk', 2), item(skus.rice, 'Rice porridge', 2)]);
    expect(list.csv).toBeUndefined();

    // The CSV form downloads as a file.
    const download = await http('GET', `${path}?format=csv`, { token: leader1.accessToken });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="sorting-list-${campaignId}-${point1.pickupPointId}.csv"`);
    expect(download.text.split('\r\n')).toEqual([
      'delivery_date,pickup_point,preview,building,resident,pickup_codes,orders,sku_code,product,spec,quantity',
      `${deliveryDate},Gate 2 kiosk,no,,Resident A,${pickupCodeA},${orderIds.a},${skus.puree.code},Carrot puree,standard,2`,
      `${deliveryDate},Gate 2 kiosk,no,,Resident A,${pickupCodeA},${orderIds.a},${skus.milk.code},Fresh milk,standard,2`,
      `${deliveryDate},Gate 2 kiosk,no,,Resident A,${pickupCodeA},${orderIds.a},${skus.rice.code},Rice porridge,standard,2`,
      '',
    ]);

    // The riverside point's list is not this leader's.
    refused(await http('GET', `/v1/leader/pickup-points/${point2.pickupPointId}/campaigns/${campaignId}/sorting-list`, { token: leader1.accessToken }), 403, 'AUTH.FORBIDDEN');
    const other = await ok('GET', `/v1/leader/pickup-points/${point2.pickupPointId}/campaigns/${campaignId}/sorting-list`, { token: leader2.accessToken });
    expect(other.residents).toEqual([
      expect.objectContaining({ userId: residents.e.userId, displayName: 'Resident E', orderIds: [orderIds.e], items: [expect.objectContaining(item(skus.milk, 'Fresh milk', 1))] }),
    ]);

    const summary = await ok('GET', `/v1/ops/campaigns/${campaignId}/purchase-summary`, { token: ops.accessToken });
    expect(summary.skus.map((s: { code: string; quantity: number; pickupPoints: number }) => [s.code, s.quantity, s.pickupPoints])).toEqual([
      [skus.puree.code, 2, 1],
      [skus.milk.code, 3, 2],
      [skus.rice.code, 2, 1],
    ]);
  });

  it('ships; the leader confirms receipt with a shortage, refunded automatically to the resident', async () => {
    // Nothing to receive before the delivery left the warehouse.
    refused(
      await http('POST', `/v1/leader/pickup-points/${point1.pickupPointId}/campaigns/${campaignId}/receipt`, { token: leader1.accessToken, body: { shortages: [] } }),
      409,
      'ORDERS.INVALID_TRANSITION',
    );
    expect(await ok('POST', `/v1/ops/campaigns/${campaignId}/ship`, { token: ops.accessToken })).toEqual({ campaignId, shippedOrders: 2 });
    expect((await orderOf(residents.a, orderIds.a)).status).toBe('shipped');

    // One bottle of milk short at the Gate 2 kiosk: A (the only resident waiting for milk there) gets 9.90 back.
    const receipt = await ok('POST', `/v1/leader/pickup-points/${point1.pickupPointId}/campaigns/${campaignId}/receipt`, {
      token: leader1.accessToken,
      body: { shortages: [{ skuId: skus.milk.skuId, quantity: 1 }] },
    });
    expect(receipt).toMatchObject({ campaignId, pickupPointId: point1.pickupPointId, receivedOrders: 1, unallocated: [] });
    expect(receipt.refunds).toEqual([{ orderId: orderIds.a, refundId: expect.any(String), amountCents: prices.milk }]);

    const a = await orderOf(residents.a, orderIds.a);
    expect(a).toMatchObject({ status: 'received', paidCents: a.totalCents, refundedCents: prices.milk });
    const milkLine = a.lines.find((l: { skuId: string | null }) => l.skuId === skus.milk.skuId);
    expect(milkLine).toMatchObject({ quantity: 2, amountCents: 2 * prices.milk, refundedCents: prices.milk });
    const refunds = (await ok('GET', `/v1/orders/${orderIds.a}/refunds`, { token: residents.a.accessToken })).refunds;
    expect(refunds).toEqual([
      expect.objectContaining({ reason: 'shortage', amountCents: prices.milk, status: 'succeeded', lines: [{ lineId: milkLine.lineId, quantity: 1, amountCents: prices.milk }] }),
    ]);

    // The riverside delivery arrived complete.
    const receipt2 = await ok('POST', `/v1/leader/pickup-points/${point2.pickupPointId}/campaigns/${campaignId}/receipt`, { token: leader2.accessToken, body: { shortages: [] } });
    expect(receipt2).toMatchObject({ receivedOrders: 1, refunds: [], unallocated: [] });
  });

  it('hands orders over by pickup code: once, at the resident’s own point only', async () => {
    const codeA = await ok('GET', `/v1/orders/${orderIds.a}/pickup-code`, { token: residents.a.accessToken });
    expect(codeA).toMatchObject({ orderId: orderIds.a, pickupPointId: point1.pickupPointId });
    const codeE = await ok('GET', `/v1/orders/${orderIds.e}/pickup-code`, { token: residents.e.accessToken });

    const scanned = await ok('POST', '/v1/leader/pickups', { token: leader1.accessToken, body: { code: codeA.code } });
    expect(scanned).toMatchObject({ orderId: orderIds.a, status: 'picked_up' });
    expect(scanned.transitions.at(-1)).toMatchObject({ from: 'received', to: 'picked_up', actor: { kind: 'leader', userId: leader1.userId } });
    refused(await http('POST', '/v1/leader/pickups', { token: leader1.accessToken, body: { code: codeA.code } }), 409, 'ORDERS.ALREADY_PICKED_UP');
    // Riverside's code at the Gate 2 kiosk.
    refused(await http('POST', '/v1/leader/pickups', { token: leader1.accessToken, body: { code: codeE.code } }), 400, 'ORDERS.PICKUP_CODE_INVALID');
    expect((await orderOf(residents.e, orderIds.e)).status).toBe('received');
    expect(await ok('POST', '/v1/leader/pickups', { token: leader2.accessToken, body: { code: codeE.code } })).toMatchObject({ orderId: orderIds.e, status: 'picked_up' });

    // Completion follows once the complaint window (at least an hour) has passed; within it the order stays picked up.
    expect((await orderOf(residents.a, orderIds.a)).status).toBe('picked_up');
  });

  it('never refunds more than is left of what was paid', async () => {
    const a = await orderOf(residents.a, orderIds.a);
    const milkLine = a.lines.find((l: { skuId: string | null }) => l.skuId === skus.milk.skuId);
    const kitLine = a.lines.find((l: { kind: string }) => l.kind === 'bundle');
    const before = await snapshot();
    const refundsBefore = (await ok('GET', `/v1/orders/${orderIds.a}/refunds`, { token: residents.a.accessToken })).refunds;

    // Two bottles of a line of two where one was already refunded as short.
    refused(
      await http('POST', `/v1/orders/${orderIds.a}/refunds`, {
        token: residents.a.accessToken,
        body: { refundKey: 'quality-a-milk-2', lines: [{ lineId: milkLine.lineId, quantity: 2 }], description: 'both bottles sour', photoUrls: ['https://img.example.com/milk.jpg'] },
      }),
      409,
      'ORDERS.REFUND_EXCEEDS_PAID',
    );
    refused(
      await http('POST', `/v1/ops/orders/${orderIds.a}/refunds`, { token: ops.accessToken, body: { refundKey: 'ops-a-kit-2', reason: 'quality', lines: [{ lineId: kitLine.lineId, quantity: 2 }] } }),
      409,
      'ORDERS.REFUND_EXCEEDS_PAID',
    );
    expect(await snapshot()).toEqual(before);
    expect((await ok('GET', `/v1/orders/${orderIds.a}/refunds`, { token: residents.a.accessToken })).refunds).toEqual(refundsBefore);

    const after = await orderOf(residents.a, orderIds.a);
    expect(after.refundedCents).toBe(prices.milk);
    expect(after.refundedCents).toBeLessThanOrEqual(after.paidCents);
  });

  it('delivers every order event exactly once to a durable consumer, and the stream holds no duplicates', async () => {
    const expected: Record<string, Partial<Record<OrderEvent, number>>> = {
      [orderIds.a]: { placed: 1, paid: 1, locked: 1, shipped: 1, received: 1, 'picked-up': 1, refunded: 1 },
      [orderIds.b]: { placed: 1, paid: 1, cancelled: 1, refunded: 1 },
      [orderIds.c]: { placed: 1, expired: 1 },
      [orderIds.e]: { placed: 1, paid: 1, locked: 1, shipped: 1, received: 1, 'picked-up': 1 },
    };
    const orderEvents = (events: DeliveredEvent[]) => events.filter((e) => e.subject.startsWith('orders.order.'));
    const tally = (events: DeliveredEvent[]) => {
      const counts: Record<string, Record<string, number>> = {};
      for (const event of orderEvents(events)) {
        const orderId = (event.data as { orderId: string }).orderId;
        const name = event.subject.split('.')[2]!;
        counts[orderId] ??= {};
        counts[orderId]![name] = (counts[orderId]![name] ?? 0) + 1;
      }
      return counts;
    };
    const want = Object.fromEntries(Object.entries(expected).map(([orderId, c]) => [orderId, Object.fromEntries(ORDER_SUBJECTS.filter((s) => c[s]).map((s) => [s, c[s]!]))]));
    await log.waitFor((events) => sameCounts(tally(events), want), 20_000, 'every order event');
    // Give late duplicates (a second publish, a redelivery) time to show up.
    await sleep(1_500);

    const handled = log.events();
    expect(tally(handled)).toEqual(want);
    // By event id: each delivered once, never redelivered.
    const deliveredIds = log.deliveries.map((d) => d.id);
    expect(new Set(deliveredIds).size).toBe(deliveredIds.length);
    // By (order, subject): one event each.
    const pairs = orderEvents(handled).map((e) => `${(e.data as { orderId: string }).orderId}/${e.subject}`);
    expect(new Set(pairs).size).toBe(pairs.length);

    // What the events say matches the day.
    const ofOrder = (orderId: string, name: OrderEvent) => orderEvents(handled).filter((e) => e.subject === `orders.order.${name}.v1` && (e.data as { orderId: string }).orderId === orderId);
    expect(ofOrder(orderIds.a, 'paid')[0]!.data).toMatchObject({ paidCents: paymentA.amountCents, paymentId: paymentA.paymentId, status: 'paid', actor: { kind: 'payment' } });
    expect(ofOrder(orderIds.a, 'received')[0]!.data).toMatchObject({ shortages: [{ skuId: skus.milk.skuId, quantity: 1 }] });
    expect(ofOrder(orderIds.a, 'refunded')[0]!.data).toMatchObject({ reason: 'shortage', amountCents: prices.milk, refundedCents: prices.milk });
    expect(ofOrder(orderIds.b, 'refunded')[0]!.data).toMatchObject({ reason: 'cancellation', amountCents: 3 * prices.milk, refundedCents: 3 * prices.milk });
    expect(ofOrder(orderIds.c, 'expired')[0]!.data).toMatchObject({ status: 'expired', actor: { kind: 'system', userId: null } });
    expect(ofOrder(orderIds.e, 'picked-up')[0]!.data).toMatchObject({ pickupPointId: point2.pickupPointId, actor: { kind: 'leader', userId: leader2.userId } });
    expect(handled.filter((e) => e.subject === 'orders.campaign.published.v1')).toHaveLength(1);
    const closedEvents = handled.filter((e) => e.subject === 'orders.campaign.closed.v1');
    expect(closedEvents).toHaveLength(1);
    expect(closedEvents[0]!.data).toMatchObject({ campaignId, lockedOrders: 2 });

    // A new durable consumer re-reading the stream from the start sees each event id once, and the same events.
    const reread = await readStream(nc, env.prefix, 'orders', 'e2e-commerce-day-reread');
    const rereadIds = reread.map((e) => e.id);
    expect(new Set(rereadIds).size).toBe(rereadIds.length);
    expect([...rereadIds].sort()).toEqual(handled.map((e) => e.id).sort());
  });
});

function sameCounts(actual: Record<string, Record<string, number>>, want: Record<string, Record<string, number>>): boolean {
  return Object.entries(want).every(([orderId, counts]) => Object.entries(counts).every(([name, n]) => (actual[orderId]?.[name] ?? 0) >= n));
}
