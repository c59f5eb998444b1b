import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { orders as ordersContracts, type EventContract } from '@linli/contracts';
import { Subjects } from '@linli/nest-kit';
import { connectTestNats, deleteTestStreams } from '@linli/testing';
import { buildApps, e2eEnvironment, freePort, natsRpc, startService, type RunningService } from './support.js';
import { apiClient, until, type Tokens } from './client.js';

/**
 * The leader as customer operator over HTTP, with gateway, identity and leader-ops as real processes:
 * ops approve two leaders, residents bind to their points and declare a birthday and consents; last
 * month's completed orders flow in as the orders service publishes them; the leader sees only their
 * customers and an attention list, drafts, approves and sends a birthday greeting that arrives in the
 * resident's inbox; ops issue last month's statements, and the test recomputes the leader's by hand.
 */

const PHONES = { ops: '+8613800000931', leader1: '+8613800000932', leader2: '+8613800000933', a: '+8613900000934', b: '+8613900000935', c: '+8613900000936' };
const COMPOUND = 'e2e-osmanthus-court';

let env: Awaited<ReturnType<typeof e2eEnvironment>>;
const services: RunningService[] = [];
let nc: NatsConnection;
let base = '';

const { http, ok, signIn, refreshUntil } = apiClient(() => base);

const shanghaiDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
const today = shanghaiDate(Date.now());
const lastMonth = (() => {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();

/** Publishes an order event as the orders service's outbox relay does. */
async function publish(contract: EventContract, data: unknown): Promise<void> {
  const envelope = { id: randomUUID(), subject: contract.subject, occurredAt: new Date().toISOString(), source: 'orders', data: contract.data.parse(data) };
  await jetstream(nc).publish(new Subjects(env.prefix).of(contract.subject), JSON.stringify(envelope), { msgID: envelope.id });
}

/** One order completed on `day` of last month: paid, then completed. */
async function completedOrder(userId: string, pickupPointId: string, day: string, lines: { categoryId: string; amountCents: number }[]): Promise<void> {
  const at = `${lastMonth}-${day}T03:00:00.000Z`;
  const eventLines = lines.map((l) => ({ lineId: randomUUID(), kind: 'sku', skuId: randomUUID(), bundleId: null, productId: randomUUID(), categoryId: l.categoryId, quantity: 1, unitPriceCents: l.amountCents, amountCents: l.amountCents, items: [] }));
  const order = { orderId: randomUUID(), userId, campaignId: randomUUID(), pickupPointId, compoundId: COMPOUND, totalCents: lines.reduce((n, l) => n + l.amountCents, 0), lines: eventLines, placedAt: at, actor: { kind: 'system', userId: null } };
  await publish(ordersContracts.orderPaid, { ...order, status: 'paid', at, paymentId: randomUUID(), paidCents: order.totalCents });
  await publish(ordersContracts.orderCompleted, { ...order, status: 'completed', at });
}

beforeAll(async () => {
  buildApps(['gateway', 'identity', 'leader-ops']);
  env = await e2eEnvironment(['identity', 'leader-ops']);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  services.push(await startService('identity', env.env('identity')));
  // Quiet hours are off so the test may send at any hour; the refusal in quiet hours is covered by the integration test.
  services.push(await startService('leader-ops', env.env('leader-ops', { MESSAGE_QUIET_HOURS: 'off' })));
  services.push(await startService('gateway', env.env('gateway', { HTTP_PORT: String(port), DEV_ROUTES: 'true', RATE_LIMIT_PER_MINUTE_CLIENT: '100000', RATE_LIMIT_PER_MINUTE_USER: '100000' })));
  nc = await connectTestNats('leader-customers');
});

afterAll(async () => {
  for (const service of services.reverse()) await service.stop();
  if (nc) {
    await deleteTestStreams(nc, env.prefix);
    await nc.close();
  }
  await env?.dropAll();
});

describe('the leader as customer operator, over HTTP', () => {
  it('serves the festival calendar without sign-in and refuses years it does not cover', async () => {
    const calendar = await ok('GET', '/v1/calendar/festivals?year=2025');
    expect(calendar.festivals).toEqual(expect.arrayContaining([{ key: 'spring-festival', name: '春节', date: '2025-01-29' }, { key: 'mid-autumn', name: '中秋节', date: '2025-10-06' }]));
    expect(calendar.solarTerms).toHaveLength(24);
    const refused = await http('GET', '/v1/calendar/festivals?year=1850');
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'LEADER_OPS.YEAR_OUT_OF_RANGE' });
  });

  it('orders flow in; the leader sees their customers and an attention list, sends a birthday greeting, and receives a statement that adds up', async () => {
    let ops = await signIn(PHONES.ops);
    await natsRpc(nc, env.prefix, 'rpc.identity.role.grant.v1', { actor: { userId: '00000000-0000-4000-8000-000000000001', roles: ['ops'] }, userId: ops.userId, role: 'ops' });
    ops = await refreshUntil(ops, 'ops');
    await ok('PUT', `/v1/ops/compounds/${COMPOUND}`, { token: ops.accessToken, body: { name: 'Osmanthus Court 桂花苑', city: 'Hangzhou' } });

    const leaders: Tokens[] = [];
    const points: string[] = [];
    for (const [phone, name] of [[PHONES.leader1, 'Auntie Zhou'], [PHONES.leader2, 'Uncle Qian']] as const) {
      const tokens = await signIn(phone);
      const application = await ok('POST', '/v1/leader-applications', { token: tokens.accessToken, body: { compoundId: COMPOUND, displayName: name, phone } }, 201);
      await ok('POST', `/v1/ops/leader-applications/${application.applicationId}/approve`, { token: ops.accessToken });
      const leader = await refreshUntil(tokens, 'leader');
      const point = await ok(
        'POST',
        '/v1/pickup-points',
        { token: leader.accessToken, body: { name: `${name}'s kiosk`, address: '1 Osmanthus Road', compoundIds: [COMPOUND], openingHours: [{ weekday: 1, opens: '08:00', closes: '20:00' }], capacity: 50 } },
        201,
      );
      leaders.push(leader);
      points.push(point.pickupPointId);
    }
    const [leader1, leader2] = leaders as [Tokens, Tokens];

    const a = await signIn(PHONES.a);
    const b = await signIn(PHONES.b);
    const c = await signIn(PHONES.c);
    for (const [resident, point] of [[a, points[0]], [b, points[0]], [c, points[1]]] as const) {
      await ok('PUT', '/v1/me/pickup-point', { token: resident.accessToken, body: { pickupPointId: point, compoundId: COMPOUND } });
    }
    // a's birthday is in two days (China time), and a agrees to care messages
    const birthday = `1962-${shanghaiDate(Date.now() + 2 * 86_400_000).slice(5)}`;
    await ok('PATCH', '/v1/me/profile', { token: a.accessToken, body: { nickname: '周阿姨', birthday } });
    await ok('PUT', '/v1/me/consents/marketing', { token: a.accessToken, body: { granted: true } });

    // Last month: a bought rice twice at leader 1's point, b fruit once; c rice at leader 2's.
    await completedOrder(a.userId, points[0]!, '05', [{ categoryId: 'rice', amountCents: 8_000 }]);
    await completedOrder(a.userId, points[0]!, '20', [{ categoryId: 'rice', amountCents: 8_000 }, { categoryId: 'fruit', amountCents: 3_000 }]);
    await completedOrder(b.userId, points[0]!, '12', [{ categoryId: 'fruit', amountCents: 5_000 }]);
    await completedOrder(c.userId, points[1]!, '15', [{ categoryId: 'rice', amountCents: 6_000 }]);

    // The leader's customers: a and b, not c.
    const detail = await until('a seen with orders, birthday and consent', async () => {
      const reply = await http('GET', `/v1/leader/customers/${a.userId}`, { token: leader1.accessToken });
      return reply.status === 200 && reply.body.completedOrders === 2 && reply.body.birthday === birthday && reply.body.marketingConsent ? reply.body : undefined;
    });
    expect(detail).toMatchObject({ nickname: '周阿姨', spentCents: 19_000, purchases: { categories: [{ categoryId: 'rice', spentCents: 16_000, orders: 2 }, { categoryId: 'fruit', spentCents: 3_000, orders: 1 }] } });
    const list = await ok('GET', '/v1/leader/customers', { token: leader1.accessToken });
    expect(list.customers.map((x: { userId: string }) => x.userId).sort()).toEqual([a.userId, b.userId].sort());
    const foreign = await http('GET', `/v1/leader/customers/${c.userId}`, { token: leader1.accessToken });
    expect({ status: foreign.status, code: foreign.body.code }).toEqual({ status: 403, code: 'LEADER_OPS.NOT_YOUR_CUSTOMER' });
    expect((await http('GET', '/v1/leader/customers', { token: a.accessToken })).status).toBe(403);
    await until('b and c orders seen', async () => {
      const reply = await http('GET', `/v1/leader/customers/${b.userId}`, { token: leader1.accessToken });
      const other = await http('GET', `/v1/leader/customers/${c.userId}`, { token: leader2.accessToken });
      return reply.body?.completedOrders === 1 && other.body?.completedOrders === 1 ? true : undefined;
    });

    const attention = await ok('GET', '/v1/leader/attention', { token: leader1.accessToken });
    expect(attention.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'birthday', userId: a.userId, reason: 'birthday in 2 days' })]));

    // Draft, approve, send: it arrives in a's inbox.
    const { drafts } = await ok('POST', '/v1/leader/drafts', { token: leader1.accessToken, body: { kind: 'birthday', userId: a.userId } }, 201);
    expect(drafts[0]).toMatchObject({ status: 'draft', generator: 'template', inputs: { nickname: '周阿姨' } });
    const unapproved = await http('POST', `/v1/leader/drafts/${drafts[0].draftId}/send`, { token: leader1.accessToken });
    expect({ status: unapproved.status, code: unapproved.body.code }).toEqual({ status: 409, code: 'LEADER_OPS.DRAFT_NOT_APPROVED' });
    await ok('POST', `/v1/leader/drafts/${drafts[0].draftId}/approve`, { token: leader1.accessToken });
    const sent = await ok('POST', `/v1/leader/drafts/${drafts[0].draftId}/send`, { token: leader1.accessToken });
    expect(sent.message).toMatchObject({ deliveryStatus: 'delivered', channel: 'in-app' });
    const inbox = await ok('GET', '/v1/me/inbox', { token: a.accessToken });
    expect(inbox).toMatchObject({ unread: 1, messages: [{ messageId: sent.message.messageId, body: drafts[0].text, read: false }] });
    expect((await ok('GET', '/v1/me/inbox', { token: b.accessToken })).messages).toEqual([]);

    // Ops issue last month's statements; leader 1's adds up by hand.
    const issued = await ok('POST', `/v1/ops/leader-settlements/${lastMonth}/issue`, { token: ops.accessToken }, 201);
    expect(issued.statements).toHaveLength(2);
    const again = await http('POST', `/v1/ops/leader-settlements/${lastMonth}/issue`, { token: ops.accessToken });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'LEADER_OPS.SETTLEMENT_ALREADY_ISSUED' });
    const statement = await ok('GET', `/v1/leader/settlements/${lastMonth}`, { token: leader1.accessToken });

    // Rules 2026-12-v1: rice 3 %, fruit 8 %; 200.00 × share of customers who bought; 100.00 × repurchase-rate
    // growth; NPS bonus 150.00 (no answers: none); dividend 5 % of a 10 % margin on all sales, split by score.
    const rice = Math.round(16_000 * 0.03);
    const fruit = Math.round(8_000 * 0.08);
    const activity = Math.round((2 / 2) * 20_000) + 0; // a and b both bought; no repurchase rate the month before
    const satisfaction = 0;
    const score1 = 75; // (50 × 2/2 + 50 × 0.5 neutral satisfaction) / 100
    const score2 = 75;
    const pool = Math.floor((16_000 + 8_000 + 6_000) * 0.1 * 0.05);
    const dividend = Math.floor(pool * (score1 / (score1 + score2)));
    const byKind = (kind: string) => statement.lines.filter((l: { kind: string }) => l.kind === kind).map((l: { amountCents: number }) => l.amountCents);
    expect(byKind('commission')).toEqual([fruit, rice]); // by category id
    expect(byKind('activity-bonus')).toEqual([activity]);
    expect(byKind('satisfaction-bonus')).toEqual([satisfaction]);
    expect(byKind('platform-dividend')).toEqual([dividend]);
    expect(statement).toMatchObject({ month: lastMonth, status: 'issued', score: score1, totalCents: rice + fruit + activity + satisfaction + dividend });
    for (const line of statement.lines) expect(line.explanation.length).toBeGreaterThan(10);
    const other = await http('GET', `/v1/leader/settlements/${lastMonth}`, { token: a.accessToken });
    expect(other.status).toBe(403);
  });
});
