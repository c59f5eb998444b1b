import { randomUUID } from 'node:crypto';
import { health, leaderOps } from '@linli/contracts';
import { aCompoundId, anActor, aPhone, codeOf, errorOf, waitUntil } from '@linli/testing';
import {
  aCompound,
  aPickupPoint,
  anApprovedLeader,
  eventsAbout,
  ops,
  outboxCount,
  rawRequest,
  startLeaderOps,
  weekdayHours,
  type Harness,
} from './leader-ops.test-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startLeaderOps();
});

afterAll(async () => {
  await h?.close();
});

/** Waits until every outbox row is published, then a little longer for stragglers, so "exactly once" is meaningful. */
async function settled(): Promise<void> {
  await waitUntil(async () => (await h.db.outboxEvent.count({ where: { publishedAt: null } })) === 0, 10_000, 'outbox drained');
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('leader-ops over NATS', () => {
  it('answers health with database and NATS checks', async () => {
    expect(await h.rpc.request(health['leader-ops'], {})).toMatchObject({ service: 'leader-ops', status: 'up', checks: { nats: 'up', database: 'up' } });
  });

  it('walks a resident from application to leader, opens a point, binds and rebinds a neighbour with history — each event once', async () => {
    // ops creates the compound; an identical upsert changes nothing and announces nothing
    const compoundId = aCompoundId();
    const created = await h.rpc.request(leaderOps.upsertCompound, { actor: ops, compound: { compoundId, name: 'Green Garden', city: 'Shanghai', district: 'Xuhui' } });
    expect(created).toEqual({ compoundId, name: 'Green Garden', city: 'Shanghai', district: 'Xuhui', timeZone: 'Asia/Shanghai', created: true });
    expect((await h.rpc.request(leaderOps.upsertCompound, { actor: ops, compound: { compoundId, name: 'Green Garden', city: 'Shanghai', district: 'Xuhui' } })).created).toBe(false);
    await h.rpc.request(leaderOps.upsertCompound, { actor: ops, compound: { compoundId, name: 'Green Garden Phase I', city: 'Shanghai', district: 'Xuhui' } });

    // a resident applies; ops sees it pending and approves it
    const candidate = anActor(['resident']);
    const application = await h.rpc.request(leaderOps.applyAsLeader, {
      actor: candidate,
      compoundId,
      displayName: 'Auntie Wang',
      phone: '138-0013-8000',
      statement: 'I run the corner shop by gate 2.',
    });
    expect(application).toMatchObject({ status: 'pending', phone: '+8613800138000', userId: candidate.userId, decidedAt: null });
    const pending = await h.rpc.request(leaderOps.listApplications, { actor: ops, status: 'pending', compoundId });
    expect(pending.applications.map((a) => a.applicationId)).toEqual([application.applicationId]);
    expect(await codeOf(h.rpc.request(leaderOps.approveApplication, { actor: candidate, applicationId: application.applicationId }))).toBe('AUTH.FORBIDDEN');
    const approved = await h.rpc.request(leaderOps.approveApplication, { actor: ops, applicationId: application.applicationId });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: ops.userId });
    // approving again changes nothing; applying again is refused
    expect(await h.rpc.request(leaderOps.approveApplication, { actor: ops, applicationId: application.applicationId })).toEqual(approved);
    expect(await codeOf(h.rpc.request(leaderOps.applyAsLeader, { actor: candidate, compoundId, displayName: 'Wang', phone: aPhone() }))).toBe('LEADER_OPS.ALREADY_LEADER');
    // the applicant sees their own application, and only theirs
    const mine = await h.rpc.request(leaderOps.listApplications, { actor: candidate, userId: ops.userId });
    expect(mine.applications.map((a) => a.applicationId)).toEqual([application.applicationId]);

    // the new leader (token refreshed with the leader role) opens two pickup points
    const leader = { userId: candidate.userId, roles: ['resident' as const, 'leader' as const] };
    const first = await aPickupPoint(h, leader, [compoundId], { name: 'Gate 2 shop' });
    expect(first).toMatchObject({ leaderUserId: leader.userId, compoundIds: [compoundId], status: 'active', timeZone: 'Asia/Shanghai', openingHours: weekdayHours });
    const second = await aPickupPoint(h, leader, [compoundId], { name: 'Building 7 lobby' });
    const listed = await h.rpc.request(leaderOps.listPickupPoints, { actor: anActor(), compoundId });
    expect(listed.pickupPoints.map((p) => p.name)).toEqual(['Building 7 lobby', 'Gate 2 shop']);
    expect(await h.rpc.request(leaderOps.getPickupPoint, { actor: anActor(), pickupPointId: first.pickupPointId })).toEqual(first);

    // a neighbour binds, rebinds, and binding to the current point again changes nothing
    const neighbour = anActor(['resident']);
    const bound = await h.rpc.request(leaderOps.bindResident, { actor: neighbour, pickupPointId: first.pickupPointId, compoundId });
    expect(bound).toMatchObject({ changed: true, previousPickupPointId: null, binding: { pickupPointId: first.pickupPointId, unboundAt: null } });
    const rebound = await h.rpc.request(leaderOps.bindResident, { actor: neighbour, pickupPointId: second.pickupPointId, compoundId });
    expect(rebound).toMatchObject({ changed: true, previousPickupPointId: first.pickupPointId });
    expect((await h.rpc.request(leaderOps.bindResident, { actor: neighbour, pickupPointId: second.pickupPointId, compoundId })).changed).toBe(false);

    const binding = await h.rpc.request(leaderOps.getBinding, { actor: neighbour });
    expect(binding.current).toMatchObject({ pickupPointId: second.pickupPointId, compoundId, unboundAt: null, endReason: null });
    expect(binding.history.map((b) => [b.pickupPointId, b.endReason])).toEqual([
      [second.pickupPointId, null],
      [first.pickupPointId, 'rebound'],
    ]);
    expect(binding.history[1]!.unboundAt).toBe(binding.history[0]!.boundAt);
    // ops may read anyone's binding; another resident may not
    expect((await h.rpc.request(leaderOps.getBinding, { actor: ops, userId: neighbour.userId })).current?.pickupPointId).toBe(second.pickupPointId);
    expect(await codeOf(h.rpc.request(leaderOps.getBinding, { actor: anActor(), userId: neighbour.userId }))).toBe('AUTH.FORBIDDEN');

    // every state change was announced exactly once
    await settled();
    const compoundEvents = eventsAbout(h, leaderOps.compoundUpserted.subject, (d) => d.compoundId === compoundId);
    expect(compoundEvents.map((e) => e.data)).toEqual([
      { compoundId, name: 'Green Garden', city: 'Shanghai', district: 'Xuhui', timeZone: 'Asia/Shanghai' },
      { compoundId, name: 'Green Garden Phase I', city: 'Shanghai', district: 'Xuhui', timeZone: 'Asia/Shanghai' },
    ]);
    expect(eventsAbout(h, leaderOps.leaderApproved.subject, (d) => d.userId === candidate.userId).map((e) => e.data)).toEqual([
      { applicationId: application.applicationId, userId: candidate.userId, compoundId, approvedAt: approved.decidedAt },
    ]);
    expect(eventsAbout(h, leaderOps.pickupPointUpserted.subject, (d) => d.leaderUserId === leader.userId)).toHaveLength(2);
    expect(eventsAbout(h, leaderOps.residentBound.subject, (d) => d.userId === neighbour.userId).map((e) => e.data)).toEqual([
      { userId: neighbour.userId, pickupPointId: first.pickupPointId, compoundId, previousPickupPointId: null, boundAt: bound.binding.boundAt },
      { userId: neighbour.userId, pickupPointId: second.pickupPointId, compoundId, previousPickupPointId: first.pickupPointId, boundAt: rebound.binding.boundAt },
    ]);
    const ids = h.events.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(h.events.events.every((e) => e.source === 'leader-ops')).toBe(true);
  });

  it('rejects an application only with a reason, tells the applicant why, and lets them apply again', async () => {
    const compoundId = await aCompound(h);
    const applicant = anActor();
    const application = await h.rpc.request(leaderOps.applyAsLeader, { actor: applicant, compoundId, displayName: 'Li', phone: aPhone() });

    // without a reason (or a blank one) the service answers the validation envelope naming `reason`
    for (const body of [{ actor: ops, applicationId: application.applicationId }, { actor: ops, applicationId: application.applicationId, reason: '   ' }]) {
      const reply = await rawRequest(h, leaderOps.rejectApplication.subject, JSON.stringify(body));
      expect(reply.ok).toBe(false);
      expect(reply.error!.code).toBe('COMMON.VALIDATION_FAILED');
      expect(reply.error!.details.fields.map((f: { path: string }) => f.path)).toEqual(['reason']);
    }
    expect((await h.db.leaderApplication.findUniqueOrThrow({ where: { id: application.applicationId } })).status).toBe('pending');

    const rejected = await h.rpc.request(leaderOps.rejectApplication, { actor: ops, applicationId: application.applicationId, reason: '  Another leader already serves this building.  ' });
    expect(rejected).toMatchObject({ status: 'rejected', decisionReason: 'Another leader already serves this building.', decidedBy: ops.userId });
    expect(await codeOf(h.rpc.request(leaderOps.rejectApplication, { actor: ops, applicationId: application.applicationId, reason: 'again' }))).toBe('LEADER_OPS.APPLICATION_DECIDED');
    expect(await codeOf(h.rpc.request(leaderOps.approveApplication, { actor: ops, applicationId: application.applicationId }))).toBe('LEADER_OPS.APPLICATION_DECIDED');
    expect(await codeOf(h.rpc.request(leaderOps.approveApplication, { actor: ops, applicationId: randomUUID() }))).toBe('LEADER_OPS.APPLICATION_NOT_FOUND');
    const mine = await h.rpc.request(leaderOps.listApplications, { actor: applicant });
    expect(mine.applications[0]).toMatchObject({ status: 'rejected', decisionReason: 'Another leader already serves this building.' });

    await settled();
    expect(eventsAbout(h, leaderOps.leaderRejected.subject, (d) => d.userId === applicant.userId).map((e) => e.data)).toEqual([
      { applicationId: application.applicationId, userId: applicant.userId, reason: 'Another leader already serves this building.', rejectedAt: rejected.decidedAt },
    ]);
    expect(eventsAbout(h, leaderOps.leaderApproved.subject, (d) => d.userId === applicant.userId)).toEqual([]);

    // a rejected applicant may try again
    expect((await h.rpc.request(leaderOps.applyAsLeader, { actor: applicant, compoundId, displayName: 'Li', phone: aPhone() })).status).toBe('pending');
  });

  it('keeps one pending application per resident and compound, also under concurrent submissions', async () => {
    const compoundId = await aCompound(h);
    const applicant = anActor();
    const submit = () => h.rpc.request(leaderOps.applyAsLeader, { actor: applicant, compoundId, displayName: 'Zhang', phone: aPhone() });
    const results = await Promise.allSettled([submit(), submit(), submit(), submit()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'LEADER_OPS.APPLICATION_PENDING' });
    expect(await h.db.leaderApplication.count({ where: { userId: applicant.userId } })).toBe(1);
    expect(await codeOf(h.rpc.request(leaderOps.applyAsLeader, { actor: applicant, compoundId: aCompoundId(), displayName: 'Zhang', phone: aPhone() }))).toBe(
      'LEADER_OPS.COMPOUND_NOT_FOUND',
    );
  });

  it('decides an application once when ops approve and reject it at the same moment', async () => {
    const compoundId = await aCompound(h);
    const applicant = anActor();
    const application = await h.rpc.request(leaderOps.applyAsLeader, { actor: applicant, compoundId, displayName: 'Zhao', phone: aPhone() });
    const results = await Promise.allSettled([
      h.rpc.request(leaderOps.approveApplication, { actor: ops, applicationId: application.applicationId }),
      h.rpc.request(leaderOps.rejectApplication, { actor: ops, applicationId: application.applicationId, reason: 'too late' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await settled();
    const decisions = [leaderOps.leaderApproved.subject, leaderOps.leaderRejected.subject].flatMap((s) => eventsAbout(h, s, (d) => d.userId === applicant.userId));
    expect(decisions).toHaveLength(1);
  });

  it('lets only an approved leader open a point, for compounds that exist and that they lead — writing nothing otherwise', async () => {
    const served = await aCompound(h);
    const other = await aCompound(h);
    const leader = await anApprovedLeader(h, [served]);
    const before = await outboxCount(h);
    const points = await h.db.pickupPoint.count();

    // a resident who never applied (or is still pending)
    const resident = anActor(['resident', 'leader']);
    expect(await errorOf(aPickupPoint(h, resident, [served]))).toMatchObject({ code: 'LEADER_OPS.NOT_APPROVED_LEADER', details: { compoundIds: [served] } });
    await h.rpc.request(leaderOps.applyAsLeader, { actor: resident, compoundId: served, displayName: 'Sun', phone: aPhone() });
    expect(await codeOf(aPickupPoint(h, resident, [served]))).toBe('LEADER_OPS.NOT_APPROVED_LEADER');
    // an approved leader, but for a compound they do not lead, or one that does not exist
    expect(await errorOf(aPickupPoint(h, leader, [served, other]))).toMatchObject({ code: 'LEADER_OPS.NOT_APPROVED_LEADER', details: { compoundIds: [other] } });
    const unknown = aCompoundId();
    expect(await errorOf(aPickupPoint(h, leader, [served, unknown]))).toMatchObject({ code: 'LEADER_OPS.COMPOUND_NOT_FOUND', details: { compoundIds: [unknown] } });
    // a leader opening a point in someone else's name; ops without naming the leader
    expect(await codeOf(h.rpc.request(leaderOps.createPickupPoint, { actor: leader, leaderUserId: resident.userId, name: 'x', address: 'y', compoundIds: [served], openingHours: [], capacity: 1 }))).toBe('AUTH.FORBIDDEN');
    expect(await codeOf(aPickupPoint(h, ops, [served]))).toBe('COMMON.VALIDATION_FAILED');

    expect(await h.db.pickupPoint.count()).toBe(points);
    expect(await h.db.pickupPointCompound.count({ where: { compoundId: other } })).toBe(0);
    expect(await outboxCount(h)).toBe(before);

    // ops may open one for the approved leader
    const byOps = await h.rpc.request(leaderOps.createPickupPoint, { actor: ops, leaderUserId: leader.userId, name: 'Clubhouse', address: 'Clubhouse, gate 1', compoundIds: [served], openingHours: [], capacity: 30, timeZone: 'Asia/Urumqi' });
    expect(byOps).toMatchObject({ leaderUserId: leader.userId, timeZone: 'Asia/Urumqi' });
  });

  it('lets only the owning leader or ops change a point, and keeps serving compounds with bound residents', async () => {
    const a = await aCompound(h);
    const b = await aCompound(h);
    const leader = await anApprovedLeader(h, [a, b]);
    const rival = await anApprovedLeader(h, [a]);
    const point = await aPickupPoint(h, leader, [a, b]);

    expect(await codeOf(h.rpc.request(leaderOps.updatePickupPoint, { actor: rival, pickupPointId: point.pickupPointId, patch: { capacity: 1 } }))).toBe('LEADER_OPS.NOT_POINT_OWNER');
    expect(await codeOf(h.rpc.request(leaderOps.updatePickupPoint, { actor: rival, pickupPointId: randomUUID(), patch: { capacity: 1 } }))).toBe('LEADER_OPS.PICKUP_POINT_NOT_FOUND');
    const changed = await h.rpc.request(leaderOps.updatePickupPoint, { actor: leader, pickupPointId: point.pickupPointId, patch: { capacity: 120, name: 'Gate 2 shop (new counter)' } });
    expect(changed).toMatchObject({ capacity: 120, name: 'Gate 2 shop (new counter)', timeZone: 'Asia/Shanghai', compoundIds: [a, b].sort() });

    // a resident of b is bound: b cannot be dropped until they rebind; a can
    const resident = anActor();
    await h.rpc.request(leaderOps.bindResident, { actor: resident, pickupPointId: point.pickupPointId, compoundId: b });
    expect(await errorOf(h.rpc.request(leaderOps.updatePickupPoint, { actor: leader, pickupPointId: point.pickupPointId, patch: { compoundIds: [a] } }))).toMatchObject({
      code: 'LEADER_OPS.COMPOUND_IN_USE',
      details: { compoundIds: [b] },
    });
    expect((await h.rpc.request(leaderOps.updatePickupPoint, { actor: leader, pickupPointId: point.pickupPointId, patch: { compoundIds: [b] } })).compoundIds).toEqual([b]);
    // adding a compound the leader does not lead is refused
    const c = await aCompound(h);
    expect(await codeOf(h.rpc.request(leaderOps.updatePickupPoint, { actor: leader, pickupPointId: point.pickupPointId, patch: { compoundIds: [b, c] } }))).toBe('LEADER_OPS.NOT_APPROVED_LEADER');

    // ops suspends it: it leaves the active listing and nobody can bind to it
    const suspended = await h.rpc.request(leaderOps.updatePickupPoint, { actor: ops, pickupPointId: point.pickupPointId, patch: { status: 'suspended' } });
    expect(suspended.status).toBe('suspended');
    expect((await h.rpc.request(leaderOps.listPickupPoints, { actor: resident, compoundId: b })).pickupPoints.map((p) => p.pickupPointId)).not.toContain(point.pickupPointId);
    expect((await h.rpc.request(leaderOps.listPickupPoints, { actor: resident, compoundId: b, status: 'suspended' })).pickupPoints.map((p) => p.pickupPointId)).toEqual([point.pickupPointId]);
    expect(await codeOf(h.rpc.request(leaderOps.bindResident, { actor: anActor(), pickupPointId: point.pickupPointId, compoundId: b }))).toBe('LEADER_OPS.POINT_SUSPENDED');

    await settled();
    const upserts = eventsAbout(h, leaderOps.pickupPointUpserted.subject, (d) => d.pickupPointId === point.pickupPointId);
    expect(upserts.map((e) => [(e.data as { capacity: number }).capacity, (e.data as { status: string }).status, (e.data as { compoundIds: string[] }).compoundIds])).toEqual([
      [80, 'active', [a, b].sort()],
      [120, 'active', [a, b].sort()],
      [120, 'active', [b]],
      [120, 'suspended', [b]],
    ]);
  });

  it('binds only to an existing, active point that serves the compound, writing nothing otherwise', async () => {
    const a = await aCompound(h);
    const b = await aCompound(h);
    const leader = await anApprovedLeader(h, [a]);
    const point = await aPickupPoint(h, leader, [a]);
    const resident = anActor();
    const before = await outboxCount(h, resident.userId);

    expect(await errorOf(h.rpc.request(leaderOps.bindResident, { actor: resident, pickupPointId: point.pickupPointId, compoundId: b }))).toMatchObject({
      code: 'LEADER_OPS.POINT_NOT_SERVING_COMPOUND',
      details: { pickupPointId: point.pickupPointId, compoundId: b },
    });
    expect(await codeOf(h.rpc.request(leaderOps.bindResident, { actor: resident, pickupPointId: point.pickupPointId, compoundId: aCompoundId() }))).toBe('LEADER_OPS.COMPOUND_NOT_FOUND');
    expect(await codeOf(h.rpc.request(leaderOps.bindResident, { actor: resident, pickupPointId: randomUUID(), compoundId: a }))).toBe('LEADER_OPS.PICKUP_POINT_NOT_FOUND');

    expect(await h.db.residentBinding.count({ where: { userId: resident.userId } })).toBe(0);
    expect(await outboxCount(h, resident.userId)).toBe(before);
    expect(await h.rpc.request(leaderOps.getBinding, { actor: resident })).toEqual({ userId: resident.userId, current: null, history: [] });
  });

  it('keeps one current binding when a resident binds to two points at the same moment', async () => {
    const a = await aCompound(h);
    const leader = await anApprovedLeader(h, [a]);
    const p1 = await aPickupPoint(h, leader, [a], { name: 'one' });
    const p2 = await aPickupPoint(h, leader, [a], { name: 'two' });
    const resident = anActor();
    const results = await Promise.all(
      [p1, p2, p1, p2].map((p) => h.rpc.request(leaderOps.bindResident, { actor: resident, pickupPointId: p.pickupPointId, compoundId: a })),
    );
    expect(results.every((r) => r.binding.userId === resident.userId)).toBe(true);
    const rows = await h.db.residentBinding.findMany({ where: { userId: resident.userId } });
    expect(rows.filter((r) => r.unboundAt === null)).toHaveLength(1);
    const { history } = await h.rpc.request(leaderOps.getBinding, { actor: resident });
    // every change ended the binding before it: the chain of previous points is unbroken
    await settled();
    const bound = eventsAbout(h, leaderOps.residentBound.subject, (d) => d.userId === resident.userId);
    expect(bound).toHaveLength(history.length);
    for (let i = 1; i < bound.length; i++) {
      expect((bound[i]!.data as { previousPickupPointId: string }).previousPickupPointId).toBe((bound[i - 1]!.data as { pickupPointId: string }).pickupPointId);
    }
  });

  it('answers invalid payloads over NATS with the error envelope and keeps serving', async () => {
    const invalid = await rawRequest(h, leaderOps.createPickupPoint.subject, JSON.stringify({ actor: { userId: 'nope', roles: [] }, capacity: 0, compoundIds: [], openingHours: [{ weekday: 8, opens: '9', closes: '8' }] }));
    expect(invalid.ok).toBe(false);
    expect(invalid.error!.code).toBe('COMMON.VALIDATION_FAILED');
    expect(invalid.error!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(invalid.error!.details.fields.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['actor.userId', 'actor.roles', 'name', 'address', 'compoundIds', 'capacity', 'openingHours.0.weekday', 'openingHours.0.opens']),
    );
    const unknownField = await rawRequest(h, leaderOps.bindResident.subject, JSON.stringify({ actor: ops, pickupPointId: randomUUID(), compoundId: 'c', userId: randomUUID() }));
    expect(unknownField.error).toMatchObject({ code: 'COMMON.VALIDATION_FAILED' });
    const hours = await rawRequest(
      h,
      leaderOps.updatePickupPoint.subject,
      JSON.stringify({ actor: ops, pickupPointId: randomUUID(), patch: { openingHours: [{ weekday: 1, opens: '18:00', closes: '09:00' }], timeZone: 'Mars/Base' } }),
    );
    expect(hours.error!.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['patch.openingHours.0.closes', 'patch.timeZone']);
    const malformed = await rawRequest(h, leaderOps.getBinding.subject, '{"actor":');
    expect(malformed.error).toMatchObject({ code: 'COMMON.MALFORMED_JSON' });
    expect((await h.rpc.request(health['leader-ops'], {})).status).toBe('up');
  });

  it('holds its invariants in the database too', async () => {
    const a = await aCompound(h);
    const leader = await anApprovedLeader(h, [a]);
    const point = await aPickupPoint(h, leader, [a]);
    const user = randomUUID();
    await expect(h.db.$executeRawUnsafe('UPDATE pickup_points SET capacity = 0 WHERE id = $1::uuid', point.pickupPointId)).rejects.toThrow(/capacity_check/);
    await expect(
      h.db.$executeRawUnsafe(
        `INSERT INTO leader_applications (id, user_id, compound_id, status, decided_at, updated_at) VALUES ($1::uuid, $2::uuid, $3, 'rejected', now(), now())`,
        randomUUID(),
        user,
        a,
      ),
    ).rejects.toThrow(/reason_check/);
    const pendingRow = `INSERT INTO leader_applications (id, user_id, compound_id, updated_at) VALUES ($1::uuid, $2::uuid, $3, now())`;
    await h.db.$executeRawUnsafe(pendingRow, randomUUID(), user, a);
    await expect(h.db.$executeRawUnsafe(pendingRow, randomUUID(), user, a)).rejects.toThrow(/one_pending/);
    const bindingRow = `INSERT INTO resident_bindings (id, user_id, pickup_point_id, compound_id) VALUES ($1::uuid, $2::uuid, $3::uuid, $4)`;
    await h.db.$executeRawUnsafe(bindingRow, randomUUID(), user, point.pickupPointId, a);
    await expect(h.db.$executeRawUnsafe(bindingRow, randomUUID(), user, point.pickupPointId, a)).rejects.toThrow(/one_current/);
  });

  it('lists compounds page by page, by city, for any signed-in user', async () => {
    const city = `City-${randomUUID().slice(0, 6)}`;
    const ids = ['a', 'b', 'c'].map((s) => `${city.toLowerCase()}-${s}`);
    for (const compoundId of ids) await aCompound(h, { compoundId, city });
    const page1 = await h.rpc.request(leaderOps.listCompounds, { actor: anActor(), city, limit: 2 });
    expect(page1.compounds.map((c) => c.compoundId)).toEqual(ids.slice(0, 2));
    const page2 = await h.rpc.request(leaderOps.listCompounds, { actor: anActor(), city, limit: 2, after: page1.nextAfter! });
    expect(page2).toEqual({ compounds: [expect.objectContaining({ compoundId: ids[2], city })], nextAfter: null });
    expect(await codeOf(h.rpc.request(leaderOps.upsertCompound, { actor: anActor(['leader']), compound: { compoundId: 'x', name: 'x', city } }))).toBe('AUTH.FORBIDDEN');
  });
});
