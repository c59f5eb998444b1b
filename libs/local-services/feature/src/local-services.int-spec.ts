import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { Webhook } from 'standardwebhooks';
import { health, identity, localServices as ls, personalDataExport, type EventEnvelope } from '@linli/contracts';
import { Subjects } from '@linli/nest-kit';
import { aCompoundId, anActor, codeOf, waitUntil } from '@linli/testing';
import { hashApiKey } from './api-keys.js';
import { signPaymentNotification } from './payment-provider.js';
import {
  TEST_PAYMENT_SECRET,
  WebhookReceiver,
  aPickupPoint,
  anApprovedProvider,
  bindResidents,
  hoursFromNow,
  ops,
  startLocalServices,
  type Harness,
} from './local-services.test-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startLocalServices();
});

afterAll(async () => {
  await h?.close();
});

const verify = (key: string) => h.rpc.request(ls.verifyApiKey, { key });

describe('local-services over NATS', () => {
  it('answers health with database and NATS checks', async () => {
    expect(await h.rpc.request(health['local-services'], {})).toMatchObject({ service: 'local-services', status: 'up', checks: { nats: 'up', database: 'up' } });
  });

  it('onboards a provider: ops decide, keys are shown once and stored hashed, rotate with overlap, revoke — refusals audited', async () => {
    const owner = anActor(['resident']);
    const apply = { actor: owner, companyName: '仁心诊所 Renxin Clinic', contactPhone: '138 0013 8000', licenceRefs: [{ kind: 'medical-licence', number: 'PDY-2026-0042' }], categories: ['clinic' as const], compoundIds: ['c-1'] };
    const rejected = await h.rpc.request(ls.applyAsProvider, apply);
    expect(rejected).toMatchObject({ status: 'pending', contactPhone: '+8613800138000', ownerUserId: owner.userId });
    expect(await codeOf(h.rpc.request(ls.approveProvider, { actor: owner, providerId: rejected.providerId }))).toBe('AUTH.FORBIDDEN');
    expect(await h.rpc.request(ls.rejectProvider, { actor: ops, providerId: rejected.providerId, reason: 'The licence number is not on the register.' })).toMatchObject({ status: 'rejected' });
    expect(await codeOf(h.rpc.request(ls.approveProvider, { actor: ops, providerId: rejected.providerId }))).toBe('LOCAL_SERVICES.PROVIDER_DECIDED');
    expect(await codeOf(h.rpc.request(ls.createApiKey, { actor: owner, providerId: rejected.providerId, scopes: ['catalog'] }))).toBe('LOCAL_SERVICES.PROVIDER_NOT_APPROVED');

    const provider = await h.rpc.request(ls.applyAsProvider, apply);
    expect((await h.rpc.request(ls.listProviders, { actor: ops, status: 'pending' })).providers.map((p) => p.providerId)).toContain(provider.providerId);
    expect((await h.rpc.request(ls.approveProvider, { actor: ops, providerId: provider.providerId })).status).toBe('approved');
    expect(await codeOf(h.rpc.request(ls.createApiKey, { actor: anActor(), providerId: provider.providerId, scopes: ['catalog'] }))).toBe('LOCAL_SERVICES.PROVIDER_NOT_FOUND');

    const first = await h.rpc.request(ls.createApiKey, { actor: owner, providerId: provider.providerId, scopes: ['catalog', 'bookings'], label: 'HIS' });
    expect(first.key).toMatch(/^lsk_/);
    const stored = await h.sql.$queryRawUnsafe<{ key_hash: string }[]>('SELECT key_hash FROM api_keys WHERE id = $1::uuid', first.keyId);
    expect(stored[0]!.key_hash).toBe(hashApiKey(first.key));
    expect(JSON.stringify(await h.rpc.request(ls.listApiKeys, { actor: owner, providerId: provider.providerId }))).not.toContain(first.key);
    expect(await verify(first.key)).toEqual({ providerId: provider.providerId, keyId: first.keyId, scopes: ['catalog', 'bookings'] });

    // rotation: the new key works at once, the old one until the overlap ends
    const rotated = await h.rpc.request(ls.rotateApiKey, { actor: owner, providerId: provider.providerId, keyId: first.keyId, overlapSeconds: 1 });
    expect(rotated.issued.scopes).toEqual(['catalog', 'bookings']);
    expect((await verify(first.key)).keyId).toBe(first.keyId);
    expect((await verify(rotated.issued.key)).keyId).toBe(rotated.issued.keyId);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await codeOf(verify(first.key))).toBe('LOCAL_SERVICES.API_KEY_REVOKED');

    // revocation, a wrong key, a malformed key
    await h.rpc.request(ls.revokeApiKey, { actor: owner, providerId: provider.providerId, keyId: rotated.issued.keyId });
    expect(await codeOf(verify(rotated.issued.key))).toBe('LOCAL_SERVICES.API_KEY_REVOKED');
    expect(await codeOf(verify(`lsk_${'A'.repeat(43)}`))).toBe('LOCAL_SERVICES.API_KEY_INVALID');
    expect(await codeOf(verify('not-a-key'))).toBe('LOCAL_SERVICES.API_KEY_INVALID');

    const audit = await h.rpc.request(ls.listAudit, { partner: { providerId: provider.providerId, keyId: first.keyId } });
    const actions = audit.entries.map((e) => `${e.action}:${e.outcome}${e.code ? `:${e.code}` : ''}`);
    expect(actions).toEqual(
      expect.arrayContaining(['provider.apply:ok', 'provider.approve:ok', 'api-key.create:ok', 'api-key.rotate:ok', 'api-key.revoke:ok', 'api-key.verify:refused:LOCAL_SERVICES.API_KEY_REVOKED']),
    );
  });

  it('never overbooks: 100 residents in parallel for a slot of 10 get exactly 10 bookings, the rest SLOT_FULL', async () => {
    const { partner, compoundIds } = await anApprovedProvider(h);
    const offering = await h.rpc.request(ls.createOffering, { partner, offering: { category: 'housekeeping', title: 'Deep clean', priceCents: 0, durationMinutes: 120, compoundIds } });
    const { slots } = await h.rpc.request(ls.createSlots, { partner, offeringId: offering.offeringId, slots: [{ startsAt: hoursFromNow(48), capacity: 10 }] });
    const residents = Array.from({ length: 100 }, () => anActor(['resident']));
    await bindResidents(h, compoundIds[0]!, residents);
    const results = await Promise.allSettled(residents.map((actor) => h.rpc.request(ls.createBooking, { actor, place: { slotId: slots[0]!.slotId } })));
    const booked = results.filter((r) => r.status === 'fulfilled');
    const codes = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code);
    expect(booked).toHaveLength(10);
    expect(new Set(codes)).toEqual(new Set(['LOCAL_SERVICES.SLOT_FULL']));
    const [row] = await h.sql.$queryRawUnsafe<{ booked: number; bookings: number }[]>(
      `SELECT s.booked, (SELECT count(*)::int FROM bookings b WHERE b.slot_id = s.id) AS bookings FROM slots s WHERE s.id = $1::uuid`,
      slots[0]!.slotId,
    );
    expect(row).toEqual({ booked: 10, bookings: 10 });
    // a resident of another compound is refused before anything is taken
    const stranger = anActor(['resident']);
    await bindResidents(h, aCompoundId(), [stranger]);
    expect(await codeOf(h.rpc.request(ls.createBooking, { actor: stranger, place: { slotId: slots[0]!.slotId } }))).toBe('LOCAL_SERVICES.OUTSIDE_SERVICE_AREA');
  });

  it('never double-books a practitioner: of 20 parallel overlapping bookings one succeeds; overlapping slots are refused', async () => {
    const { partner, compoundIds } = await anApprovedProvider(h, { categories: ['clinic'] });
    const day = new Date(Date.now() + 72 * 3600_000);
    day.setUTCMinutes(0, 0, 0);
    const at = (minutes: number) => new Date(day.getTime() + minutes * 60_000).toISOString();
    const doctor = await h.rpc.request(ls.createPractitioner, { partner, name: 'Dr. Li', availability: [{ startsAt: at(0), endsAt: at(240) }] });
    const visit = await h.rpc.request(ls.createOffering, {
      partner,
      offering: { category: 'clinic', title: 'Blood pressure check', priceCents: 0, durationMinutes: 30, compoundIds, mode: 'calendar' },
    });
    expect(visit.sensitive).toBe(true);
    const residents = Array.from({ length: 20 }, () => anActor(['resident']));
    await bindResidents(h, compoundIds[0]!, residents);
    // every start between 0:00 and 0:19 overlaps every other 30-minute visit in that range
    const results = await Promise.allSettled(
      residents.map((actor, i) => h.rpc.request(ls.createBooking, { actor, place: { practitionerId: doctor.practitionerId, offeringId: visit.offeringId, startsAt: at(i) } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(new Set(results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code))).toEqual(new Set(['LOCAL_SERVICES.PRACTITIONER_BUSY']));
    // the next free half hour books; outside the working hours does not
    const later = await h.rpc.request(ls.createBooking, { actor: residents[1]!, place: { practitionerId: doctor.practitionerId, offeringId: visit.offeringId, startsAt: at(60) } });
    expect(later.status).toBe('paid');
    // rescheduling onto the taken half hour is refused by the same constraint; onto a free one it moves
    expect(await codeOf(h.rpc.request(ls.rescheduleBooking, { actor: residents[1]!, bookingId: later.bookingId, startsAt: at(10) }))).toBe('LOCAL_SERVICES.PRACTITIONER_BUSY');
    expect((await h.rpc.request(ls.rescheduleBooking, { actor: residents[1]!, bookingId: later.bookingId, startsAt: at(120) })).startsAt).toBe(at(120));
    expect(await codeOf(h.rpc.request(ls.createBooking, { actor: residents[2]!, place: { practitionerId: doctor.practitionerId, offeringId: visit.offeringId, startsAt: at(230) } }))).toBe(
      'LOCAL_SERVICES.OUTSIDE_AVAILABILITY',
    );
    // a practitioner's slots may not overlap
    const checkup = await h.rpc.request(ls.createOffering, { partner, offering: { category: 'clinic', title: 'Check-up', priceCents: 0, durationMinutes: 30, compoundIds } });
    await h.rpc.request(ls.createSlots, { partner, offeringId: checkup.offeringId, slots: [{ startsAt: at(300), capacity: 1, practitionerId: doctor.practitionerId }] });
    expect(await codeOf(h.rpc.request(ls.createSlots, { partner, offeringId: checkup.offeringId, slots: [{ startsAt: at(315), capacity: 1, practitionerId: doctor.practitionerId }] }))).toBe(
      'LOCAL_SERVICES.SLOT_OVERLAP',
    );
  });

  it('pays part in points and the rest through the provider; completion commits points and books the leader fee; one review after completion', async () => {
    const { partner, compoundIds } = await anApprovedProvider(h);
    const offering = await h.rpc.request(ls.createOffering, {
      partner,
      offering: { category: 'housekeeping', title: 'Deep clean', priceCents: 20_000, durationMinutes: 120, compoundIds, pointsPrice: 20_000 },
    });
    const { slots } = await h.rpc.request(ls.createSlots, { partner, offeringId: offering.offeringId, slots: [{ startsAt: hoursFromNow(48), capacity: 3 }, { startsAt: hoursFromNow(72), capacity: 3 }] });
    const resident = anActor(['resident']);
    const poor = anActor(['resident']);
    const leader = anActor(['resident', 'leader']);
    await bindResidents(h, compoundIds[0]!, [resident, poor], await aPickupPoint(h, compoundIds[0]!, leader.userId));
    h.points.balances.set(resident.userId, 5_000);

    expect(await codeOf(h.rpc.request(ls.createBooking, { actor: poor, place: { slotId: slots[0]!.slotId }, points: 1_000 }))).toBe('LOCAL_SERVICES.POINTS_INSUFFICIENT');
    expect(await codeOf(h.rpc.request(ls.createBooking, { actor: resident, place: { slotId: slots[0]!.slotId }, points: 20_001 }))).toBe('LOCAL_SERVICES.POINTS_NOT_REDEEMABLE');
    expect((await h.rpc.request(ls.browseOfferings, { actor: poor })).offerings.find((o) => o.offeringId === offering.offeringId)?.slots.map((s) => s.booked)).toEqual([0, 0]);

    const booking = await h.rpc.request(ls.createBooking, { actor: resident, place: { slotId: slots[0]!.slotId }, points: 5_000, note: 'Two cats at home' });
    expect(booking).toMatchObject({ status: 'pending_payment', pointsUsed: 5_000, pointsCents: 5_000, cashCents: 15_000, sensitiveNote: 'Two cats at home', payment: { status: 'created', amountCents: 15_000 } });
    expect(h.points.balances.get(resident.userId)).toBe(0);
    expect(await codeOf(h.rpc.request(ls.reviewBooking, { actor: resident, bookingId: booking.bookingId, rating: 5 }))).toBe('LOCAL_SERVICES.BOOKING_NOT_COMPLETED');
    await waitUntil(async () => (await h.rpc.request(ls.listMyBookings, { actor: resident })).bookings[0]!.status === 'paid', 5000, 'paid');

    // reschedule to the other slot moves the seat
    const moved = await h.rpc.request(ls.rescheduleBooking, { actor: resident, bookingId: booking.bookingId, slotId: slots[1]!.slotId });
    expect(moved.slotId).toBe(slots[1]!.slotId);
    const seats = await h.sql.$queryRawUnsafe<{ booked: number }[]>('SELECT booked FROM slots WHERE id = ANY($1::uuid[]) ORDER BY starts_at', [slots[0]!.slotId, slots[1]!.slotId]);
    expect(seats.map((s) => s.booked)).toEqual([0, 1]);

    // another provider touching the booking: not found
    const other = await anApprovedProvider(h);
    expect(await codeOf(h.rpc.request(ls.transitionPartnerBooking, { partner: other.partner, bookingId: booking.bookingId, action: 'complete' }))).toBe('LOCAL_SERVICES.BOOKING_NOT_FOUND');

    const completed = await h.rpc.request(ls.transitionPartnerBooking, { partner, bookingId: booking.bookingId, action: 'complete' });
    expect(completed.status).toBe('completed');
    expect([...h.points.reservations.values()].find((r) => r.userId === resident.userId)?.state).toBe('committed');
    await waitUntil(() => h.events.ofSubject(ls.bookingCompleted.subject).some((e) => (e.data as { bookingId: string }).bookingId === booking.bookingId), 5000, 'completed event');
    const event = h.events.ofSubject(ls.bookingCompleted.subject).find((e) => (e.data as { bookingId: string }).bookingId === booking.bookingId)!;
    expect(event.data).toMatchObject({ userId: resident.userId, compoundId: compoundIds[0], category: 'housekeeping', priceCents: 20_000, leaderUserId: leader.userId, leaderFeeBps: 500, leaderFeeCents: 1_000 });
    expect(JSON.stringify(event.data)).not.toContain('cats');

    const reviewed = await h.rpc.request(ls.reviewBooking, { actor: resident, bookingId: booking.bookingId, rating: 4, text: 'Thorough' });
    expect(reviewed.review).toMatchObject({ rating: 4, text: 'Thorough' });
    expect(await codeOf(h.rpc.request(ls.reviewBooking, { actor: resident, bookingId: booking.bookingId, rating: 1 }))).toBe('LOCAL_SERVICES.ALREADY_REVIEWED');

    // a cancelled booking gives its points back and refunds its cash
    h.points.balances.set(resident.userId, 2_000);
    const second = await h.rpc.request(ls.createBooking, { actor: resident, place: { slotId: slots[0]!.slotId }, points: 2_000 });
    await waitUntil(async () => (await h.rpc.request(ls.listMyBookings, { actor: resident })).bookings.find((b) => b.bookingId === second.bookingId)!.status === 'paid', 5000, 'paid');
    const cancelled = await h.rpc.request(ls.cancelBooking, { actor: resident, bookingId: second.bookingId });
    expect(cancelled).toMatchObject({ status: 'cancelled', payment: { status: 'refunded' } });
    expect(h.points.balances.get(resident.userId)).toBe(2_000);
    expect(await codeOf(h.rpc.request(ls.cancelBooking, { actor: resident, bookingId: second.bookingId }))).toBe('LOCAL_SERVICES.INVALID_TRANSITION');
    expect(await codeOf(h.rpc.request(ls.transitionPartnerBooking, { partner, bookingId: second.bookingId, action: 'complete' }))).toBe('LOCAL_SERVICES.INVALID_TRANSITION');
  });

  it('cancels a booking left unpaid past the payment timeout: seat and points back, a late payment refunded', async () => {
    const { partner, compoundIds } = await anApprovedProvider(h);
    const offering = await h.rpc.request(ls.createOffering, { partner, offering: { category: 'housekeeping', title: 'Ironing', priceCents: 5_000, durationMinutes: 60, compoundIds, pointsPrice: 5_000 } });
    const { slots } = await h.rpc.request(ls.createSlots, { partner, offeringId: offering.offeringId, slots: [{ startsAt: hoursFromNow(48), capacity: 1 }] });
    const resident = anActor(['resident']);
    await bindResidents(h, compoundIds[0]!, [resident]);
    h.points.balances.set(resident.userId, 1_000);
    h.payments.enqueue('failed');
    const booking = await h.rpc.request(ls.createBooking, { actor: resident, place: { slotId: slots[0]!.slotId }, points: 1_000 });
    await waitUntil(async () => (await h.rpc.request(ls.listMyBookings, { actor: resident })).bookings[0]!.payment?.status === 'failed', 5000, 'payment failed');
    expect(await h.bookings.expireUnpaid(new Date())).toBe(0); // not yet past the timeout
    expect(await h.bookings.expireUnpaid(new Date(Date.now() + 16 * 60_000))).toBeGreaterThanOrEqual(1);
    const [expired] = (await h.rpc.request(ls.listMyBookings, { actor: resident })).bookings;
    expect(expired).toMatchObject({ bookingId: booking.bookingId, status: 'cancelled' });
    expect(h.points.balances.get(resident.userId)).toBe(1_000);
    const seats = await h.sql.$queryRawUnsafe<{ booked: number }[]>('SELECT booked FROM slots WHERE id = $1::uuid', slots[0]!.slotId);
    expect(seats[0]!.booked).toBe(0);
    // the provider reports success after all: the money goes back, the booking stays cancelled
    const notification = {
      notificationId: `late-${booking.bookingId}`,
      providerPaymentId: 'dev_late',
      merchantPaymentId: booking.payment!.paymentId,
      status: 'succeeded' as const,
      amountCents: 4_000,
      occurredAt: new Date().toISOString(),
    };
    const signature = signPaymentNotification(TEST_PAYMENT_SECRET, notification);
    expect(await codeOf(h.rpc.request(ls.paymentCallback, { provider: 'dev', notification, signature: 'ab'.repeat(32) }))).toBe('COMMON.VALIDATION_FAILED');
    expect(await h.rpc.request(ls.paymentCallback, { provider: 'dev', notification, signature })).toEqual({ outcome: 'refunded' });
    expect(await h.rpc.request(ls.paymentCallback, { provider: 'dev', notification, signature })).toEqual({ outcome: 'duplicate' });
    expect((await h.rpc.request(ls.listMyBookings, { actor: resident })).bookings[0]).toMatchObject({ status: 'cancelled', payment: { status: 'refunded' } });
  });

  it('delivers webhooks that verify with a Standard Webhooks library, retries with backoff, logs attempts and replays with the same id', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    try {
      const { partner, compoundIds } = await anApprovedProvider(h);
      const endpoint = await h.rpc.request(ls.createWebhookEndpoint, { partner, url: receiver.url, events: ['booking.created', 'booking.cancelled'] });
      expect(endpoint.secret).toMatch(/^whsec_/);
      const offering = await h.rpc.request(ls.createOffering, { partner, offering: { category: 'housekeeping', title: 'Window cleaning', priceCents: 0, durationMinutes: 60, compoundIds } });
      const { slots } = await h.rpc.request(ls.createSlots, { partner, offeringId: offering.offeringId, slots: [{ startsAt: hoursFromNow(48), capacity: 2 }] });
      const resident = anActor(['resident']);
      await bindResidents(h, compoundIds[0]!, [resident]);
      receiver.script.push(503, 500);
      const booking = await h.rpc.request(ls.createBooking, { actor: resident, place: { slotId: slots[0]!.slotId } });

      await h.dispatcher.runOnce();
      expect(receiver.received).toHaveLength(1);
      await waitUntil(async () => (await h.dispatcher.runOnce()) > 0, 3000, 'second attempt after the backoff');
      await waitUntil(async () => (await h.dispatcher.runOnce(), receiver.received.length === 3), 3000, 'third attempt');
      const wh = new Webhook(endpoint.secret);
      for (const delivery of receiver.received) {
        expect(wh.verify(delivery.body, delivery.headers)).toMatchObject({ type: 'booking.created', data: { bookingId: booking.bookingId, status: 'paid' } });
      }
      const ids = new Set(receiver.received.map((d) => d.headers['webhook-id']));
      expect(ids.size).toBe(1);
      const [logged] = (await h.rpc.request(ls.listWebhookDeliveries, { partner })).deliveries;
      expect(logged).toMatchObject({ status: 'delivered', attempts: 3, deliveryId: [...ids][0] });
      expect(logged!.log.map((a) => a.statusCode)).toEqual([503, 500, 204]);

      // replay: the same id again, a fresh signature that still verifies
      await h.rpc.request(ls.replayWebhookDelivery, { partner, deliveryId: logged!.deliveryId });
      await h.dispatcher.runOnce();
      expect(receiver.received).toHaveLength(4);
      expect(receiver.received[3]!.headers['webhook-id']).toBe(logged!.deliveryId);
      expect(() => wh.verify(receiver.received[3]!.body, receiver.received[3]!.headers)).not.toThrow();
      expect(await codeOf(h.rpc.request(ls.replayWebhookDelivery, { partner: (await anApprovedProvider(h)).partner, deliveryId: logged!.deliveryId }))).toBe('LOCAL_SERVICES.WEBHOOK_NOT_FOUND');
    } finally {
      await receiver.stop();
    }
  });

  it('keeps clinic notes out of events, gives them in the resident’s own export, and erases them on identity.user.erased', async () => {
    const { partner, compoundIds } = await anApprovedProvider(h, { categories: ['clinic'] });
    const checkup = await h.rpc.request(ls.createOffering, { partner, offering: { category: 'clinic', title: 'Diabetes check', priceCents: 0, durationMinutes: 30, compoundIds } });
    const { slots } = await h.rpc.request(ls.createSlots, { partner, offeringId: checkup.offeringId, slots: [{ startsAt: hoursFromNow(30), capacity: 1 }] });
    const resident = anActor(['resident']);
    await bindResidents(h, compoundIds[0]!, [resident]);
    const booking = await h.rpc.request(ls.createBooking, { actor: resident, place: { slotId: slots[0]!.slotId }, note: 'Type 2 diabetes, fasting glucose' });
    await waitUntil(() => h.events.ofSubject(ls.bookingCreated.subject).some((e) => (e.data as { bookingId: string }).bookingId === booking.bookingId), 5000, 'created event');
    const created = h.events.ofSubject(ls.bookingCreated.subject).find((e) => (e.data as { bookingId: string }).bookingId === booking.bookingId)!;
    expect(created.data).toMatchObject({ sensitive: true, category: null });
    expect(JSON.stringify(created.data)).not.toMatch(/diabetes/i);

    const exported = await h.rpc.request(personalDataExport['local-services'], { actor: resident, userId: resident.userId, userIds: [resident.userId] });
    expect(exported.sections['bookings']).toEqual([expect.objectContaining({ bookingId: booking.bookingId, note: 'Type 2 diabetes, fasting glucose', sensitive: true })]);
    expect(await codeOf(h.rpc.request(personalDataExport['local-services'], { actor: anActor(), userId: resident.userId, userIds: [resident.userId] }))).toBe('AUTH.FORBIDDEN');

    const envelope: EventEnvelope = { id: randomUUID(), subject: identity.userErased.subject, occurredAt: new Date().toISOString(), source: 'identity', data: { userId: resident.userId, erasedAt: new Date().toISOString() } };
    identity.userErased.data.parse(envelope.data);
    await jetstream(h.nc).publish(new Subjects(h.prefix).of(envelope.subject), JSON.stringify(envelope), { msgID: envelope.id });
    await waitUntil(async () => (await h.rpc.request(ls.listMyBookings, { actor: resident })).bookings.length === 0, 10_000, 'erasure applied');
    const [kept] = await h.sql.$queryRawUnsafe<{ status: string; user_id: string; note: string | null; booked: number }[]>(
      `SELECT b.status, b.user_id::text, s.note, sl.booked FROM bookings b LEFT JOIN booking_sensitive s ON s.booking_id = b.id JOIN slots sl ON sl.id = b.slot_id WHERE b.id = $1::uuid`,
      booking.bookingId,
    );
    expect(kept).toMatchObject({ status: 'cancelled', note: null, booked: 0 });
    expect(kept!.user_id).not.toBe(resident.userId);
    for (const table of ['bookings', 'booking_sensitive', 'reviews', 'resident_places']) {
      const rows = await h.sql.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1::uuid`, resident.userId);
      expect([table, rows[0]!.n]).toEqual([table, 0]);
    }
  });
});
