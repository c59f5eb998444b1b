import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { connectTestNats, deleteTestStreams } from '@linli/testing';
import { buildApps, e2eEnvironment, freePort, natsRpc, startService, type RunningService } from './support.js';
import { apiClient, until, type Tokens } from './client.js';

/**
 * Every service as a real process, attacked and asked over HTTP as a client would:
 * - the member-card account takeover as it was reported is refused, and each way around it too;
 * - a resident's data copy (`GET /v1/me/export`) holds a section from every service that holds data
 *   about them; after erasure no service's database holds their personal data, and the export of the
 *   erased account is refused with a code.
 */
const SERVICES = ['identity', 'orders', 'leader-ops', 'recommendations', 'communities', 'local-services'] as const;
const PHONES = {
  ops: '+8613800000701',
  leader: '+8613800000711',
  victim: '+8613900000721',
  attacker: '+8613900000722',
  resident: '+8613900000723',
};
const COMPOUND = 'e2e-trust-garden';


let env: Awaited<ReturnType<typeof e2eEnvironment>>;
const services: RunningService[] = [];
let nc: NatsConnection;
let base = '';

const { http, ok, signIn, refreshUntil, lastSms } = apiClient(() => base);

/** Every text-like value of every table of a database that contains `needle`, as `table.column`. */
async function tablesHolding(url: string, needles: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'uuid', 'jsonb', 'json', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const { table_name: table, column_name: column } of columns.rows) {
      for (const needle of needles) {
        const hit = await client.query(`SELECT 1 FROM "${table}" WHERE "${column}"::text LIKE '%' || $1 || '%' LIMIT 1`, [needle]);
        if (hit.rowCount) found.push(`${table}.${column}`);
      }
    }
    return [...new Set(found)].sort();
  } finally {
    await client.end();
  }
}

let ops: Tokens;
let leader: Tokens;
let pickupPointId: string;

beforeAll(async () => {
  buildApps([...SERVICES, 'gateway']);
  env = await e2eEnvironment([...SERVICES]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  for (const service of SERVICES) {
    services.push(await startService(service, env.env(service, service === 'orders' ? { PAYMENT_PROVIDER: 'dev', DEV_PAYMENT_DUPLICATE_RATE: '0', ORDER_SCHEDULER_INTERVAL_MS: '200' } : {})));
  }
  services.push(
    await startService('gateway', env.env('gateway', { HTTP_PORT: String(port), DEV_ROUTES: 'true', RATE_LIMIT_PER_MINUTE_CLIENT: '100000', RATE_LIMIT_PER_MINUTE_USER: '100000' })),
  );
  nc = await connectTestNats('trust-and-safety');

  ops = await signIn(PHONES.ops);
  await natsRpc(nc, env.prefix, 'rpc.identity.role.grant.v1', { actor: { userId: '00000000-0000-4000-8000-000000000001', roles: ['ops'] }, userId: ops.userId, role: 'ops' });
  ops = await refreshUntil(ops, 'ops');
  await ok('PUT', `/v1/ops/compounds/${COMPOUND}`, { token: ops.accessToken, body: { name: 'Trust Garden', city: 'Hangzhou', district: 'Xihu' } });
  leader = await signIn(PHONES.leader);
  const application = await ok('POST', '/v1/leader-applications', { token: leader.accessToken, body: { compoundId: COMPOUND, displayName: 'Auntie Zhao', phone: PHONES.leader } }, 201);
  await ok('POST', `/v1/ops/leader-applications/${application.applicationId}/approve`, { token: ops.accessToken });
  leader = await refreshUntil(leader, 'leader');
  const openingHours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' }));
  const point = await ok('POST', '/v1/pickup-points', { token: leader.accessToken, body: { name: 'Gate kiosk', address: 'Gate 1, Trust Garden', compoundIds: [COMPOUND], openingHours, capacity: 100 } }, 201);
  pickupPointId = point.pickupPointId;
}, 180_000);

afterAll(async () => {
  for (const service of services.reverse()) await service.stop();
  if (nc) {
    await deleteTestStreams(nc, env.prefix);
    await nc.close();
  }
  await env?.dropAll();
});

describe('the member-card account takeover', () => {
  it('is refused as reported and every way around it; only ops merges a leader account, and roles never move', async () => {
    // The victim is a leader who linked a member card (proved at a pickup point with a code from ops).
    const card = 'LL-2026-0042';
    let victim = await signIn(PHONES.victim);
    await ok('POST', `/v1/ops/users/${victim.userId}/roles`, { token: ops.accessToken, body: { role: 'leader' } });
    victim = await refreshUntil(victim, 'leader');
    const issued = await ok('POST', '/v1/leader/member-cards/code', { token: ops.accessToken, body: { cardNumber: card } });
    await ok('POST', '/v1/me/identities', { token: victim.accessToken, body: { proof: { channel: 'member-card', cardNumber: card, code: issued.oneTimeCode } } });

    const attacker = await signIn(PHONES.attacker);
    // 1. The request as reported: a card number and nothing else.
    const asReported = await http('POST', '/v1/me/identities', { token: attacker.accessToken, body: { proof: { channel: 'member-card', cardNumber: card } } });
    expect([asReported.status, asReported.body.code]).toEqual([400, 'COMMON.VALIDATION_FAILED']);
    // 2. Asking for the card's code sends it to the holder's phone, not to the attacker.
    const attackerSmsBefore = (await ok('GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(PHONES.attacker)}`)).messages.length;
    const sent = await ok('POST', '/v1/me/identities/member-card/code', { token: attacker.accessToken, body: { cardNumber: card } });
    expect(sent.maskedPhone).toBe('+86139****0721');
    expect((await ok('GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(PHONES.attacker)}`)).messages).toHaveLength(attackerSmsBefore);
    const victimCode = await lastSms(PHONES.victim);
    // 3. Guessing is refused (and counted).
    const guess = await http('POST', '/v1/me/identities', { token: attacker.accessToken, body: { proof: { channel: 'member-card', cardNumber: card, code: victimCode === '111111' ? '222222' : '111111' } } });
    expect([guess.status, guess.body.code]).toEqual([400, 'IDENTITY.OTP_INVALID']);
    // 4. Even with the holder's own code (talked out of them), a leader account is not merged by self-service.
    const withCode = await http('POST', '/v1/me/identities', { token: attacker.accessToken, body: { proof: { channel: 'member-card', cardNumber: card, code: victimCode } } });
    expect([withCode.status, withCode.body.code]).toEqual([409, 'IDENTITY.MERGE_APPROVAL_REQUIRED']);
    const mergeRequestId = withCode.body.details.mergeRequestId as string;

    // Nothing moved: the victim keeps account, card and roles; the attacker is still a plain resident.
    const victimProfile = await ok('GET', '/v1/me/profile', { token: victim.accessToken });
    expect(victimProfile.roles.sort()).toEqual(['leader', 'resident']);
    expect(victimProfile.identities.map((i: { channel: string }) => i.channel).sort()).toEqual(['member-card', 'phone']);
    const attackerProfile = await ok('GET', '/v1/me/profile', { token: attacker.accessToken });
    expect(attackerProfile.roles).toEqual(['resident']);
    expect(attackerProfile.identities.map((i: { channel: string }) => i.channel)).toEqual(['phone']);

    // The queued merge is ops' to decide, and only ops'.
    expect((await http('GET', '/v1/ops/merge-requests?status=pending', { token: attacker.accessToken })).status).toBe(403);
    const queue = await ok('GET', '/v1/ops/merge-requests?status=pending', { token: ops.accessToken });
    expect(queue.mergeRequests.find((r: { mergeRequestId: string }) => r.mergeRequestId === mergeRequestId)).toMatchObject({
      requestedBy: attacker.userId,
      sourceUserId: victim.userId,
      reasons: ['the account holds the role leader'],
    });
    const rejected = await ok('POST', `/v1/ops/merge-requests/${mergeRequestId}/reject`, { token: ops.accessToken, body: { reason: 'the card holder did not ask for this' } });
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: ops.userId });
    expect((await http('GET', '/v1/me/profile', { token: victim.accessToken })).body.userId).toBe(victim.userId);
  });
});

describe('a resident\'s data across every service (PIPL)', () => {
  it('exports a section from every service that holds data about them, then erases it from every database', async () => {
    const resident = await signIn(PHONES.resident);
    const nickname = 'Xiaohong-E2E-7Q';
    await ok('PATCH', '/v1/me/profile', { token: resident.accessToken, body: { nickname, compoundId: COMPOUND, building: '7' } });
    await ok('PUT', '/v1/me/consents/profiling', { token: resident.accessToken, body: { granted: true } });
    await ok('PUT', '/v1/me/pickup-point', { token: resident.accessToken, body: { pickupPointId, compoundId: COMPOUND } });
    await until('binding known to orders', async () => ((await http('GET', '/v1/campaigns', { token: resident.accessToken })).status === 200 ? true : undefined));

    // An order, paid: orders, payments and the asset engine's purchases hold it.
    await ok('PUT', '/v1/ops/categories/dairy', { token: ops.accessToken, body: { name: 'Dairy' } });
    const product = await ok(
      'POST',
      '/v1/ops/products',
      { token: ops.accessToken, body: { name: 'Fresh milk', categoryId: 'dairy', unit: 'bottle', healthFlags: [], tags: [], skus: [{ code: 'E2E-MILK', spec: '1L', priceCents: 1290 }] } },
      201,
    );
    const skuId = product.skus[0].skuId as string;
    const now = Date.now();
    const campaign = await ok(
      'POST',
      '/v1/ops/campaigns',
      {
        token: ops.accessToken,
        body: {
          title: 'Trust day',
          startsAt: new Date(now - 60_000).toISOString(),
          cutoffAt: new Date(now + 3_600_000).toISOString(),
          deliveryDate: new Date(now + 86_400_000).toISOString().slice(0, 10),
          targets: { compoundIds: [COMPOUND] },
          offers: [{ kind: 'sku', skuId, priceCents: 990 }],
          stock: [{ skuId, quantity: 50 }],
        },
      },
      201,
    );
    await ok('POST', `/v1/ops/campaigns/${campaign.campaignId}/publish`, { token: ops.accessToken });
    const offerId = (await ok('GET', `/v1/campaigns/${campaign.campaignId}`, { token: resident.accessToken })).offers[0].offerId;
    const order = await ok('POST', '/v1/orders', { token: resident.accessToken, body: { campaignId: campaign.campaignId, idempotencyKey: 'trust-order-0001', lines: [{ offerId, quantity: 2 }], expectedTotalCents: 1980 } }, 201);
    await ok('POST', `/v1/orders/${order.orderId}/pay`, { token: resident.accessToken });
    await until('order paid', async () => ((await ok('GET', `/v1/orders/${order.orderId}`, { token: resident.accessToken })).status === 'paid' ? true : undefined));
    await ok('POST', '/v1/behaviour', { token: resident.accessToken, body: { events: [{ eventId: crypto.randomUUID(), kind: 'view', occurredAt: new Date().toISOString(), skuId }] } });

    // One document, a section from each service, each produced by its owner.
    const exported = await until('every service has the data', async () => {
      const copy = await ok('GET', '/v1/me/export', { token: resident.accessToken });
      const r = copy.data['recommendations'];
      return r.purchases.length > 0 && r.behaviourEvents.length > 0 && r.customerProfile.length > 0 ? copy : undefined;
    });
    expect(Object.keys(exported.data).sort()).toEqual([...SERVICES].sort());
    expect(JSON.stringify(exported.data['identity'])).toContain(PHONES.resident);
    expect(JSON.stringify(exported.data['identity'])).toContain(nickname);
    expect(exported.data['orders'].orders.map((o: { id: string }) => o.id)).toEqual([order.orderId]);
    expect(exported.data['orders'].payments).toEqual([expect.objectContaining({ orderId: order.orderId, status: 'succeeded', amountCents: 1980 })]);
    expect(exported.data['orders'].pickupBindings).toEqual([expect.objectContaining({ pickupPointId })]);
    expect(exported.data['leader-ops'].pickupBindings).toEqual([expect.objectContaining({ userId: resident.userId, pickupPointId })]);
    expect(exported.data['recommendations'].purchases[0]).toMatchObject({ userId: resident.userId });
    expect(exported.data['communities']).toEqual(expect.any(Object));
    expect(exported.data['local-services']).toEqual(expect.any(Object));

    // Erasure fans out by event; afterwards no database holds the id, the phone or the nickname,
    // except identity's anonymous tombstone (the id, so erasure stays idempotent) and event logs.
    await ok('POST', '/v1/me/erasure', { token: resident.accessToken });
    // The id may stay where it is no longer linked to anything personal: identity's tombstone (so
    // erasure stays idempotent), the asset engine's list of erased ids (so a late event about them is
    // dropped, not re-creating a customer) and the erasure events themselves in the outbox.
    const tombstones = new Set(['identity:users.id', 'recommendations:erased_users.user_id']);
    const mayKeepId = (service: string, place: string) => tombstones.has(`${service}:${place}`) || place === 'outbox_events.payload';
    for (const service of SERVICES) {
      const url = env.databases[service]!.url;
      const leftovers = async () => {
        const personal = await tablesHolding(url, [PHONES.resident, nickname]);
        const linked = (await tablesHolding(url, [resident.userId])).filter((place) => !mayKeepId(service, place));
        return [...new Set([...personal, ...linked])].sort();
      };
      const holding = await until(`${service} forgets the resident`, async () => ((await leftovers()).length === 0 ? [] : undefined), 20_000).catch(leftovers);
      expect([service, holding]).toEqual([service, []]);
      // what stays in the outbox under the id is the erasure's own notices and nothing else: the erasure
      // event and the revocation of the sessions it deleted (both name only the tombstone's id)
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      const kept = await db.query<{ subject: string; reason: string | null }>(
        `SELECT subject, payload->>'reason' AS reason FROM outbox_events WHERE payload::text LIKE '%' || $1 || '%'`,
        [resident.userId],
      );
      await db.end();
      const erasureNotice = (row: { subject: string; reason: string | null }) =>
        row.subject === 'identity.user.erased.v1' || (row.subject === 'identity.session.revoked.v1' && row.reason === 'erased');
      expect([service, kept.rows.filter((row) => !erasureNotice(row)).map((row) => row.subject)]).toEqual([service, []]);
    }
    const identityDb = new pg.Client({ connectionString: env.databases['identity']!.url });
    await identityDb.connect();
    const tombstone = await identityDb.query('SELECT status, roles FROM users WHERE id = $1::uuid', [resident.userId]);
    await identityDb.end();
    expect(tombstone.rows).toEqual([{ status: 'erased', roles: [] }]);

    // The erased account's copy is refused with a code (over HTTP, and when ops asks identity directly).
    const afterwards = await http('GET', '/v1/me/export', { token: resident.accessToken });
    expect(afterwards.status).toBeGreaterThanOrEqual(400);
    expect(afterwards.status).toBeLessThan(500);
    expect(['IDENTITY.USER_ERASED', 'AUTH.SESSION_REVOKED', 'AUTH.TOKEN_INVALID']).toContain(afterwards.body.code);
    await expect(natsRpc(nc, env.prefix, 'rpc.identity.user.export.v1', { actor: { userId: ops.userId, roles: ['ops'] }, userId: resident.userId })).rejects.toThrow(
      /IDENTITY\.USER_ERASED/,
    );
  }, 120_000);
});
