import type { Actor, leaderOps } from '@linli/contracts';
import { LeaderOpsErrors } from './leader-ops.exception.js';

/**
 * The domain rules of leader-ops as pure functions (no database), so each can be tested on its own.
 * The services load state, ask these, and write.
 */

type ApplicationStatus = leaderOps.ApplicationStatus;
type PointStatus = leaderOps.PickupPoint['status'];

export function isOps(actor: Actor): boolean {
  return actor.roles.includes('ops');
}

export function assertOps(actor: Actor): void {
  if (!isOps(actor)) throw LeaderOpsErrors.opsOnly();
}

/** The user an actor may read: themselves, or anyone for ops. */
export function subjectUser(actor: Actor, userId: string | undefined): string {
  if (userId === undefined || userId === actor.userId) return actor.userId;
  if (!isOps(actor)) throw LeaderOpsErrors.notSelf();
  return userId;
}

/** May a user apply for a compound, given their applications for it? */
export function assertMayApply(compoundId: string, statusesForCompound: readonly ApplicationStatus[]): void {
  if (statusesForCompound.includes('approved')) throw LeaderOpsErrors.alreadyLeader(compoundId);
  if (statusesForCompound.includes('pending')) throw LeaderOpsErrors.applicationPending(compoundId);
}

/**
 * What deciding an application means in its current state: `apply` (it is pending), `unchanged`
 * (the same decision was already taken: approving twice is harmless), or an error.
 */
export function decisionOutcome(applicationId: string, current: ApplicationStatus, decision: 'approved' | 'rejected'): 'apply' | 'unchanged' {
  if (current === 'pending') return 'apply';
  if (current === decision && decision === 'approved') return 'unchanged';
  throw LeaderOpsErrors.applicationDecided(applicationId, current);
}

/**
 * Who will run a new pickup point. A leader opens points for themselves; ops opens them for a
 * named leader.
 */
export function pointLeader(actor: Actor, leaderUserId: string | undefined): string {
  if (isOps(actor)) {
    if (!leaderUserId) throw LeaderOpsErrors.leaderRequired();
    return leaderUserId;
  }
  if (leaderUserId !== undefined && leaderUserId !== actor.userId) throw LeaderOpsErrors.notSelf();
  return actor.userId;
}

/** Only the leader who runs a point, or ops, may change it. */
export function assertMayEditPoint(actor: Actor, point: { pickupPointId: string; leaderUserId: string }): void {
  if (isOps(actor) || actor.userId === point.leaderUserId) return;
  throw LeaderOpsErrors.notPointOwner(point.pickupPointId);
}

/** Ids in `wanted` that are not in `known`, in the order asked. */
export function missing(wanted: readonly string[], known: Iterable<string>): string[] {
  const have = new Set(known);
  return wanted.filter((id) => !have.has(id));
}

/** A point's leader must hold an approved application for every compound the point serves. */
export function assertLeaderCovers(leaderUserId: string, compoundIds: readonly string[], approvedCompoundIds: Iterable<string>): void {
  const uncovered = missing(compoundIds, approvedCompoundIds);
  if (uncovered.length > 0) throw LeaderOpsErrors.notApprovedLeader(leaderUserId, uncovered);
}

/** Compounds a point stops serving that still have residents bound through it. */
export function compoundsStillInUse(before: readonly string[], after: readonly string[], boundCompoundIds: Iterable<string>): string[] {
  const dropped = new Set(missing(before, after));
  return [...new Set(boundCompoundIds)].filter((id) => dropped.has(id)).sort();
}

/** A resident may bind to a point only when it is active and serves their compound. */
export function assertBindable(point: { pickupPointId: string; status: PointStatus; compoundIds: readonly string[] }, compoundId: string): void {
  if (!point.compoundIds.includes(compoundId)) throw LeaderOpsErrors.pointNotServingCompound(point.pickupPointId, compoundId);
  if (point.status !== 'active') throw LeaderOpsErrors.pointSuspended(point.pickupPointId);
}

/** Binding to the point and compound one is already bound to changes nothing. */
export function isSameBinding(current: { pickupPointId: string; compoundId: string } | null, pickupPointId: string, compoundId: string): boolean {
  return current !== null && current.pickupPointId === pickupPointId && current.compoundId === compoundId;
}

/** The end time of a binding being replaced at `now`: never before it started, whatever the clock did. */
export function endOf(boundAt: Date, now: Date): Date {
  return now.getTime() < boundAt.getTime() ? boundAt : now;
}

/**
 * When two accounts merge, the survivor (target) keeps its own current binding; the merged
 * account's current binding ends (`merged`) unless the survivor has none, in which case it becomes
 * the survivor's. Either way all of the merged account's history moves to the survivor.
 */
export function mergeBindings<B>(sourceCurrent: B | null, targetCurrent: B | null): { end: B | null; inherit: B | null } {
  if (sourceCurrent === null) return { end: null, inherit: null };
  if (targetCurrent === null) return { end: null, inherit: sourceCurrent };
  return { end: sourceCurrent, inherit: null };
}

/**
 * Pending applications to withdraw when two accounts merge, so that the survivor holds at most one
 * pending application per compound and none for a compound it is already approved for: a pending
 * application is withdrawn when either account is approved for its compound, and the merged
 * account's is withdrawn when both have one pending.
 */
export function applicationsToWithdraw<A extends { id: string; compoundId: string; status: ApplicationStatus }>(
  source: readonly A[],
  target: readonly A[],
): A[] {
  const approved = new Set([...source, ...target].filter((a) => a.status === 'approved').map((a) => a.compoundId));
  const targetPending = new Set(target.filter((a) => a.status === 'pending').map((a) => a.compoundId));
  return [
    ...source.filter((a) => a.status === 'pending' && (approved.has(a.compoundId) || targetPending.has(a.compoundId))),
    ...target.filter((a) => a.status === 'pending' && approved.has(a.compoundId)),
  ];
}
