import { LinliError, type ErrorCode } from '@linli/contracts';

/** The codes leader-ops answers with besides the common ones (each maps to an HTTP status in the gateway). */
export const LeaderOpsErrorCode = {
  CompoundNotFound: 'LEADER_OPS.COMPOUND_NOT_FOUND',
  CompoundInUse: 'LEADER_OPS.COMPOUND_IN_USE',
  ApplicationNotFound: 'LEADER_OPS.APPLICATION_NOT_FOUND',
  ApplicationPending: 'LEADER_OPS.APPLICATION_PENDING',
  ApplicationDecided: 'LEADER_OPS.APPLICATION_DECIDED',
  AlreadyLeader: 'LEADER_OPS.ALREADY_LEADER',
  NotApprovedLeader: 'LEADER_OPS.NOT_APPROVED_LEADER',
  PickupPointNotFound: 'LEADER_OPS.PICKUP_POINT_NOT_FOUND',
  NotPointOwner: 'LEADER_OPS.NOT_POINT_OWNER',
  PointNotServingCompound: 'LEADER_OPS.POINT_NOT_SERVING_COMPOUND',
  PointSuspended: 'LEADER_OPS.POINT_SUSPENDED',
} as const satisfies Record<string, ErrorCode>;

/** Leader-ops' error constructors; each carries a code from the contracts. */
export const LeaderOpsErrors = {
  opsOnly: () => new LinliError('AUTH.FORBIDDEN', 'only ops may do this'),
  notSelf: () => new LinliError('AUTH.FORBIDDEN', 'you may only act on yourself'),
  leaderRequired: () =>
    new LinliError('COMMON.VALIDATION_FAILED', 'ops must name the leader who runs the pickup point', {
      fields: [{ path: 'leaderUserId', message: 'required when ops opens a pickup point' }],
    }),
  compoundNotFound: (compoundIds: string[]) =>
    new LinliError(LeaderOpsErrorCode.CompoundNotFound, `no such compound: ${compoundIds.join(', ')}`, { compoundIds }),
  compoundInUse: (compoundIds: string[]) =>
    new LinliError(
      LeaderOpsErrorCode.CompoundInUse,
      `residents of ${compoundIds.join(', ')} are bound to this pickup point; it must keep serving them until they rebind`,
      { compoundIds },
    ),
  applicationNotFound: (applicationId: string) =>
    new LinliError(LeaderOpsErrorCode.ApplicationNotFound, 'no such leader application', { applicationId }),
  applicationPending: (compoundId: string) =>
    new LinliError(LeaderOpsErrorCode.ApplicationPending, 'you already have a pending application for this compound', { compoundId }),
  applicationDecided: (applicationId: string, status: string) =>
    new LinliError(LeaderOpsErrorCode.ApplicationDecided, `the application was already ${status}`, { applicationId, status }),
  alreadyLeader: (compoundId: string) =>
    new LinliError(LeaderOpsErrorCode.AlreadyLeader, 'you are already an approved leader of this compound', { compoundId }),
  notApprovedLeader: (leaderUserId: string, compoundIds: string[]) =>
    new LinliError(
      LeaderOpsErrorCode.NotApprovedLeader,
      `the leader is not approved for compound ${compoundIds.join(', ')}; apply and be approved first`,
      { leaderUserId, compoundIds },
    ),
  pickupPointNotFound: (pickupPointId: string) =>
    new LinliError(LeaderOpsErrorCode.PickupPointNotFound, 'no such pickup point', { pickupPointId }),
  notPointOwner: (pickupPointId: string) =>
    new LinliError(LeaderOpsErrorCode.NotPointOwner, 'only the leader who runs this pickup point (or ops) may change it', { pickupPointId }),
  pointNotServingCompound: (pickupPointId: string, compoundId: string) =>
    new LinliError(LeaderOpsErrorCode.PointNotServingCompound, 'this pickup point does not serve your compound', { pickupPointId, compoundId }),
  pointSuspended: (pickupPointId: string) =>
    new LinliError(LeaderOpsErrorCode.PointSuspended, 'this pickup point is suspended; choose another one', { pickupPointId }),
};
