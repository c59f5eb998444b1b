import { LinliError, type Actor } from '@linli/contracts';

/** The growth system's error constructors; each carries a code from the contracts (`GROWTH.*`). */
export const GrowthErrors = {
  forbidden: (message = 'you may only act on your own points, tier and invitations') => new LinliError('AUTH.FORBIDDEN', message),
  opsOnly: () => new LinliError('AUTH.FORBIDDEN', 'only ops may do this'),
  insufficient: (needed: number, available: number) =>
    new LinliError('GROWTH.INSUFFICIENT_POINTS', `not enough points: ${needed} needed, ${available} available`, { needed, available }),
  reservationNotFound: (reservationId: string) => new LinliError('GROWTH.RESERVATION_NOT_FOUND', 'no such points reservation', { reservationId }),
  reservationSettled: (reservationId: string, status: string) =>
    new LinliError('GROWTH.RESERVATION_SETTLED', `the reservation was already ${status}`, { reservationId, status }),
  rewardNotFound: (rewardId: string) => new LinliError('GROWTH.REWARD_NOT_FOUND', 'no such reward', { rewardId }),
  rewardAlreadyRedeemed: (rewardId: string, limit: number) =>
    new LinliError('GROWTH.REWARD_ALREADY_REDEEMED', `this reward may be redeemed ${limit} time(s) per member`, { rewardId, limit }),
  keyReused: (idempotencyKey: string) =>
    new LinliError('GROWTH.IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for a different request', { idempotencyKey }),
  codeUnknown: (code: string) => new LinliError('GROWTH.INVITE_CODE_UNKNOWN', 'no member has this invite code', { code }),
  selfReferral: () => new LinliError('GROWTH.SELF_REFERRAL', 'you cannot invite yourself'),
  referralLoop: (inviterUserId: string) => new LinliError('GROWTH.REFERRAL_LOOP', 'this member was invited by you (directly or through others)', { inviterUserId }),
  alreadyAttributed: (inviterUserId: string) => new LinliError('GROWTH.ALREADY_ATTRIBUTED', 'you were already invited by someone', { inviterUserId }),
  attributionClosed: (reason: string) => new LinliError('GROWTH.ATTRIBUTION_CLOSED', `an inviter can no longer be named: ${reason}`),
  tierTooLow: (needed: string, have: string) => new LinliError('GROWTH.TIER_TOO_LOW', `this needs the ${needed} tier (you are ${have})`, { needed, have }),
  journeyNotFound: (journeyId: string) => new LinliError('GROWTH.JOURNEY_NOT_FOUND', 'no such journey', { journeyId }),
  proposalNotFound: (proposalId: string) => new LinliError('GROWTH.PROPOSAL_NOT_FOUND', 'no such proposal (or not known to growth yet)', { proposalId }),
};

export const isOps = (actor: Actor) => actor.roles.includes('ops');

/** The member an actor may act on: themselves, or anyone for ops. */
export function memberOf(actor: Actor, userId?: string): string {
  const target = userId ?? actor.userId;
  if (target !== actor.userId && !isOps(actor)) throw GrowthErrors.forbidden();
  return target;
}

export function assertOps(actor: Actor): void {
  if (!isOps(actor)) throw GrowthErrors.opsOnly();
}
