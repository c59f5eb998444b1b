import { randomUUID } from 'node:crypto';
import { leaderCustomers, leaderOps, registry, type RpcContract } from '@linli/contracts';

const actor = { userId: randomUUID(), roles: ['resident' as const] };
const hours = [
  { weekday: 1, opens: '08:00', closes: '12:00' },
  { weekday: 1, opens: '14:00', closes: '20:00' },
];
const point = {
  pickupPointId: randomUUID(),
  leaderUserId: randomUUID(),
  name: 'Building 3 lobby',
  address: '3 Lane 100, Xuhui, Shanghai',
  compoundIds: ['compound-a'],
  openingHours: hours,
  capacity: 80,
  timeZone: 'Asia/Shanghai',
  status: 'active' as const,
};
const now = new Date().toISOString();
const application = {
  applicationId: randomUUID(),
  userId: actor.userId,
  compoundId: 'compound-a',
  status: 'pending' as const,
  displayName: 'Auntie Wang',
  phone: '+8613800138000',
  statement: null,
  decisionReason: null,
  decidedBy: null,
  decidedAt: null,
  createdAt: now,
};
const binding = { userId: actor.userId, pickupPointId: point.pickupPointId, compoundId: 'compound-a', boundAt: now, unboundAt: null, endReason: null };

/** A valid request and response for every leader-ops RPC subject. */
const samples: [RpcContract, unknown, unknown][] = [
  [leaderOps.upsertCompound, { actor, compound: { compoundId: 'compound-a', name: 'Green Garden', city: 'Shanghai' } }, { compoundId: 'compound-a', name: 'Green Garden', city: 'Shanghai', timeZone: 'Asia/Shanghai', created: true }],
  [leaderOps.listCompounds, { actor, city: 'Shanghai' }, { compounds: [], nextAfter: null }],
  [leaderOps.applyAsLeader, { actor, compoundId: 'compound-a', displayName: 'Auntie Wang', phone: '138 0013 8000' }, application],
  [leaderOps.listApplications, { actor, status: 'pending' }, { applications: [application], nextAfter: null }],
  [leaderOps.approveApplication, { actor, applicationId: application.applicationId }, { ...application, status: 'approved', decidedBy: actor.userId, decidedAt: now }],
  [leaderOps.rejectApplication, { actor, applicationId: application.applicationId, reason: 'no storage space' }, { ...application, status: 'rejected', decisionReason: 'no storage space', decidedBy: actor.userId, decidedAt: now }],
  [leaderOps.createPickupPoint, { actor, name: point.name, address: point.address, compoundIds: point.compoundIds, openingHours: hours, capacity: 80 }, { ...point, createdAt: now, updatedAt: now }],
  [leaderOps.updatePickupPoint, { actor, pickupPointId: point.pickupPointId, patch: { status: 'suspended' } }, { ...point, status: 'suspended', createdAt: now, updatedAt: now }],
  [leaderOps.getPickupPoint, { actor, pickupPointId: point.pickupPointId }, { ...point, createdAt: now, updatedAt: now }],
  [leaderOps.listPickupPoints, { actor, compoundId: 'compound-a' }, { pickupPoints: [] }],
  [leaderOps.bindResident, { actor, pickupPointId: point.pickupPointId, compoundId: 'compound-a' }, { binding, previousPickupPointId: null, changed: true }],
  [leaderOps.getBinding, { actor }, { userId: actor.userId, current: binding, history: [binding] }],
];

describe('leader-ops contracts', () => {
  it('has a sample for every leader-ops RPC subject, and each is registered', () => {
    // The customer-operator subjects (leaderCustomers) are sampled in libs/shared/contracts/src/contracts.spec.ts.
    const customerSubjects = new Set(Object.values(leaderCustomers).flatMap((value) => (value && typeof value === 'object' && 'subject' in value ? [value.subject as string] : [])));
    const subjects = [...registry.rpc.keys()].filter(
      (s) => s.startsWith('rpc.leader-ops.') && !s.endsWith('.health.v1') && !s.endsWith('.personal-data.export.v1') && !customerSubjects.has(s),
    );
    expect(samples.map(([c]) => c.subject).sort()).toEqual(subjects.sort());
  });

  it.each(samples.map(([contract, request, response]) => [contract.subject, contract, request, response] as const))(
    '%s round-trips its request and response through JSON',
    (_subject, contract, request, response) => {
      const parsedRequest = contract.request.parse(request);
      expect(contract.request.parse(JSON.parse(JSON.stringify(parsedRequest)))).toEqual(parsedRequest);
      const parsedResponse = contract.response.parse(response);
      expect(contract.response.parse(JSON.parse(JSON.stringify(parsedResponse)))).toEqual(parsedResponse);
    },
  );

  it('round-trips every leader-ops event', () => {
    const events: [unknown, unknown][] = [
      [leaderOps.compoundUpserted, { compoundId: 'compound-a', name: 'Green Garden', city: 'Shanghai', district: 'Xuhui', timeZone: 'Asia/Shanghai' }],
      [leaderOps.pickupPointUpserted, point],
      [leaderOps.residentBound, { userId: actor.userId, pickupPointId: point.pickupPointId, compoundId: 'compound-a', previousPickupPointId: null, boundAt: now }],
      [leaderOps.leaderApproved, { applicationId: application.applicationId, userId: actor.userId, compoundId: 'compound-a', approvedAt: now }],
      [leaderOps.leaderRejected, { applicationId: application.applicationId, userId: actor.userId, reason: 'no storage space', rejectedAt: now }],
    ];
    const subjects = [...registry.event.keys()].filter((s) => s.startsWith('leader-ops.'));
    expect(events.map(([c]) => (c as { subject: string }).subject).sort()).toEqual(subjects.sort());
    for (const [contract, data] of events) {
      const schema = (contract as typeof leaderOps.residentBound).data;
      expect(schema.parse(JSON.parse(JSON.stringify(schema.parse(data))))).toEqual(schema.parse(data));
    }
  });

  it('defaults time zones to Asia/Shanghai and refuses unknown ones', () => {
    expect(leaderOps.CompoundSchema.parse({ compoundId: 'c', name: 'n', city: 'x' }).timeZone).toBe('Asia/Shanghai');
    expect(leaderOps.CompoundSchema.safeParse({ compoundId: 'c', name: 'n', city: 'x', timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(leaderOps.CompoundSchema.parse({ compoundId: 'c', name: 'n', city: 'x', timeZone: 'Asia/Urumqi' }).timeZone).toBe('Asia/Urumqi');
  });

  it('refuses opening hours that close before they open or overlap on one day', () => {
    expect(leaderOps.OpeningHoursSchema.safeParse(hours).success).toBe(true);
    expect(leaderOps.OpeningHoursSchema.safeParse([{ weekday: 2, opens: '18:00', closes: '09:00' }]).success).toBe(false);
    expect(leaderOps.OpeningHoursSchema.safeParse([{ weekday: 2, opens: '24:00', closes: '25:00' }]).success).toBe(false);
    const overlap = leaderOps.OpeningHoursSchema.safeParse([...hours, { weekday: 1, opens: '11:00', closes: '13:00' }]);
    expect(overlap.success).toBe(false);
    expect(overlap.error?.issues[0]?.path).toEqual([2]);
    // the same interval on different weekdays is fine
    expect(leaderOps.OpeningHoursSchema.safeParse([{ weekday: 1, opens: '08:00', closes: '09:00' }, { weekday: 2, opens: '08:00', closes: '09:00' }]).success).toBe(true);
  });

  it('needs a non-blank reason to reject and a non-positive capacity is refused', () => {
    const base = { actor, applicationId: randomUUID() };
    expect(leaderOps.rejectApplication.request.safeParse({ ...base, reason: '   ' }).success).toBe(false);
    expect(leaderOps.rejectApplication.request.safeParse(base).success).toBe(false);
    const create = { actor, name: 'n', address: 'a', compoundIds: ['c'], openingHours: [] };
    expect(leaderOps.createPickupPoint.request.safeParse({ ...create, capacity: 0 }).success).toBe(false);
    expect(leaderOps.createPickupPoint.request.safeParse({ ...create, capacity: 1 }).success).toBe(true);
    expect(leaderOps.createPickupPoint.request.safeParse({ ...create, capacity: 1, compoundIds: ['c', 'c'] }).success).toBe(false);
  });

  it('needs a compound or a leader to list pickup points, and at least one field to update one', () => {
    expect(leaderOps.listPickupPoints.request.safeParse({ actor }).success).toBe(false);
    expect(leaderOps.listPickupPoints.request.parse({ actor, leaderUserId: actor.userId }).status).toBe('active');
    expect(leaderOps.updatePickupPoint.request.safeParse({ actor, pickupPointId: point.pickupPointId, patch: {} }).success).toBe(false);
  });
});
