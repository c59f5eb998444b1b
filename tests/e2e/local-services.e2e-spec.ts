import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { Webhook } from 'standardwebhooks';
import { connectTestNats, deleteTestStreams } from '@linli/testing';
import { DurableEventLog, buildApps, e2eEnvironment, freePort, natsRpc, startService, type RunningService } from './support.js';
import { apiClient, until, type Tokens } from './client.js';

/**
 * The local-services marketplace over HTTP, with gateway, identity, leader-ops, orders, communities
 * (its growth ledger), recommendations and local-services as real processes: a housekeeping provider
 * onboards through the API and is approved, gets an API key, registers a webhook and publishes slots
 * through the partner API; 100 residents race for a slot of 10; resident A, given points by ops, books
 * and pays part in points (held at booking) and the rest in cash, the provider completes the booking
 * with its key (the points are spent: `GET /v1/me/points` shows them gone from held), the webhook
 * delivery is logged and verifies with the standardwebhooks library, A reviews it, the completion
 * event carries the leader's service fee and it shows as a line of the leader's income, and the asset
 * metrics count A as buying goods and services.
 */

const PHONES = { ops: '+8613800000801', leader: '+8613800000811', owner: '+8613800000821', a: '+8613900000831' };
const COMPOUND = 'e2e-ls-lakeside';
const CROWD = 100;

let env: Awaited<ReturnType<typeof e2eEnvironment>>;
const services: RunningService[] = [];
let nc: NatsConnection;
let bookingLog: DurableEventLog;
let base = '';

const { http, ok, signIn, refreshUntil, refused } = apiClient(() => base);

/** The provider's webhook endpoint: records each delivery and answers 204. */
class Receiver {
  readonly received: { headers: Record<string, string>; body: string }[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/linli-hooks`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const receiver = new Receiver();

beforeAll(async () => {
  buildApps(['gateway', 'identity', 'leader-ops', 'orders', 'communities', 'recommendations', 'local-services']);
  env = await e2eEnvironment(['identity', 'leader-ops', 'orders', 'communities', 'recommendations', 'local-services']);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await receiver.start();
  // the crowd of 100 signs in from one client address: lift the SMS budgets meant for abuse
  services.push(await startService('identity', env.env('identity', { OTP_BUDGET_PER_CLIENT_PER_HOUR: '1000', OTP_BUDGET_PER_PREFIX_PER_HOUR: '1000' })));
  services.push(await startService('leader-ops', env.env('leader-ops')));
  services.push(await startService('orders', env.env('orders', { PAYMENT_PROVIDER: 'dev', DEV_PAYMENT_CALLBACK_DELAY_MS: '100', DEV_PAYMENT_DUPLICATE_RATE: '0' })));
  services.push(await startService('communities', env.env('communities', { GROWTH_JOB_INTERVAL_MS: '0' })));
  services.push(await startService('recommendations', env.env('recommendations', { RECS_FIT_MODE: 'inline' })));
  services.push(await startService('local-services', env.env('local-services', { DEV_PAYMENT_CALLBACK_DELAY_MS: '100', WEBHOOK_DISPATCH_INTERVAL_MS: '200' })));
  services.push(
    await startService(
      'gateway',
      env.env('gateway', { HTTP_PORT: String(port), DEV_ROUTES: 'true', RATE_LIMIT_PER_MINUTE_CLIENT: '100000', RATE_LIMIT_PER_MINUTE_USER: '100000' }),
    ),
  );
  nc = await connectTestNats('local-services-e2e');
  bookingLog = await DurableEventLog.start(nc, env.prefix, 'local-services', 'e2e-local-services');
});

afterAll(async () => {
  await bookingLog?.stop();
  const logDir = process.env['E2E_SERVICE_LOGS'];
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    for (const service of services) writeFileSync(join(logDir, `local-services-${service.name}.log`), service.output.join(''));
  }
  for (const service of services.reverse()) await service.stop();
  await receiver.stop();
  if (nc) {
    await deleteTestStreams(nc, env.prefix);
    await nc.close();
  }
  await env?.dropAll();
});

let ops: Tokens;
let leader: Tokens;
let owner: Tokens;
let a: Tokens;
let pointId = '';
let providerId = '';
let apiKey = '';
let secret = '';
let offeringId = '';
let crowdSlot = '';
let slotA = '';
let bookingId = '';

describe('the local-services marketplace over HTTP', () => {
  it('ops open a compound and its leader’s pickup point; resident A signs up, binds and buys goods', async () => {
    ops = await signIn(PHONES.ops);
    await natsRpc(nc, env.prefix, 'rpc.identity.role.grant.v1', { actor: { userId: '00000000-0000-4000-8000-000000000001', roles: ['ops'] }, userId: ops.userId, role: 'ops' });
    ops = await refreshUntil(ops, 'ops');
    await ok('PUT', `/v1/ops/compounds/${COMPOUND}`, { token: ops.accessToken, body: { name: 'Lakeside 湖畔', city: 'Hangzhou' } });
    leader = await signIn(PHONES.leader);
    const application = await ok('POST', '/v1/leader-applications', { token: leader.accessToken, body: { compoundId: COMPOUND, displayName: 'Auntie Zhao', phone: PHONES.leader } }, 201);
    await ok('POST', `/v1/ops/leader-applications/${application.applicationId}/approve`, { token: ops.accessToken });
    leader = await refreshUntil(leader, 'leader');
    const openingHours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' }));
    pointId = (await ok('POST', '/v1/pickup-points', { token: leader.accessToken, body: { name: 'Lakeside gate', address: 'Gate 1', compoundIds: [COMPOUND], openingHours, capacity: 200 } }, 201)).pickupPointId;

    a = await signIn(PHONES.a);
    await ok('PUT', '/v1/me/pickup-point', { token: a.accessToken, body: { pickupPointId: pointId, compoundId: COMPOUND } });

    // goods: one paid order from a campaign for the compound
    await ok('PUT', '/v1/ops/categories/fruit', { token: ops.accessToken, body: { name: 'Fruit 水果' } });
    const product = await ok('POST', '/v1/ops/products', { token: ops.accessToken, body: { name: 'Apples', categoryId: 'fruit', unit: 'bag', skus: [{ code: 'E2E-LS-APPLE', spec: '1 kg', priceCents: 1500 }] } }, 201);
    const now = Date.now();
    const draft = await ok(
      'POST',
      '/v1/ops/campaigns',
      {
        token: ops.accessToken,
        body: {
          title: 'Apples',
          startsAt: new Date(now - 60_000).toISOString(),
          cutoffAt: new Date(now + 3_600_000).toISOString(),
          deliveryDate: new Date(now + 86_400_000).toISOString().slice(0, 10),
          targets: { compoundIds: [COMPOUND] },
          offers: [{ kind: 'sku', skuId: product.skus[0].skuId, priceCents: 1200 }],
          stock: [{ skuId: product.skus[0].skuId, quantity: 10 }],
        },
      },
      201,
    );
    const published = await ok('POST', `/v1/ops/campaigns/${draft.campaignId}/publish`, { token: ops.accessToken });
    await until('binding known to orders', async () => ((await http('GET', '/v1/campaigns', { token: a.accessToken })).status === 200 ? true : undefined));
    const order = await ok('POST', '/v1/orders', { token: a.accessToken, body: { campaignId: draft.campaignId, idempotencyKey: 'ls-e2e-a-order-1', lines: [{ offerId: published.offers[0].offerId, quantity: 1 }], expectedTotalCents: 1200 } }, 201);
    await ok('POST', `/v1/orders/${order.orderId}/pay`, { token: a.accessToken });
    await until('order paid', async () => ((await ok('GET', `/v1/orders/${order.orderId}`, { token: a.accessToken })).status === 'paid' ? true : undefined));
  });

  it('a provider onboards through the API, is approved, gets a key and publishes through the partner API', async () => {
    owner = await signIn(PHONES.owner);
    const application = await ok(
      'POST',
      '/v1/provider-applications',
      {
        token: owner.accessToken,
        body: { companyName: '安心家政 Anxin Housekeeping', contactPhone: PHONES.owner, licenceRefs: [{ kind: 'business-licence', number: '91330100MA2H0000X' }], categories: ['housekeeping'], compoundIds: [COMPOUND] },
      },
      201,
    );
    providerId = application.providerId;
    refused(await http('POST', `/v1/providers/${providerId}/api-keys`, { token: owner.accessToken, body: { scopes: ['catalog'] } }), 409, 'LOCAL_SERVICES.PROVIDER_NOT_APPROVED');
    expect((await ok('GET', '/v1/ops/providers?status=pending', { token: ops.accessToken })).providers.map((p: { providerId: string }) => p.providerId)).toContain(providerId);
    expect(await ok('POST', `/v1/ops/providers/${providerId}/approve`, { token: ops.accessToken })).toMatchObject({ status: 'approved' });
    const issued = await ok('POST', `/v1/providers/${providerId}/api-keys`, { token: owner.accessToken, body: { scopes: ['catalog', 'bookings', 'webhooks'], label: 'booking system' } }, 201);
    apiKey = issued.key;
    expect((await ok('GET', `/v1/providers/${providerId}/api-keys`, { token: owner.accessToken })).keys).toEqual([expect.not.objectContaining({ key: expect.anything() })]);

    // the partner API: no key, a wrong key, and a revoked key are 401 with a code
    refused(await http('GET', '/v1/partner/bookings'), 401, 'LOCAL_SERVICES.API_KEY_MISSING');
    refused(await http('GET', '/v1/partner/bookings', { apiKey: `lsk_${'x'.repeat(43)}` }), 401, 'LOCAL_SERVICES.API_KEY_INVALID');
    const spare = await ok('POST', `/v1/providers/${providerId}/api-keys`, { token: owner.accessToken, body: { scopes: ['catalog'] } }, 201);
    await ok('DELETE', `/v1/providers/${providerId}/api-keys/${spare.keyId}`, { token: owner.accessToken });
    refused(await http('GET', '/v1/partner/audit-log', { apiKey: spare.key }), 401, 'LOCAL_SERVICES.API_KEY_REVOKED');

    const endpoint = await ok('POST', '/v1/partner/webhooks', { apiKey, body: { url: receiver.url, events: ['booking.created', 'booking.reviewed'] } }, 201);
    secret = endpoint.secret;
    const offering = await ok(
      'POST',
      '/v1/partner/offerings',
      { apiKey, body: { category: 'housekeeping', title: '深度保洁 Deep clean, 2 h', priceCents: 19_900, durationMinutes: 120, compoundIds: [COMPOUND], pointsPrice: 19_900 } },
      201,
    );
    offeringId = offering.offeringId;
    const start = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
    const { slots } = await ok('POST', `/v1/partner/offerings/${offeringId}/slots`, { apiKey, body: { slots: [{ startsAt: start(50), capacity: 10 }, { startsAt: start(74), capacity: 2 }] } }, 201);
    [crowdSlot, slotA] = [slots[0].slotId, slots[1].slotId];
    const seen = await ok('GET', '/v1/service-offerings?category=housekeeping', { token: a.accessToken });
    expect(seen.offerings.map((o: { offeringId: string }) => o.offeringId)).toEqual([offeringId]);
  });

  it('100 residents in parallel for a slot of 10: exactly 10 × 201, the rest 409 LOCAL_SERVICES.SLOT_FULL', async () => {
    const crowd: Tokens[] = [];
    for (let i = 0; i < CROWD; i += 10) {
      crowd.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, async (_, j) => {
            const tokens = await signIn(`+86139${String(40_000_000 + i + j).padStart(8, '0')}`);
            await ok('PUT', '/v1/me/pickup-point', { token: tokens.accessToken, body: { pickupPointId: pointId, compoundId: COMPOUND } });
            return tokens;
          }),
        )),
      );
    }
    // local-services learns bindings from leader-ops events
    await until('bindings known to local-services', async () => {
      const replies = await Promise.all(crowd.map((t) => http('GET', '/v1/service-offerings', { token: t.accessToken })));
      return replies.every((r) => r.status === 200) ? true : undefined;
    });
    const replies = await Promise.all(crowd.map((t) => http('POST', `/v1/service-slots/${crowdSlot}/bookings`, { token: t.accessToken })));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(replies.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body?.code}`)).toEqual(Array(CROWD - 10).fill('409 LOCAL_SERVICES.SLOT_FULL'));
    const offering = (await ok('GET', '/v1/service-offerings', { token: a.accessToken })).offerings[0];
    expect(offering.slots.find((s: { slotId: string }) => s.slotId === crowdSlot)).toMatchObject({ capacity: 10, booked: 10 });
  });

  it('A, given points by ops, books paying part in points (an overspend refused, nothing taken), pays the rest, the provider completes it and the points are spent; the webhook verifies; A reviews', async () => {
    const granted = await ok('POST', `/v1/ops/members/${a.userId}/points/adjustments`, { token: ops.accessToken, body: { delta: 8_000, reason: 'Lakeside launch goodwill', idempotencyKey: 'ls-e2e-a-goodwill' } }, 201);
    const start = granted.balance as number;
    expect(start).toBeGreaterThanOrEqual(8_000);
    refused(await http('POST', `/v1/service-slots/${slotA}/bookings`, { token: a.accessToken, body: { points: start + 1 } }), 409, 'LOCAL_SERVICES.POINTS_INSUFFICIENT');
    expect(await ok('GET', '/v1/me/points', { token: a.accessToken })).toMatchObject({ balance: start, held: 0 });
    const booking = await ok('POST', `/v1/service-slots/${slotA}/bookings`, { token: a.accessToken, body: { points: 5_000, note: 'Two cats at home' } }, 201);
    bookingId = booking.bookingId;
    expect(booking).toMatchObject({ status: 'pending_payment', pointsUsed: 5_000, pointsCents: 5_000, cashCents: 14_900, payment: { provider: 'dev', status: 'created', amountCents: 14_900 } });
    expect(await ok('GET', '/v1/me/points', { token: a.accessToken })).toMatchObject({ balance: start - 5_000, held: 5_000 });
    await until('booking paid', async () => ((await ok('GET', '/v1/me/service-bookings', { token: a.accessToken })).bookings[0].status === 'paid' ? true : undefined));
    refused(await http('POST', `/v1/me/service-bookings/${bookingId}/review`, { token: a.accessToken, body: { rating: 5 } }), 409, 'LOCAL_SERVICES.BOOKING_NOT_COMPLETED');

    // another provider's key may not touch it
    const other = await signIn('+8613800000822');
    const otherProvider = await ok(
      'POST',
      '/v1/provider-applications',
      { token: other.accessToken, body: { companyName: 'Quick Repairs', contactPhone: '+8613800000822', licenceRefs: [{ kind: 'business-licence', number: '9133' }], categories: ['repairs'], compoundIds: [COMPOUND] } },
      201,
    );
    await ok('POST', `/v1/ops/providers/${otherProvider.providerId}/approve`, { token: ops.accessToken });
    const otherKey = (await ok('POST', `/v1/providers/${otherProvider.providerId}/api-keys`, { token: other.accessToken, body: { scopes: ['bookings'] } }, 201)).key;
    refused(await http('POST', `/v1/partner/bookings/${bookingId}/complete`, { apiKey: otherKey }), 404, 'LOCAL_SERVICES.BOOKING_NOT_FOUND');

    const completed = await ok('POST', `/v1/partner/bookings/${bookingId}/complete`, { apiKey });
    expect(completed).toMatchObject({ bookingId, status: 'completed', sensitiveNote: 'Two cats at home' });
    // the held points are spent: not back in the balance, no longer held
    const points = await ok('GET', '/v1/me/points', { token: a.accessToken });
    expect(points).toMatchObject({ balance: start - 5_000, held: 0 });
    expect(points.entries[0]).toMatchObject({ kind: 'commit', delta: 0, heldDelta: -5_000 });

    // the webhook delivery is logged and verifies with a Standard Webhooks library
    const deliveries = await until('webhook delivered', async () => {
      const list = (await ok('GET', '/v1/partner/webhook-deliveries', { apiKey })).deliveries as { status: string; payload: { data: { bookingId: string } } }[];
      const mine = list.filter((d) => d.payload.data.bookingId === bookingId);
      return mine.length && mine.every((d) => d.status === 'delivered') ? mine : undefined;
    });
    expect(deliveries[0]).toMatchObject({ eventType: 'booking.created', attempts: 1, log: [{ attempt: 1, statusCode: 204 }] });
    const wh = new Webhook(secret);
    const delivered = receiver.received.filter((d) => d.headers['webhook-id'] === (deliveries[0] as unknown as { deliveryId: string }).deliveryId);
    expect(delivered).toHaveLength(1);
    expect(wh.verify(delivered[0]!.body, delivered[0]!.headers)).toMatchObject({ type: 'booking.created', data: { bookingId } });

    const reviewed = await ok('POST', `/v1/me/service-bookings/${bookingId}/review`, { token: a.accessToken, body: { rating: 5, text: '准时，干净 On time and thorough' } });
    expect(reviewed.review).toMatchObject({ rating: 5, text: '准时，干净 On time and thorough' });
    const seenByProvider = (await ok('GET', '/v1/partner/bookings?status=completed', { apiKey })).bookings.find((b: { bookingId: string }) => b.bookingId === bookingId);
    expect(seenByProvider.review).toMatchObject({ rating: 5 });
    const audit = (await ok('GET', '/v1/partner/audit-log', { apiKey })).entries.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`);
    expect(audit).toEqual(expect.arrayContaining(['booking.complete:ok', 'offering.create:ok', 'slot.create:ok', 'webhook.create:ok']));
  });

  it('the completion carries the leader’s service fee onto the leader’s income, and the asset metrics count A as buying goods and services', async () => {
    await bookingLog.waitFor((events) => events.some((e) => e.subject === 'local-services.booking.completed.v1' && (e.data as { bookingId: string }).bookingId === bookingId), 15_000, 'completion event');
    const completion = bookingLog.events().find((e) => e.subject === 'local-services.booking.completed.v1')!;
    expect(completion.data).toMatchObject({ bookingId, userId: a.userId, compoundId: COMPOUND, priceCents: 19_900, leaderUserId: leader.userId, leaderFeeBps: 500, leaderFeeCents: 995 });
    expect(JSON.stringify(completion.data)).not.toContain('cats');
    // leader ops books the fee for A's leader: a service-fee line in this month's income
    const income = await until('service-fee line', async () => {
      const dashboard = await ok('GET', '/v1/leader/dashboard', { token: leader.accessToken });
      return dashboard.income.lines.some((l: { kind: string }) => l.kind === 'service-fee') ? dashboard.income : undefined;
    });
    expect(income.lines.find((l: { kind: string }) => l.kind === 'service-fee')).toMatchObject({ amountCents: 995, basis: { bookings: [bookingId], feeCents: 995 } });

    const metrics = await until('cross-purchase counted', async () => {
      const m = await ok('GET', `/v1/asset-metrics?compoundId=${COMPOUND}`, { token: ops.accessToken });
      return m.customers === 1 && m.crossPurchaseRate === 1 ? m : undefined;
    });
    expect(metrics).toMatchObject({ customers: 1, crossPurchaseRate: 1 });
  });
});
