import { communities as c, type Actor } from '@linli/contracts';
import { anActor, codeOf } from '@linli/testing';
import { aPlace, aResident, ops, published, startCommunities, waitForEvent, type Harness, type Place } from './communities.test-harness.js';

let h: Harness;
let place: Place;

beforeAll(async () => {
  h = await startCommunities();
  place = await aPlace(h);
});

afterAll(async () => {
  await h?.close();
});

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function anEvent(capacity: number, waitlistCapacity = 100, organiser: Actor = place.leader) {
  return h.rpc.request(c.createEvent, {
    actor: organiser,
    title: '轻食分享会',
    startsAt: inMinutes(60),
    endsAt: inMinutes(120),
    pickupPointId: place.pickupPointId,
    capacity,
    waitlistCapacity,
  });
}

describe('RSVP capacity', () => {
  it('confirms exactly the capacity of 100 parallel RSVPs and waitlists the rest; the counters agree with the rows', async () => {
    const event = await anEvent(10, 90);
    const residents = Array.from({ length: 100 }, () => anActor());
    const results = await Promise.all(residents.map((actor) => h.rpc.request(c.rsvp, { actor, eventId: event.eventId })));
    expect(results.filter((r) => r.status === 'confirmed')).toHaveLength(10);
    expect(results.filter((r) => r.status === 'waitlisted')).toHaveLength(90);
    // waiting-list positions are 1..90, each once
    expect(results.filter((r) => r.status === 'waitlisted').map((r) => r.waitlistPosition).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    const { event: after } = await h.rpc.request(c.getEvent, { actor: place.leader, eventId: event.eventId });
    expect([after.confirmed, after.waitlisted]).toEqual([10, 90]);
    const rows = await h.db.eventRsvp.groupBy({ by: ['status'], where: { eventId: event.eventId }, _count: { _all: true } });
    expect(Object.fromEntries(rows.map((r) => [r.status, r._count._all]))).toEqual({ confirmed: 10, waitlisted: 90 });
    await h.events.waitFor(() => published(h, c.rsvpConfirmed.subject, (d) => d.eventId === event.eventId).length === 10);

    // the 101st finds seats and waiting list full: refused, nothing written
    const late = anActor();
    expect(await codeOf(h.rpc.request(c.rsvp, { actor: late, eventId: event.eventId }))).toBe('COMMUNITIES.EVENT_FULL');
    expect(await h.db.eventRsvp.count({ where: { eventId: event.eventId, userId: late.userId } })).toBe(0);
    // and the database itself refuses a seat past capacity, whatever a statement tries
    await expect(h.db.$executeRawUnsafe('UPDATE community_events SET confirmed = confirmed + 1 WHERE id = $1::uuid', event.eventId)).rejects.toThrow(/community_events_seats_check/);
  });

  it('refuses a second RSVP by the same resident with a code', async () => {
    const event = await anEvent(2);
    const actor = anActor();
    expect((await h.rpc.request(c.rsvp, { actor, eventId: event.eventId })).status).toBe('confirmed');
    expect(await codeOf(h.rpc.request(c.rsvp, { actor, eventId: event.eventId }))).toBe('COMMUNITIES.ALREADY_RSVPED');
    const { event: after } = await h.rpc.request(c.getEvent, { actor, eventId: event.eventId });
    expect(after.confirmed).toBe(1);
    expect(after.checkInCode).toBeNull(); // only the organiser sees the code
  });

  it('refuses an RSVP to a past event and to an unknown one', async () => {
    const event = await anEvent(5);
    await h.db.communityEvent.update({ where: { id: event.eventId }, data: { startsAt: new Date(Date.now() - 60_000) } });
    expect(await codeOf(h.rpc.request(c.rsvp, { actor: anActor(), eventId: event.eventId }))).toBe('COMMUNITIES.EVENT_PAST');
    expect(await codeOf(h.rpc.request(c.rsvp, { actor: anActor(), eventId: '6a0f8a33-46a8-4b7e-9d3c-1f2e3d4c5b6a' }))).toBe('COMMUNITIES.EVENT_NOT_FOUND');
  });

  it('promotes the waiting list in order when confirmed residents cancel', async () => {
    const event = await anEvent(1);
    const [a, b, d] = [anActor(), anActor(), anActor()];
    expect((await h.rpc.request(c.rsvp, { actor: a, eventId: event.eventId })).status).toBe('confirmed');
    expect((await h.rpc.request(c.rsvp, { actor: b, eventId: event.eventId })).waitlistPosition).toBe(1);
    expect((await h.rpc.request(c.rsvp, { actor: d, eventId: event.eventId })).waitlistPosition).toBe(2);

    const first = await h.rpc.request(c.cancelRsvp, { actor: a, eventId: event.eventId });
    expect(first.promotedUserId).toBe(b.userId);
    expect((await h.rpc.request(c.getEvent, { actor: d, eventId: event.eventId })).myRsvp?.waitlistPosition).toBe(1);
    const promoted = await waitForEvent(h, c.rsvpConfirmed.subject, (x) => x.eventId === event.eventId && x.userId === b.userId);
    expect(promoted.data).toMatchObject({ promotedFromWaitlist: true, pickupPointId: place.pickupPointId, organiserUserId: place.leader.userId });

    // a waitlisted cancel frees a place on the list, not a seat
    expect((await h.rpc.request(c.cancelRsvp, { actor: d, eventId: event.eventId })).promotedUserId).toBeNull();
    const second = await h.rpc.request(c.cancelRsvp, { actor: b, eventId: event.eventId });
    expect(second.promotedUserId).toBeNull();
    const { event: after } = await h.rpc.request(c.getEvent, { actor: a, eventId: event.eventId });
    expect([after.confirmed, after.waitlisted]).toEqual([0, 0]);
    expect(await codeOf(h.rpc.request(c.cancelRsvp, { actor: b, eventId: event.eventId }))).toBe('COMMUNITIES.RSVP_NOT_FOUND');
    // a cancelled resident may RSVP again, at the back
    expect((await h.rpc.request(c.rsvp, { actor: a, eventId: event.eventId })).status).toBe('confirmed');
    const e = anActor();
    await h.rpc.request(c.rsvp, { actor: e, eventId: event.eventId });
    const { rsvps } = await h.rpc.request(c.listRsvps, { actor: place.leader, eventId: event.eventId });
    expect(rsvps.map((r) => [r.userId, r.status, r.waitlistPosition])).toEqual([
      [a.userId, 'confirmed', null],
      [e.userId, 'waitlisted', 1],
      [b.userId, 'cancelled', null],
      [d.userId, 'cancelled', null],
    ]);
    expect(await codeOf(h.rpc.request(c.listRsvps, { actor: a, eventId: event.eventId }))).toBe('AUTH.FORBIDDEN');
  });

  it('keeps the seats within capacity when cancels and RSVPs race', async () => {
    const event = await anEvent(5, 50);
    const first = Array.from({ length: 20 }, () => anActor());
    for (const actor of first) await h.rpc.request(c.rsvp, { actor, eventId: event.eventId });
    const later = Array.from({ length: 20 }, () => anActor());
    await Promise.all([
      ...first.slice(0, 10).map((actor) => h.rpc.request(c.cancelRsvp, { actor, eventId: event.eventId })),
      ...later.map((actor) => h.rpc.request(c.rsvp, { actor, eventId: event.eventId })),
    ]);
    const { event: after } = await h.rpc.request(c.getEvent, { actor: place.leader, eventId: event.eventId });
    const rows = await h.db.eventRsvp.groupBy({ by: ['status'], where: { eventId: event.eventId }, _count: { _all: true } });
    const count = Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    expect([after.confirmed, after.waitlisted]).toEqual([5, 25]);
    expect([count.confirmed, count.waitlisted]).toEqual([5, 25]);
  });
});

describe('check-in', () => {
  it('checks a confirmed resident in with the organiser’s code, refuses a wrong code, and offers the NPS question', async () => {
    const event = await anEvent(3);
    expect(event.checkInCode).toMatch(/^\d{6}$/);
    const resident = await aResident(h, place);
    await h.rpc.request(c.rsvp, { actor: resident, eventId: event.eventId });
    const wrong = event.checkInCode === '000000' ? '000001' : '000000';
    expect(await codeOf(h.rpc.request(c.checkIn, { actor: resident, eventId: event.eventId, code: wrong }))).toBe('COMMUNITIES.CHECK_IN_CODE_INVALID');
    expect(await codeOf(h.rpc.request(c.checkIn, { actor: anActor(), eventId: event.eventId, code: event.checkInCode! }))).toBe('COMMUNITIES.NOT_CONFIRMED');

    const done = await h.rpc.request(c.checkIn, { actor: resident, eventId: event.eventId, code: event.checkInCode! });
    expect(done.checkedInAt).not.toBeNull();
    expect(await codeOf(h.rpc.request(c.checkIn, { actor: resident, eventId: event.eventId, code: event.checkInCode! }))).toBe('COMMUNITIES.ALREADY_CHECKED_IN');
    const checked = await waitForEvent(h, c.checkedIn.subject, (d) => d.userId === resident.userId);
    expect(checked.data).toMatchObject({ eventId: event.eventId, compoundId: place.compoundId, pickupPointId: place.pickupPointId });

    const { rsvps } = await h.rpc.request(c.myEvents, { actor: resident });
    expect(rsvps.map((r) => [r.eventId, r.status, r.checkedInAt !== null])).toEqual([[event.eventId, 'confirmed', true]]);
    const { surveys } = await h.rpc.request(c.pendingSurveys, { actor: resident });
    expect(surveys.map((s) => [s.surveyId, s.trigger])).toEqual([[c.NPS_SURVEY_ID, 'event']]);
  });

  it('refuses check-in outside the window', async () => {
    const event = await h.rpc.request(c.createEvent, {
      actor: ops,
      title: 'Later',
      startsAt: inMinutes(60 * 24),
      endsAt: inMinutes(60 * 25),
      address: '3 Lane 100 Tianlin Road',
      capacity: 3,
    });
    const actor = anActor();
    await h.rpc.request(c.rsvp, { actor, eventId: event.eventId });
    expect(await codeOf(h.rpc.request(c.checkIn, { actor, eventId: event.eventId, code: event.checkInCode! }))).toBe('COMMUNITIES.CHECK_IN_CLOSED');
  });
});

describe('organisers', () => {
  it("refuses an event at another leader's pickup point and one without a place for non-ops", async () => {
    const other = await aPlace(h);
    expect(await codeOf(anEvent(5, 10, other.leader))).toBe('COMMUNITIES.NOT_POINT_LEADER');
    expect(
      await codeOf(h.rpc.request(c.createEvent, { actor: anActor(), title: 'x', startsAt: inMinutes(60), endsAt: inMinutes(90), address: 'somewhere', capacity: 3 })),
    ).toBe('AUTH.FORBIDDEN');
    expect(await h.db.communityEvent.count({ where: { organiserUserId: other.leader.userId } })).toBe(0);
  });
});
