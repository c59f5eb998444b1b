/**
 * The platform the security tier probes: every service of `apps/` and the gateway as real processes
 * (own databases, own subject prefix), started once, with the actors the probes need — two residents,
 * two leaders with a pickup point each, an ops user — and resources A owns (an order, a leader
 * application, a segment).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectTestNats, deleteTestStreams } from '@linli/testing';
import { issueAccessToken } from '@linli/nest-kit';
import type { Role } from '@linli/contracts';
import { buildApps, e2eEnvironment, freePort, natsRpc, root, startService, type RunningService } from '../e2e/support.js';
import type { ActorName, ApiKeyKind, BadToken } from './generate.js';
import type { SeededIds } from './fixtures.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface Tokens {
  userId: string;
  roles: Role[];
  accessToken: string;
  refreshToken: string;
}

export interface Platform {
  base: string;
  /** Values no answer may ever carry: the token and webhook secret, database URLs. */
  secrets: string[];
  actors: Record<ActorName, Tokens & { phone: string; name: string }>;
  badTokens: Record<Exclude<BadToken, 'none'>, string>;
  /** API keys for the partner routes: provider A's (resident A's), provider B's (resident B's), a revoked one, garbage. */
  apiKeys: Record<ApiKeyKind, string>;
  ids: SeededIds;
  orderLineId: string;
  skuId: string;
  http(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<Reply>;
  stop(): Promise<void>;
}

const PHONES: Record<ActorName, string> = {
  ops: '+8613800000801',
  leaderA: '+8613800000811',
  leaderB: '+8613800000812',
  residentA: '+8613900000821',
  residentB: '+8613900000822',
};
const NAMES: Record<ActorName, string> = {
  ops: 'Ops Zhou',
  leaderA: 'Leader Auntie Qian',
  leaderB: 'Leader Uncle Sun',
  residentA: 'Resident Li Xiaomei',
  residentB: 'Resident Wang Dawei',
};
const COMPOUND_A = 'sec-compound-a';
const COMPOUND_B = 'sec-compound-b';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Services with a database of their own: every app but the gateway. */
function services(): string[] {
  return readdirSync(join(root, 'apps')).filter((app) => app !== 'gateway' && existsSync(join(root, 'libs', app, 'data-access', 'prisma', 'migrations')));
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startPlatform(): Promise<Platform> {
  const names = services();
  buildApps(['gateway', ...names]);
  const env = await e2eEnvironment(names);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const running: RunningService[] = [];
  let nc: NatsConnection | undefined;

  const stop = async () => {
    for (const service of running.reverse()) await service.stop();
    if (nc) {
      await deleteTestStreams(nc, env.prefix);
      await nc.close();
    }
    await env.dropAll();
  };

  try {
    running.push(...(await Promise.all(names.map((name) => startService(name, env.env(name, name === 'orders' ? { ORDER_SCHEDULER_INTERVAL_MS: '0' } : name === 'leader-ops' ? { MESSAGE_QUIET_HOURS: 'off' } : {}))))));
    running.push(
      await startService(
        'gateway',
        env.env('gateway', { HTTP_PORT: String(port), DEV_ROUTES: 'true', RATE_LIMIT_PER_MINUTE_CLIENT: '1000000', RATE_LIMIT_PER_MINUTE_USER: '1000000' }),
      ),
    );
    nc = await connectTestNats('security-tier');

    const http: Platform['http'] = async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers['authorization'] = `Bearer ${options.token}`;
      const body = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${base}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, text, body: parsed };
    };
    const ok = async (method: string, path: string, options: { token?: string; body?: unknown } = {}, status = 200) => {
      const reply = await http(method, path, options);
      if (reply.status !== status) throw new Error(`seeding: ${method} ${path} → ${reply.status} (expected ${status}): ${reply.text}`);
      return reply.body;
    };
    const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
      const started = Date.now();
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() - started > timeoutMs) throw new Error(`seeding: ${what} not reached in ${timeoutMs} ms`);
        await sleep(100);
      }
    };
    const signIn = async (phone: string): Promise<Tokens> => {
      await ok('POST', '/v1/auth/otp', { body: { phone } });
      const outbox = await ok('GET', `/v1/dev/sms-outbox?phone=${encodeURIComponent(phone)}`);
      return ok('POST', '/v1/auth/otp/verify', { body: { phone, code: outbox.messages[0].code, device: 'security-tier' } });
    };
    const refreshUntil = (tokens: Tokens, role: Role) => {
      let current = tokens;
      return until(`role ${role}`, async () => {
        current = await ok('POST', '/v1/auth/refresh', { body: { refreshToken: current.refreshToken } });
        return current.roles.includes(role) ? current : undefined;
      });
    };

    // People.
    const signed = Object.fromEntries(await Promise.all(Object.entries(PHONES).map(async ([actor, phone]) => [actor, await signIn(phone)] as const))) as Record<ActorName, Tokens>;
    await natsRpc(nc, env.prefix, 'rpc.identity.role.grant.v1', { actor: { userId: randomUUID(), roles: ['ops'] }, userId: signed.ops.userId, role: 'ops' });
    signed.ops = await refreshUntil(signed.ops, 'ops');
    const ops = signed.ops.accessToken;
    for (const [compoundId, name] of [[COMPOUND_A, 'Security Garden A'], [COMPOUND_B, 'Security Court B']] as const) {
      await ok('PUT', `/v1/ops/compounds/${compoundId}`, { token: ops, body: { name, city: 'Hangzhou', district: 'Xihu' } });
    }
    const openingHours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' }));
    const points: Record<'leaderA' | 'leaderB', string> = { leaderA: '', leaderB: '' };
    let applicationId = '';
    for (const [leader, compoundId] of [['leaderA', COMPOUND_A], ['leaderB', COMPOUND_B]] as const) {
      const application = await ok(
        'POST',
        '/v1/leader-applications',
        { token: signed[leader].accessToken, body: { compoundId, displayName: NAMES[leader], phone: PHONES[leader], statement: 'I run the shop at the gate.' } },
        201,
      );
      if (leader === 'leaderA') applicationId = application.applicationId;
      await ok('POST', `/v1/ops/leader-applications/${application.applicationId}/approve`, { token: ops });
      signed[leader] = await refreshUntil(signed[leader], 'leader');
      const point = await ok(
        'POST',
        '/v1/pickup-points',
        { token: signed[leader].accessToken, body: { name: `${NAMES[leader]}'s kiosk`, address: `Gate 1, ${compoundId}`, compoundIds: [compoundId], openingHours, capacity: 100 } },
        201,
      );
      points[leader] = point.pickupPointId;
    }
    for (const [resident, leader, compoundId] of [['residentA', 'leaderA', COMPOUND_A], ['residentB', 'leaderB', COMPOUND_B]] as const) {
      const token = signed[resident].accessToken;
      await ok('PATCH', '/v1/me/profile', { token, body: { nickname: NAMES[resident], compoundId, building: '7' } });
      await ok('PUT', '/v1/me/pickup-point', { token, body: { pickupPointId: points[leader], compoundId } });
      await until('binding known to orders', async () => ((await http('GET', '/v1/campaigns', { token })).status === 200 ? true : undefined));
    }

    // A's order in a campaign for both compounds.
    await ok('PUT', '/v1/ops/categories/sec-dairy', { token: ops, body: { name: 'Dairy' } });
    const product = await ok(
      'POST',
      '/v1/ops/products',
      { token: ops, body: { name: 'Security milk', categoryId: 'sec-dairy', unit: 'pack', healthFlags: [], tags: ['breakfast'], skus: [{ code: 'SEC-MILK-1', spec: '1L', priceCents: 1200 }] } },
      201,
    );
    const skuId: string = product.skus[0].skuId;
    const bundle = await ok('POST', '/v1/ops/bundles', { token: ops, body: { name: 'Security pair', priceCents: 2000, items: [{ skuId, quantity: 2 }] } }, 201);
    const now = Date.now();
    const deliveryDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now + 2 * 86_400_000));
    const draft = await ok(
      'POST',
      '/v1/ops/campaigns',
      {
        token: ops,
        body: {
          title: 'Security campaign',
          startsAt: new Date(now - 60_000).toISOString(),
          cutoffAt: new Date(now + 86_400_000).toISOString(),
          deliveryDate,
          targets: { compoundIds: [COMPOUND_A, COMPOUND_B] },
          offers: [{ kind: 'sku', skuId, priceCents: 990, perCustomerLimit: 5 }],
          stock: [{ skuId, quantity: 50 }],
        },
      },
      201,
    );
    const campaign = await ok('POST', `/v1/ops/campaigns/${draft.campaignId}/publish`, { token: ops });
    const order = await ok(
      'POST',
      '/v1/orders',
      { token: signed.residentA.accessToken, body: { campaignId: campaign.campaignId, idempotencyKey: 'security-order-a', lines: [{ offerId: campaign.offers[0].offerId, quantity: 1 }], expectedTotalCents: 990 } },
      201,
    );

    // A's segment (recommendations learns leader A's point from events: retry until it does).
    const segment = await until('segment of leader A', async () => {
      const reply = await http('POST', '/v1/segments', { token: signed.leaderA.accessToken, body: { name: 'Families of A', rule: { all: [{ tag: 'has_children', eq: true }] } } });
      return reply.status === 201 ? reply.body : undefined;
    });

    // Leader A's care of resident A: a reminder, a draft left as a draft, and a message sent to A's inbox
    // (the drafts need A's marketing consent; leader-ops learns A as leader A's customer from events).
    await ok('PATCH', '/v1/me/profile', { token: signed.residentA.accessToken, body: { birthday: `1962-${deliveryDate.slice(5)}` } });
    await ok('PUT', '/v1/me/consents/marketing', { token: signed.residentA.accessToken, body: { granted: true } });
    const leaderA = signed.leaderA.accessToken;
    const draftFor = () =>
      until('a care draft for resident A', async () => {
        const reply = await http('POST', '/v1/leader/drafts', { token: leaderA, body: { kind: 'birthday', userId: signed.residentA.userId } });
        return reply.status === 201 ? (reply.body.drafts[0].draftId as string) : undefined;
      });
    const sentDraft = await draftFor();
    await ok('POST', `/v1/leader/drafts/${sentDraft}/approve`, { token: leaderA });
    const sent = await ok('POST', `/v1/leader/drafts/${sentDraft}/send`, { token: leaderA });
    const draftId = await draftFor();
    const reminder = await ok(
      'POST',
      '/v1/leader/reminders',
      { token: leaderA, body: { userId: signed.residentA.userId, text: 'ask about the milk', dueAt: new Date(now + 86_400_000).toISOString() } },
      201,
    );

    // Leader A's pickup-point community with resident A as a member, A's post, an event and A's proposal
    // in it (communities learns the point and A's binding from events: retry until it has).
    const community = await until('pickup point known to communities', async () => {
      const reply = await http('POST', '/v1/communities', { token: leaderA, body: { name: 'Security circle', scope: 'pickup-point', pickupPointId: points.leaderA, tags: ['light-food'] } });
      return reply.status === 201 ? reply.body : undefined;
    });
    await until('binding known to communities', async () => {
      const reply = await http('POST', `/v1/communities/${community.communityId}/members`, { token: signed.residentA.accessToken });
      return reply.status === 201 ? true : undefined;
    });
    const post = await ok('POST', `/v1/communities/${community.communityId}/posts`, { token: signed.residentA.accessToken, body: { body: 'A recipe by A' } }, 201);
    const event = await ok(
      'POST',
      '/v1/events',
      {
        token: leaderA,
        body: { communityId: community.communityId, title: 'Security tasting', startsAt: new Date(now + 86_400_000).toISOString(), endsAt: new Date(now + 90_000_000).toISOString(), pickupPointId: points.leaderA, capacity: 10 },
      },
      201,
    );
    await ok('POST', `/v1/events/${event.eventId}/rsvps`, { token: signed.residentA.accessToken }, 201);
    const proposal = await ok('POST', '/v1/proposals', { token: signed.residentA.accessToken, body: { communityId: community.communityId, title: 'A bread by A' } }, 201);

    // Local services: resident A's provider (approved, with a key, an offering and a slot) and resident
    // A's booking there; resident B's provider with a key of its own; a revoked key of A's.
    const provider = async (owner: Tokens, compoundId: string, name: string) => {
      const applied = await ok(
        'POST',
        '/v1/provider-applications',
        { token: owner.accessToken, body: { companyName: name, contactPhone: '+8613800000899', licenceRefs: [{ kind: 'business-licence', number: `SEC-${name}` }], categories: ['housekeeping'], compoundIds: [compoundId] } },
        201,
      );
      await ok('POST', `/v1/ops/providers/${applied.providerId}/approve`, { token: ops });
      const key = await ok('POST', `/v1/providers/${applied.providerId}/api-keys`, { token: owner.accessToken, body: { scopes: ['catalog', 'bookings', 'webhooks'] } }, 201);
      return { providerId: applied.providerId as string, keyId: key.keyId as string, key: key.key as string };
    };
    const providerA = await provider(signed.residentA, COMPOUND_A, 'Security cleaners A');
    const providerB = await provider(signed.residentB, COMPOUND_B, 'Security cleaners B');
    const spare = await ok('POST', `/v1/providers/${providerA.providerId}/api-keys`, { token: signed.residentA.accessToken, body: { scopes: ['catalog'] } }, 201);
    await ok('DELETE', `/v1/providers/${providerA.providerId}/api-keys/${spare.keyId}`, { token: signed.residentA.accessToken });
    const partnerA = { 'x-api-key': providerA.key };
    const offering = await http('POST', '/v1/partner/offerings', { headers: partnerA, body: { category: 'housekeeping', title: 'Security clean', priceCents: 0, durationMinutes: 60, compoundIds: [COMPOUND_A] } });
    if (offering.status !== 201) throw new Error(`seeding: offering → ${offering.status}: ${offering.text}`);
    const slots = await http('POST', `/v1/partner/offerings/${offering.body.offeringId}/slots`, {
      headers: partnerA,
      body: { slots: [{ startsAt: new Date(now + 2 * 86_400_000).toISOString(), capacity: 5 }, { startsAt: new Date(now + 3 * 86_400_000).toISOString(), capacity: 5 }] },
    });
    if (slots.status !== 201) throw new Error(`seeding: slots → ${slots.status}: ${slots.text}`);
    const booking = await until('binding known to local-services', async () => {
      const reply = await http('POST', `/v1/service-slots/${slots.body.slots[0].slotId}/bookings`, { token: signed.residentA.accessToken, body: { note: 'A note by A' } });
      return reply.status === 201 ? reply.body : undefined;
    });
    // Resident A's points, some held for a spend (growth, in the communities service).
    await ok('POST', `/v1/ops/members/${signed.residentA.userId}/points/adjustments`, { token: ops, body: { delta: 50, reason: 'security tier', idempotencyKey: 'security-credit-a' } }, 201);
    const reservation = await ok(
      'POST',
      '/v1/me/points/reservations',
      { token: signed.residentA.accessToken, body: { points: 10, reference: { kind: 'order', id: order.orderId }, idempotencyKey: 'security-reserve-a' } },
      201,
    );

    // Credentials the probes send: A's, twisted.
    const [, claims, signature] = signed.residentA.accessToken.split('.');
    const decoded = JSON.parse(Buffer.from(claims!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const escalated = { ...decoded, roles: ['resident', 'ops'] };
    // A session of its own (one code per phone per resend interval), signed out.
    const revoked = await signIn('+8613900000829');
    await ok('POST', '/v1/auth/sign-out', { token: revoked.accessToken, body: { refreshToken: revoked.refreshToken } });
    // Give the revocation its moment to reach the gateway; whether it did is what the probes check.
    for (const started = Date.now(); Date.now() - started < 3_000; await sleep(50)) {
      if ((await http('GET', '/v1/me/profile', { token: revoked.accessToken })).status === 401) break;
    }
    const badTokens: Platform['badTokens'] = {
      garbage: 'garbage',
      tampered: `v1.${b64(escalated)}.${signature}`,
      'alg-none-jwt': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(escalated)}.`,
      'alg-none': `v1.${b64(escalated)}.`,
      'other-secret': issueAccessToken({ userId: signed.residentA.userId, roles: ['resident', 'ops'], sessionId: randomUUID(), ttlSeconds: 600 }, randomBytes(32).toString('hex')).token,
      expired: issueAccessToken(
        { userId: signed.residentA.userId, roles: ['resident'], sessionId: randomUUID(), ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) },
        env.secret,
      ).token,
      revoked: revoked.accessToken,
    };

    return {
      base,
      secrets: [env.secret, ...Object.values(env.databases).map((db) => db.url), 'postgresql://', 'postgres://'],
      actors: Object.fromEntries((Object.keys(PHONES) as ActorName[]).map((actor) => [actor, { ...signed[actor], phone: PHONES[actor], name: NAMES[actor] }])) as Platform['actors'],
      badTokens,
      apiKeys: { partnerA: providerA.key, partnerB: providerB.key, revoked: spare.key, garbage: 'lsk_garbage' },
      ids: {
        orderId: order.orderId,
        userId: signed.residentA.userId,
        applicationId,
        pickupPointId: points.leaderA,
        segmentId: segment.segmentId,
        compoundId: COMPOUND_A,
        campaignId: campaign.campaignId,
        productId: product.productId,
        bundleId: bundle.bundleId,
        categoryId: 'sec-dairy',
        purpose: 'marketing',
        reminderId: reminder.reminderId,
        draftId,
        messageId: sent.message.messageId,
        communityId: community.communityId,
        postId: post.postId,
        eventId: event.eventId,
        proposalId: proposal.proposalId,
        surveyId: '00000000-0000-4000-8000-00000000a905',
        kind: 'like',
        leaderUserId: signed.leaderA.userId,
        month: new Date(now).toISOString().slice(0, 7),
        providerId: providerA.providerId,
        keyId: providerA.keyId,
        bookingId: booking.bookingId,
        slotId: slots.body.slots[1].slotId,
        offeringId: offering.body.offeringId,
        practitionerId: randomUUID(),
        deliveryId: 'msg_unknown',
        reservationId: reservation.reservationId,
        journeyId: 'seven-day',
        // not seeded (see PARAM_OWNERS)
        mergeRequestId: randomUUID(),
        refundId: randomUUID(),
      },
      orderLineId: order.lines[0].lineId,
      skuId,
      http,
      stop,
    };
  } catch (error) {
    const output = running.map((service) => `--- ${service.name}\n${service.output.join('').slice(-3000)}`).join('\n');
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${output}`);
  }
}
