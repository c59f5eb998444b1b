import { randomUUID } from 'node:crypto';
import type { Actor } from '@linli/contracts';
import { codeOfCall } from '@linli/testing';
import {
  applicationsToWithdraw,
  assertBindable,
  assertLeaderCovers,
  assertMayApply,
  assertMayEditPoint,
  assertOps,
  compoundsStillInUse,
  decisionOutcome,
  endOf,
  isSameBinding,
  mergeBindings,
  missing,
  pointLeader,
  subjectUser,
} from './leader-ops.rules.js';

const resident: Actor = { userId: randomUUID(), roles: ['resident'] };
const leader: Actor = { userId: randomUUID(), roles: ['resident', 'leader'] };
const ops: Actor = { userId: randomUUID(), roles: ['ops'] };

describe('who may act', () => {
  it('lets only ops do ops work', () => {
    expect(() => assertOps(ops)).not.toThrow();
    expect(codeOfCall(() => assertOps(leader))).toBe('AUTH.FORBIDDEN');
  });

  it('lets a user read themselves and ops read anyone', () => {
    expect(subjectUser(resident, undefined)).toBe(resident.userId);
    expect(subjectUser(resident, resident.userId)).toBe(resident.userId);
    expect(subjectUser(ops, resident.userId)).toBe(resident.userId);
    expect(codeOfCall(() => subjectUser(resident, leader.userId))).toBe('AUTH.FORBIDDEN');
  });
});

describe('applications', () => {
  it('refuses a second pending application and an application by a leader of the compound', () => {
    expect(() => assertMayApply('c-1', [])).not.toThrow();
    expect(() => assertMayApply('c-1', ['rejected', 'withdrawn'])).not.toThrow();
    expect(codeOfCall(() => assertMayApply('c-1', ['rejected', 'pending']))).toBe('LEADER_OPS.APPLICATION_PENDING');
    expect(codeOfCall(() => assertMayApply('c-1', ['approved']))).toBe('LEADER_OPS.ALREADY_LEADER');
  });

  it('decides pending applications once; approving twice changes nothing; anything else is refused', () => {
    const id = randomUUID();
    expect(decisionOutcome(id, 'pending', 'approved')).toBe('apply');
    expect(decisionOutcome(id, 'pending', 'rejected')).toBe('apply');
    expect(decisionOutcome(id, 'approved', 'approved')).toBe('unchanged');
    expect(codeOfCall(() => decisionOutcome(id, 'approved', 'rejected'))).toBe('LEADER_OPS.APPLICATION_DECIDED');
    expect(codeOfCall(() => decisionOutcome(id, 'rejected', 'rejected'))).toBe('LEADER_OPS.APPLICATION_DECIDED');
    expect(codeOfCall(() => decisionOutcome(id, 'rejected', 'approved'))).toBe('LEADER_OPS.APPLICATION_DECIDED');
    expect(codeOfCall(() => decisionOutcome(id, 'withdrawn', 'approved'))).toBe('LEADER_OPS.APPLICATION_DECIDED');
  });
});

describe('pickup points', () => {
  it('opens a point for the leader themselves, or for the leader ops names', () => {
    expect(pointLeader(leader, undefined)).toBe(leader.userId);
    expect(pointLeader(leader, leader.userId)).toBe(leader.userId);
    expect(codeOfCall(() => pointLeader(leader, resident.userId))).toBe('AUTH.FORBIDDEN');
    expect(pointLeader(ops, leader.userId)).toBe(leader.userId);
    expect(codeOfCall(() => pointLeader(ops, undefined))).toBe('COMMON.VALIDATION_FAILED');
  });

  it('lets only the owning leader or ops edit a point', () => {
    const point = { pickupPointId: randomUUID(), leaderUserId: leader.userId };
    expect(() => assertMayEditPoint(leader, point)).not.toThrow();
    expect(() => assertMayEditPoint(ops, point)).not.toThrow();
    expect(codeOfCall(() => assertMayEditPoint({ userId: randomUUID(), roles: ['leader'] }, point))).toBe('LEADER_OPS.NOT_POINT_OWNER');
  });

  it('needs the leader approved for every compound served, and names the missing ones', () => {
    expect(() => assertLeaderCovers(leader.userId, ['a', 'b'], ['b', 'a', 'c'])).not.toThrow();
    try {
      assertLeaderCovers(leader.userId, ['a', 'b', 'c'], ['b']);
      throw new Error('expected a LinliError');
    } catch (error) {
      expect(error).toMatchObject({ code: 'LEADER_OPS.NOT_APPROVED_LEADER', details: { compoundIds: ['a', 'c'] } });
    }
    expect(missing(['x', 'y'], new Set(['y']))).toEqual(['x']);
  });

  it('keeps serving a compound while residents are bound through it', () => {
    expect(compoundsStillInUse(['a', 'b', 'c'], ['a'], ['b', 'a', 'b'])).toEqual(['b']);
    expect(compoundsStillInUse(['a', 'b'], ['a', 'b', 'c'], ['a', 'b'])).toEqual([]);
  });
});

describe('bindings', () => {
  const point = { pickupPointId: randomUUID(), status: 'active' as const, compoundIds: ['a', 'b'] };

  it('binds only to an active point serving the compound', () => {
    expect(() => assertBindable(point, 'a')).not.toThrow();
    expect(codeOfCall(() => assertBindable(point, 'z'))).toBe('LEADER_OPS.POINT_NOT_SERVING_COMPOUND');
    expect(codeOfCall(() => assertBindable({ ...point, status: 'suspended' }, 'a'))).toBe('LEADER_OPS.POINT_SUSPENDED');
  });

  it('treats binding to the current point and compound as no change', () => {
    expect(isSameBinding(null, point.pickupPointId, 'a')).toBe(false);
    expect(isSameBinding({ pickupPointId: point.pickupPointId, compoundId: 'a' }, point.pickupPointId, 'a')).toBe(true);
    expect(isSameBinding({ pickupPointId: point.pickupPointId, compoundId: 'a' }, point.pickupPointId, 'b')).toBe(false);
  });

  it('never ends a binding before it started', () => {
    const start = new Date('2026-01-01T10:00:00Z');
    expect(endOf(start, new Date('2026-01-01T09:59:59Z'))).toEqual(start);
    expect(endOf(start, new Date('2026-01-02T00:00:00Z'))).toEqual(new Date('2026-01-02T00:00:00Z'));
  });
});

describe('merging accounts', () => {
  it("keeps the survivor's current binding, else inherits the merged account's", () => {
    expect(mergeBindings(null, 't')).toEqual({ end: null, inherit: null });
    expect(mergeBindings('s', null)).toEqual({ end: null, inherit: 's' });
    expect(mergeBindings('s', 't')).toEqual({ end: 's', inherit: null });
    expect(mergeBindings(null, null)).toEqual({ end: null, inherit: null });
  });

  it('leaves the survivor at most one pending application per compound and none where it leads', () => {
    const app = (compoundId: string, status: 'pending' | 'approved' | 'rejected') => ({ id: randomUUID(), compoundId, status });
    const source = [app('a', 'pending'), app('b', 'pending'), app('c', 'approved'), app('d', 'pending')];
    const target = [app('a', 'pending'), app('b', 'approved'), app('c', 'pending'), app('d', 'rejected')];
    const withdrawn = applicationsToWithdraw(source, target);
    expect(withdrawn.map((a) => a.id).sort()).toEqual([source[0]!.id, source[1]!.id, target[2]!.id].sort());
  });
});
