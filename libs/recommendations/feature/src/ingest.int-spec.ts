import { randomUUID } from 'node:crypto';
import { health, identity, leaderOps, orders, recommendations } from '@linli/contracts';
import { Subjects } from '@linli/nest-kit';
import { CONSUMERS } from './recommendations.consumers.js';
import {
  count,
  orderEvent,
  paidOrder,
  processed,
  publish,
  publishAndWait,
  register,
  resident,
  startHarness,
  type Harness,
} from './recommendations.fixture.js';
import { codeOf } from '@linli/testing';

let h: Harness;
const compoundId = 'compound-ingest';
const pickupPointId = randomUUID();
const sku = { skuId: randomUUID(), productId: randomUUID(), categoryId: 'fresh-vegetables', amountCents: 990 };
const day = (d: string) => `${d}T04:00:00.000Z`;

beforeAll(async () => {
  h = await startHarness({ parkReleaseAfterMs: 60_000 });
});

afterAll(async () => {
  await h?.close();
});

const purchases = (userId: string) => count(h, 'SELECT count(*) FROM purchases WHERE user_id = $1', userId);

describe('recommendations consumers', () => {
  it('answers health with database and NATS checks', async () => {
    expect(await h.rpc.request(health.recommendations, {})).toMatchObject({ service: 'recommendations', status: 'up', checks: { nats: 'up', database: 'up' } });
  });

  it('keeps the declared profile, consents and binding of a resident', async () => {
    const userId = randomUUID();
    await register(h, userId, { compoundId, household: { adults: 2, children: [{ birthYear: 2025 }] }, dietary: { preferences: ['素食'] } });
    await publishAndWait(h, leaderOps.residentBound, { userId, pickupPointId, compoundId, previousPickupPointId: null, boundAt: new Date().toISOString() });
    const row = (await h.db.$queryRawUnsafe<{ compound_id: string; pickup_point_id: string; profiling_consent: boolean; household: unknown }[]>(
      'SELECT compound_id, pickup_point_id, profiling_consent, household FROM customers WHERE user_id = $1',
      userId,
    ))[0]!;
    expect(row).toMatchObject({ compound_id: compoundId, pickup_point_id: pickupPointId, profiling_consent: true, household: { adults: 2, children: [{ birthYear: 2025 }] } });
    // An older consent decision arriving late does not win over the newer one.
    await publishAndWait(h, identity.consentChanged, { userId, purpose: 'profiling', granted: false, changedAt: '2020-01-01T00:00:00.000Z' });
    expect(await count(h, 'SELECT count(*) FROM customers WHERE user_id = $1 AND profiling_consent', userId)).toBe(1);
  });

  it('turns order events into purchases whose status follows the order, with refunds', async () => {
    const userId = randomUUID();
    await register(h, userId, { compoundId });
    const placed = orderEvent({ userId, compoundId, pickupPointId, placedAt: day('2026-03-01'), status: 'pending_payment', lines: [sku, { ...sku, skuId: randomUUID(), amountCents: 500 }] });
    await publishAndWait(h, orders.orderPlaced, { ...placed, expiresAt: day('2026-03-02') });
    expect(await count(h, "SELECT count(*) FROM purchases WHERE user_id = $1 AND status = 'placed'", userId)).toBe(2);
    await publishAndWait(h, orders.orderPaid, { ...placed, status: 'paid', paymentId: randomUUID(), paidCents: placed.totalCents });
    await publishAndWait(h, orders.orderPickedUp, { ...placed, status: 'picked_up' });
    // a late `paid` (redelivered out of order) does not move the order back
    await publishAndWait(h, orders.orderPaid, { ...placed, status: 'paid', paymentId: randomUUID(), paidCents: placed.totalCents });
    expect(await count(h, "SELECT count(*) FROM purchases WHERE user_id = $1 AND status = 'completed'", userId)).toBe(2);
    const line = placed.lines[0]!;
    await publishAndWait(h, orders.orderRefunded, {
      ...placed,
      status: 'picked_up',
      refundId: randomUUID(),
      reason: 'quality',
      amountCents: 300,
      refundedCents: 300,
      refundLines: [{ lineId: line.lineId, quantity: 1, amountCents: 300 }],
    });
    expect(await count(h, 'SELECT sum(amount_cents - refunded_cents) FROM purchases WHERE user_id = $1', userId)).toBe(990 + 500 - 300);

    const cancelled = orderEvent({ userId, compoundId, pickupPointId, placedAt: day('2026-03-05'), status: 'paid', lines: [sku] });
    await publishAndWait(h, orders.orderPaid, { ...cancelled, paymentId: randomUUID(), paidCents: cancelled.totalCents });
    await publishAndWait(h, orders.orderCancelled, { ...cancelled, status: 'cancelled', reason: 'changed my mind' });
    expect(await count(h, "SELECT count(*) FROM purchases WHERE order_id = $1 AND status = 'cancelled'", cancelled.orderId)).toBe(1);
  });

  it('handles a redelivered event once', async () => {
    const userId = randomUUID();
    await register(h, userId, { compoundId });
    const event = orderEvent({ userId, compoundId, pickupPointId, placedAt: day('2026-03-01'), status: 'paid', lines: [sku] });
    const id = await publish(h, orders.orderRefunded, { ...event, refundId: randomUUID(), reason: 'quality', amountCents: 100, refundedCents: 100, refundLines: [{ lineId: event.lines[0]!.lineId, quantity: 1, amountCents: 100 }] });
    await processed(h, id);
    // same event id under another JetStream message id: past the stream's de-duplication
    const envelope = { id, subject: orders.orderRefunded.subject, occurredAt: new Date().toISOString(), source: 'orders', data: { ...event, refundId: randomUUID(), reason: 'quality', amountCents: 100, refundedCents: 100, refundLines: [{ lineId: event.lines[0]!.lineId, quantity: 1, amountCents: 100 }] } };
    await h.js.publish(new Subjects(h.prefix).of(orders.orderRefunded.subject), JSON.stringify(envelope), { msgID: `${id}-again` });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await count(h, 'SELECT refunded_cents FROM purchases WHERE user_id = $1', userId)).toBe(100);
    expect(await count(h, 'SELECT count(*) FROM processed_events WHERE consumer = $1 AND event_id = $2::uuid', CONSUMERS.orders, id)).toBe(1);
  });

  it('parks events of users not known yet and applies them, in order, when identity introduces the user', async () => {
    const userId = randomUUID();
    const event = orderEvent({ userId, compoundId, pickupPointId, placedAt: day('2026-04-01'), status: 'paid', lines: [sku] });
    await publishAndWait(h, orders.orderPaid, { ...event, paymentId: randomUUID(), paidCents: event.totalCents });
    await publishAndWait(h, orders.orderPickedUp, { ...event, status: 'picked_up' });
    expect(await purchases(userId)).toBe(0);
    expect(await count(h, 'SELECT count(*) FROM parked_events WHERE user_id = $1', userId)).toBe(2);
    const behaviour = await h.rpc.request(recommendations.recordBehaviour, {
      actor: resident(userId),
      events: [{ eventId: randomUUID(), kind: 'view', occurredAt: new Date().toISOString(), skuId: sku.skuId }],
    });
    expect(behaviour).toEqual({ accepted: 0, duplicates: 0, parked: 1 });

    await publishAndWait(h, identity.userRegistered, { userId, channel: 'phone', registeredAt: new Date().toISOString() });
    expect(await count(h, 'SELECT count(*) FROM parked_events WHERE user_id = $1', userId)).toBe(0);
    expect(await count(h, "SELECT count(*) FROM purchases WHERE user_id = $1 AND status = 'completed'", userId)).toBe(1);
    expect(await count(h, 'SELECT count(*) FROM behaviour_events WHERE user_id = $1', userId)).toBe(1);
  });

  it('applies parked events of users identity never introduced once they waited long enough (never dropped)', async () => {
    const userId = randomUUID();
    const event = orderEvent({ userId, compoundId, pickupPointId, placedAt: day('2026-04-02'), status: 'paid', lines: [sku] });
    await publishAndWait(h, orders.orderPaid, { ...event, paymentId: randomUUID(), paidCents: event.totalCents });
    expect(await h.ingest.sweepParked(new Date())).toBe(0); // not yet: still waiting for identity
    expect(await h.ingest.sweepParked(new Date(Date.now() + 61_000))).toBeGreaterThanOrEqual(1);
    expect(await purchases(userId)).toBe(1);
    expect(await count(h, 'SELECT count(*) FROM customers WHERE user_id = $1 AND compound_id = $2 AND pickup_point_id = $3', userId, compoundId, pickupPointId)).toBe(1);
  });

  it('re-keys a merged account’s history to the target, and later events follow the merge', async () => {
    const source = randomUUID();
    const target = randomUUID();
    await register(h, source, { compoundId, household: { children: [{ birthYear: 2016 }] } });
    await register(h, target, { compoundId }, false);
    await paidOrder(h, { userId: source, compoundId, pickupPointId, placedAt: day('2026-05-01'), lines: [sku] });
    await paidOrder(h, { userId: target, compoundId, pickupPointId, placedAt: day('2026-05-02'), lines: [sku] });
    await h.rpc.request(recommendations.recordBehaviour, { actor: resident(source), events: [{ eventId: randomUUID(), kind: 'search', occurredAt: new Date().toISOString(), query: '牛奶' }] });
    await publishAndWait(h, identity.userMerged, { mergeId: randomUUID(), sourceUserId: source, targetUserId: target, mergedAt: new Date().toISOString() });
    expect(await purchases(source)).toBe(0);
    expect(await purchases(target)).toBe(2);
    expect(await count(h, 'SELECT count(*) FROM behaviour_events WHERE user_id = $1', target)).toBe(1);
    expect(await count(h, 'SELECT count(*) FROM customers WHERE user_id = $1', source)).toBe(0);
    // the target keeps its own consent; the source fills what the target lacked
    const merged = (await h.db.$queryRawUnsafe<{ profiling_consent: boolean; household: unknown }[]>('SELECT profiling_consent, household FROM customers WHERE user_id = $1', target))[0]!;
    expect(merged.household).toEqual({ children: [{ birthYear: 2016 }] });
    await paidOrder(h, { userId: source, compoundId, pickupPointId, placedAt: day('2026-05-03'), lines: [sku] });
    expect(await purchases(target)).toBe(3);
    expect(h.engine.resolve(source)).toBe(target);
  });

  it('deletes everything about an erased user and ignores what arrives about them later', async () => {
    const userId = randomUUID();
    await register(h, userId, { compoundId });
    await paidOrder(h, { userId, compoundId, pickupPointId, placedAt: day('2026-05-01'), lines: [sku] });
    await h.rpc.request(recommendations.recordBehaviour, { actor: resident(userId), events: [{ eventId: randomUUID(), kind: 'view', occurredAt: new Date().toISOString(), productId: sku.productId }] });
    await publishAndWait(h, identity.userErased, { userId, erasedAt: new Date().toISOString() });
    for (const table of ['customers', 'purchases', 'behaviour_events', 'parked_events', 'customer_assets']) {
      expect([table, await count(h, `SELECT count(*) FROM ${table} WHERE user_id = $1`, userId)]).toEqual([table, 0]);
    }
    await paidOrder(h, { userId, compoundId, pickupPointId, placedAt: day('2026-05-02'), lines: [sku] });
    await publishAndWait(h, identity.profileUpdated, { userId, profile: { nickname: 'back' }, declared: {} });
    expect(await purchases(userId)).toBe(0);
    expect(await count(h, 'SELECT count(*) FROM parked_events WHERE user_id = $1', userId)).toBe(0);
    expect(await count(h, 'SELECT count(*) FROM customers WHERE user_id = $1', userId)).toBe(0);
    expect(await codeOf(h.rpc.request(recommendations.recordBehaviour, { actor: resident(userId), events: [{ eventId: randomUUID(), kind: 'view', occurredAt: new Date().toISOString(), skuId: 'x' }] }))).toBe(
      'IDENTITY.USER_ERASED',
    );
  });
});

describe('behaviour batch', () => {
  const userId = randomUUID();
  beforeAll(async () => {
    await register(h, userId, { compoundId });
  });

  it('records a batch once: repeated ids in the batch and on retry count as duplicates', async () => {
    const now = new Date().toISOString();
    const a = randomUUID();
    const events = [
      { eventId: a, kind: 'view' as const, occurredAt: now, skuId: sku.skuId },
      { eventId: a, kind: 'view' as const, occurredAt: now, skuId: sku.skuId },
      { eventId: randomUUID(), kind: 'search' as const, occurredAt: now, query: '有机菠菜' },
      { eventId: randomUUID(), kind: 'recommendation_click' as const, occurredAt: now, skuId: sku.skuId, position: 1, reason: 'repurchase' as const },
    ];
    expect(await h.rpc.request(recommendations.recordBehaviour, { actor: resident(userId), events })).toEqual({ accepted: 3, duplicates: 1, parked: 0 });
    expect(await h.rpc.request(recommendations.recordBehaviour, { actor: resident(userId), events })).toEqual({ accepted: 0, duplicates: 4, parked: 0 });
    expect(await count(h, 'SELECT count(*) FROM behaviour_events WHERE user_id = $1', userId)).toBe(3);
  });

  it('accepts 500 events and refuses 501', async () => {
    const now = new Date().toISOString();
    const batch = (n: number) => Array.from({ length: n }, () => ({ eventId: randomUUID(), kind: 'view' as const, occurredAt: now, skuId: sku.skuId }));
    expect((await h.rpc.request(recommendations.recordBehaviour, { actor: resident(userId), events: batch(500) })).accepted).toBe(500);
    const reply = await h.nc.request(new Subjects(h.prefix).of(recommendations.recordBehaviour.subject), JSON.stringify({ actor: resident(userId), events: batch(501) }), { timeout: 5000 });
    expect(reply.json<{ ok: boolean; error: { code: string } }>().error.code).toBe('COMMON.VALIDATION_FAILED');
  });

  it('answers invalid events with the validation envelope naming each field, and records nothing', async () => {
    const subject = new Subjects(h.prefix).of(recommendations.recordBehaviour.subject);
    const bad = {
      actor: resident(userId),
      events: [
        { eventId: 'not-a-uuid', kind: 'view', occurredAt: new Date().toISOString(), skuId: 's' },
        { eventId: randomUUID(), kind: 'search', occurredAt: 'yesterday' },
        { eventId: randomUUID(), kind: 'teleport', occurredAt: new Date().toISOString(), skuId: 's' },
      ],
    };
    const reply = (await h.nc.request(subject, JSON.stringify(bad), { timeout: 5000 })).json<{ ok: boolean; error: { code: string; details: { fields: { path: string }[] }; traceId: string } }>();
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe('COMMON.VALIDATION_FAILED');
    expect(reply.error.details.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['events.0.eventId', 'events.1.occurredAt', 'events.1.query', 'events.2.kind']));
    expect(reply.error.traceId).toMatch(/^[0-9a-f]{32}$/);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const before = await count(h, 'SELECT count(*) FROM behaviour_events WHERE user_id = $1', userId);
    const valid = { eventId: randomUUID(), kind: 'view' as const, occurredAt: new Date().toISOString(), skuId: 's' };
    const error = await h.rpc.request(recommendations.recordBehaviour, { actor: resident(userId), events: [valid, { ...valid, eventId: randomUUID(), occurredAt: future }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'COMMON.VALIDATION_FAILED', details: { fields: [{ path: 'events.1.occurredAt', message: 'is in the future' }] } });
    expect(await count(h, 'SELECT count(*) FROM behaviour_events WHERE user_id = $1', userId)).toBe(before);
  });
});
