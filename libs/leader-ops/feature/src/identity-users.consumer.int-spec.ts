import { randomUUID } from 'node:crypto';
import { identity, leaderOps, type Actor } from '@linli/contracts';
import { aPhone, anActor, waitUntil } from '@linli/testing';
import { IDENTITY_USERS_CONSUMER } from './identity-users.consumer.js';
import { aCompound, aPickupPoint, anApprovedLeader, eventsAbout, ops, publishEvent, startLeaderOps, type Harness } from './leader-ops.test-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startLeaderOps();
});

afterAll(async () => {
  await h?.close();
});

const processed = (eventId: string) => h.db.processedEvent.count({ where: { consumer: IDENTITY_USERS_CONSUMER, eventId } });

async function handled(eventId: string): Promise<void> {
  await waitUntil(async () => (await processed(eventId)) === 1, 10_000, `event ${eventId} processed`);
}

/** Re-publishes an event under another JetStream message id (past the stream's de-duplication) and checks it changes nothing. */
async function redeliverAndExpectNoChange<T>(publish: (msgId: string) => Promise<string>, snapshot: () => Promise<T>): Promise<void> {
  const before = await snapshot();
  const outboxBefore = await h.db.outboxEvent.count();
  const id = await publish(randomUUID());
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(await processed(id)).toBe(1);
  expect(await snapshot()).toEqual(before);
  expect(await h.db.outboxEvent.count()).toBe(outboxBefore);
}

const bindingsOf = (userId: string) => h.db.residentBinding.findMany({ where: { userId }, orderBy: [{ boundAt: 'asc' }, { id: 'asc' }] });
const applicationsOf = (userId: string) => h.db.leaderApplication.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });

describe('identity.user.erased.v1', () => {
  it("deletes the user's bindings, clears their applications' personal text, suspends their points — once", async () => {
    const a = await aCompound(h);
    const b = await aCompound(h);
    // the user leads b (point P), has a pending application for a, and is bound (with history) to another leader's points
    const user = await anApprovedLeader(h, [b]);
    const pending = await h.rpc.request(leaderOps.applyAsLeader, { actor: user, compoundId: a, displayName: 'Auntie Wang', phone: aPhone(), statement: 'I live in building 3.' });
    const own = await aPickupPoint(h, user, [b]);
    const neighbourLeader = await anApprovedLeader(h, [a]);
    const p1 = await aPickupPoint(h, neighbourLeader, [a], { name: 'one' });
    const p2 = await aPickupPoint(h, neighbourLeader, [a], { name: 'two' });
    await h.rpc.request(leaderOps.bindResident, { actor: user, pickupPointId: p1.pickupPointId, compoundId: a });
    await h.rpc.request(leaderOps.bindResident, { actor: user, pickupPointId: p2.pickupPointId, compoundId: a });
    // someone else's data must stay
    const bystander = anActor();
    await h.rpc.request(leaderOps.bindResident, { actor: bystander, pickupPointId: p2.pickupPointId, compoundId: a });

    const erasedAt = new Date().toISOString();
    const eventId = randomUUID();
    await publishEvent(h, identity.userErased, { userId: user.userId, erasedAt }, eventId);
    await handled(eventId);

    expect(await bindingsOf(user.userId)).toEqual([]);
    expect((await h.rpc.request(leaderOps.getBinding, { actor: user })).history).toEqual([]);
    const applications = await applicationsOf(user.userId);
    expect(applications).toHaveLength(2);
    for (const application of applications) {
      expect(application).toMatchObject({ displayName: null, phone: null, statement: null });
      expect(application.erasedAt).not.toBeNull();
    }
    expect(applications.find((x) => x.id === pending.applicationId)).toMatchObject({ status: 'withdrawn', decisionReason: 'applicant account erased' });
    expect((await h.rpc.request(leaderOps.getPickupPoint, { actor: ops, pickupPointId: own.pickupPointId })).status).toBe('suspended');
    await h.events.waitFor(() => eventsAbout(h, leaderOps.pickupPointUpserted.subject, (d) => d.pickupPointId === own.pickupPointId && d.status === 'suspended').length === 1);
    expect((await bindingsOf(bystander.userId)).map((row) => row.pickupPointId)).toEqual([p2.pickupPointId]);

    // the same event again (a redelivery) is recognised and changes nothing
    await redeliverAndExpectNoChange(
      (msgId) => publishEvent(h, identity.userErased, { userId: user.userId, erasedAt }, eventId, msgId),
      async () => ({ bindings: await bindingsOf(user.userId), applications: await applicationsOf(user.userId) }),
    );
    expect(eventsAbout(h, leaderOps.pickupPointUpserted.subject, (d) => d.pickupPointId === own.pickupPointId && d.status === 'suspended')).toHaveLength(1);
  });

  it('erasing a user leaves nothing for a user without leader-ops data to do', async () => {
    const eventId = await publishEvent(h, identity.userErased, { userId: randomUUID(), erasedAt: new Date().toISOString() });
    await handled(eventId);
  });
});

describe('identity.user.merged.v1', () => {
  async function merge(source: Actor, target: Actor): Promise<string> {
    const eventId = await publishEvent(h, identity.userMerged, { mergeId: randomUUID(), sourceUserId: source.userId, targetUserId: target.userId, mergedAt: new Date().toISOString() });
    await handled(eventId);
    return eventId;
  }

  it("moves the merged account's applications, points and history to the survivor, who keeps their own current binding", async () => {
    const a = await aCompound(h);
    const b = await aCompound(h);
    const c = await aCompound(h);
    const other = await anApprovedLeader(h, [a]);
    const p1 = await aPickupPoint(h, other, [a], { name: 'p1' });
    const p2 = await aPickupPoint(h, other, [a], { name: 'p2' });
    const p3 = await aPickupPoint(h, other, [a], { name: 'p3' });

    // source: leads b with a point, pending for a and c, bound p1 → p2
    const source = await anApprovedLeader(h, [b]);
    const sourcePoint = await aPickupPoint(h, source, [b]);
    const sourcePendingA = await h.rpc.request(leaderOps.applyAsLeader, { actor: source, compoundId: a, displayName: 'S', phone: aPhone() });
    const sourcePendingC = await h.rpc.request(leaderOps.applyAsLeader, { actor: source, compoundId: c, displayName: 'S', phone: aPhone() });
    await h.rpc.request(leaderOps.bindResident, { actor: source, pickupPointId: p1.pickupPointId, compoundId: a });
    await h.rpc.request(leaderOps.bindResident, { actor: source, pickupPointId: p2.pickupPointId, compoundId: a });
    // target: pending for a, bound to p3
    const target = anActor();
    const targetPendingA = await h.rpc.request(leaderOps.applyAsLeader, { actor: target, compoundId: a, displayName: 'T', phone: aPhone() });
    await h.rpc.request(leaderOps.bindResident, { actor: target, pickupPointId: p3.pickupPointId, compoundId: a });

    const eventId = await merge(source, target);

    expect(await bindingsOf(source.userId)).toEqual([]);
    expect(await applicationsOf(source.userId)).toEqual([]);
    const binding = await h.rpc.request(leaderOps.getBinding, { actor: target });
    expect(binding.current).toMatchObject({ pickupPointId: p3.pickupPointId, userId: target.userId });
    expect(binding.history.map((row) => [row.pickupPointId, row.endReason]).sort()).toEqual(
      [
        [p3.pickupPointId, null],
        [p2.pickupPointId, 'merged'],
        [p1.pickupPointId, 'rebound'],
      ].sort(),
    );
    const applications = new Map((await applicationsOf(target.userId)).map((row) => [row.id, row.status]));
    expect(applications.get(sourcePendingA.applicationId)).toBe('withdrawn'); // the survivor already has one pending for a
    expect(applications.get(targetPendingA.applicationId)).toBe('pending');
    expect(applications.get(sourcePendingC.applicationId)).toBe('pending');
    expect([...applications.values()].filter((s) => s === 'approved')).toHaveLength(1); // b, now the survivor's

    // the survivor now runs the point and may change it; the merged account no longer can
    const point = await h.rpc.request(leaderOps.getPickupPoint, { actor: ops, pickupPointId: sourcePoint.pickupPointId });
    expect(point.leaderUserId).toBe(target.userId);
    expect((await h.rpc.request(leaderOps.updatePickupPoint, { actor: target, pickupPointId: point.pickupPointId, patch: { capacity: 5 } })).capacity).toBe(5);
    await h.events.waitFor(() => eventsAbout(h, leaderOps.pickupPointUpserted.subject, (d) => d.pickupPointId === point.pickupPointId && d.leaderUserId === target.userId).length === 2);
    // the survivor's current binding did not change, so no binding event for them beyond their own bind
    expect(eventsAbout(h, leaderOps.residentBound.subject, (d) => d.userId === target.userId)).toHaveLength(1);

    await redeliverAndExpectNoChange(
      (msgId) => publishEvent(h, identity.userMerged, { mergeId: randomUUID(), sourceUserId: source.userId, targetUserId: target.userId, mergedAt: new Date().toISOString() }, eventId, msgId),
      async () => ({ bindings: await bindingsOf(target.userId), applications: await applicationsOf(target.userId) }),
    );
  });

  it("gives the survivor the merged account's current binding when they had none, and announces it", async () => {
    const a = await aCompound(h);
    const leader = await anApprovedLeader(h, [a]);
    const point = await aPickupPoint(h, leader, [a]);
    const source = anActor();
    const target = anActor();
    const bound = await h.rpc.request(leaderOps.bindResident, { actor: source, pickupPointId: point.pickupPointId, compoundId: a });

    await merge(source, target);

    const binding = await h.rpc.request(leaderOps.getBinding, { actor: target });
    expect(binding.current).toMatchObject({ pickupPointId: point.pickupPointId, compoundId: a, boundAt: bound.binding.boundAt, userId: target.userId });
    await h.events.waitFor(() => eventsAbout(h, leaderOps.residentBound.subject, (d) => d.userId === target.userId).length === 1);
    expect(eventsAbout(h, leaderOps.residentBound.subject, (d) => d.userId === target.userId)[0]!.data).toEqual({
      userId: target.userId,
      pickupPointId: point.pickupPointId,
      compoundId: a,
      previousPickupPointId: null,
      boundAt: bound.binding.boundAt,
    });
    // a later erasure of the survivor removes the inherited data too
    const erased = await publishEvent(h, identity.userErased, { userId: target.userId, erasedAt: new Date().toISOString() });
    await handled(erased);
    expect(await bindingsOf(target.userId)).toEqual([]);
  });
});
