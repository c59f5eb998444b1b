import * as z from './zod.js';
import { defineEvent, defineRpc } from './define.js';
import { ActorSchema, IsoDateSchema, IsoDateTimeSchema, UserIdSchema } from './common.js';
import { InviteCodeSchema } from './identity.js';

// The growth system of the communities service (docs/adr/0014): the points ledger, tiers, honours,
// journeys and referrals. Its events are in the `communities` domain; other services learn balances,
// tiers and perks from them (or through these RPC subjects), never from its tables.

const Id = z.string().uuid();
const CompoundIdSchema = z.string().min(1).max(64);
const IdempotencyKeySchema = z.string().trim().regex(/^[A-Za-z0-9._:-]{8,100}$/, 'must be 8–100 letters, digits or ._:-');
/** Points are whole numbers; one movement moves at most a million. */
const PointsSchema = z.number().int().min(1).max(1_000_000);

// ---------------------------------------------------------------- tiers

/** 尝鲜者 newcomer → 常客 regular → 共建者 co-builder. */
export const TIERS = ['newcomer', 'regular', 'co-builder'] as const;
export const TierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof TierSchema>;

/** What a tier gives; other services read these from `communities.tier.changed.v1`. */
export const TierPerksSchema = z.object({
  /** Multiplies points earned from purchases. */
  pointsMultiplier: z.number().min(1).max(10),
  /** Weight of the member's vote on a co-creation proposal. */
  voteWeight: z.number().int().min(1).max(100),
  /** Hours before the public start a campaign is open to the member (0: none). */
  earlyAccessHours: z.number().int().min(0).max(168),
  /** May back proposals with points. */
  canBackProposals: z.boolean(),
});
export type TierPerks = z.infer<typeof TierPerksSchema>;

export const TierViewSchema = z.object({
  userId: UserIdSchema,
  tier: TierSchema,
  tierName: z.string(),
  since: IsoDateTimeSchema,
  perks: TierPerksSchema,
  progress: z.object({
    /** Activity score over the rolling window. */
    score: z.number().int(),
    windowDays: z.number().int(),
    /** The next tier and what is still missing for it (null at the top). */
    next: z
      .object({
        tier: TierSchema,
        tierName: z.string(),
        minScore: z.number().int(),
        missing: z.array(z.object({ requirement: z.string(), have: z.number().int(), need: z.number().int() })),
      })
      .nullable(),
    /** Activity counts over the window, by kind. */
    activity: z.record(z.string(), z.number().int()),
  }),
  rulesVersion: z.string(),
});
export type TierView = z.infer<typeof TierViewSchema>;

// ---------------------------------------------------------------- points

/**
 * `clawback`: earned points taken back when their order is refunded (what the balance no longer holds
 * is written off, never overdrawn); `merge`: points moved between two accounts of one person.
 */
export const ENTRY_KINDS = ['earn', 'reserve', 'commit', 'release', 'refund', 'redeem', 'back-proposal', 'expire', 'adjust', 'clawback', 'merge'] as const;
export const EntryKindSchema = z.enum(ENTRY_KINDS);

/** One journal entry as the member sees it: the change to their available and held points. */
export const StatementEntrySchema = z.object({
  entryId: Id,
  kind: EntryKindSchema,
  /** Change of the available balance (negative for spends, reservations, expiry). */
  delta: z.number().int(),
  /** Change of the points held for pending spends. */
  heldDelta: z.number().int(),
  description: z.string(),
  /** For earned points: when they expire (null: never). */
  expiresAt: IsoDateTimeSchema.nullable(),
  rulesVersion: z.string().nullable(),
  at: IsoDateTimeSchema,
});
export type StatementEntry = z.infer<typeof StatementEntrySchema>;

export const StatementSchema = z.object({
  userId: UserIdSchema,
  /** Available points. */
  balance: z.number().int().nonnegative(),
  /** Points reserved for spends not yet committed. */
  held: z.number().int().nonnegative(),
  entries: z.array(StatementEntrySchema),
});
export type Statement = z.infer<typeof StatementSchema>;

export const ReferenceSchema = z.object({ kind: z.enum(['order', 'booking', 'proposal']), id: z.string().min(1).max(64) }).strict();

export const ReservationSchema = z.object({
  reservationId: Id,
  userId: UserIdSchema,
  points: z.number().int(),
  reference: z.object({ kind: z.string(), id: z.string() }),
  status: z.enum(['held', 'committed', 'released']),
  balance: z.number().int().nonnegative(),
  createdAt: IsoDateTimeSchema,
  settledAt: IsoDateTimeSchema.nullable(),
});
export type Reservation = z.infer<typeof ReservationSchema>;

export const RewardSchema = z.object({
  rewardId: z.string(),
  title: z.string(),
  cost: z.number().int(),
  /** How often one member may redeem it (null: no limit). */
  perMemberLimit: z.number().int().nullable(),
});

export const RedemptionSchema = z.object({
  redemptionId: Id,
  rewardId: z.string(),
  cost: z.number().int(),
  balance: z.number().int().nonnegative(),
  redeemedAt: IsoDateTimeSchema,
});

// ---------------------------------------------------------------- honours, journeys, referrals

export const BadgeSchema = z.object({ badgeId: z.string(), title: z.string(), description: z.string(), awardedAt: IsoDateTimeSchema });

export const JourneyProgressSchema = z.object({
  journeyId: z.string(),
  title: z.string(),
  startedAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
  /** Day of the journey today (1 on the first day). */
  day: z.number().int(),
  completed: z.boolean(),
  steps: z.array(
    z.object({
      stepId: z.string(),
      title: z.string(),
      stage: z.string().nullable(),
      /** The plan's day for the step. */
      dueDay: z.number().int(),
      completedAt: IsoDateTimeSchema.nullable(),
    }),
  ),
});

export const FunnelSchema = z.object({
  journeyId: z.string(),
  title: z.string(),
  from: IsoDateSchema.nullable(),
  to: IsoDateSchema.nullable(),
  enrolled: z.number().int(),
  steps: z.array(
    z.object({
      stepId: z.string(),
      title: z.string(),
      completed: z.number().int(),
      /** completed / enrolled (null with no one enrolled). */
      conversion: z.number().nullable(),
      /** completed / completed of the previous step (the first step: / enrolled). */
      fromPrevious: z.number().nullable(),
      /** Median days from the start of the journey to the step. */
      medianDays: z.number().nullable(),
    }),
  ),
});

export const InviteSchema = z.object({
  code: InviteCodeSchema,
  link: z.string(),
  invitesSent: z.number().int(),
  signedUp: z.number().int(),
  converted: z.number().int(),
  /** The member who invited the caller, if any. */
  invitedBy: UserIdSchema.nullable(),
});

export const ShareChannelSchema = z.enum(['wechat', 'moments', 'sms', 'poster', 'link', 'unrecorded']);

export const BackingSchema = z.object({
  proposalId: Id,
  totalPoints: z.number().int(),
  backers: z.array(z.object({ userId: UserIdSchema, points: z.number().int(), tier: TierSchema, backedAt: IsoDateTimeSchema })),
  votes: z.object({
    count: z.number().int(),
    /** Sum of the tier vote weights of the voters at the time of their vote. */
    weighted: z.number().int(),
    byTier: z.record(z.string(), z.number().int()),
  }),
});

// ---------------------------------------------------------------- RPC

const Paging = { limit: z.number().int().min(1).max(200).default(50) };

/** A member's statement: balance, held points and the newest entries. Residents read their own, ops anyone's. */
export const getStatement = defineRpc(
  'rpc.communities.points.statement.v1',
  z.object({ actor: ActorSchema, userId: UserIdSchema.optional(), ...Paging }).strict(),
  StatementSchema,
);

/**
 * Holds points for a spend (an order's discount, a booking). The same idempotency key returns the
 * same reservation. More than the available balance → `GROWTH.INSUFFICIENT_POINTS`, nothing written.
 * Reservations of an order are released when the order is cancelled or expires and committed when
 * it is paid (from orders' events), or explicitly through commit/release.
 */
export const reservePoints = defineRpc(
  'rpc.communities.points.reserve.v1',
  z.object({ actor: ActorSchema, userId: UserIdSchema.optional(), points: PointsSchema, reference: ReferenceSchema, idempotencyKey: IdempotencyKeySchema }).strict(),
  ReservationSchema,
);

export const commitPoints = defineRpc('rpc.communities.points.commit.v1', z.object({ actor: ActorSchema, reservationId: Id }).strict(), ReservationSchema);

export const releasePoints = defineRpc('rpc.communities.points.release.v1', z.object({ actor: ActorSchema, reservationId: Id }).strict(), ReservationSchema);

export const listRewards = defineRpc('rpc.communities.points.rewards.v1', z.object({ actor: ActorSchema }).strict(), z.object({ rewards: z.array(RewardSchema) }));

/** Spends points on a reward at once. Same key → same redemption; past the reward's per-member limit → `GROWTH.REWARD_ALREADY_REDEEMED`. */
export const redeemReward = defineRpc(
  'rpc.communities.points.redeem.v1',
  z.object({ actor: ActorSchema, rewardId: z.string().trim().min(1).max(60), idempotencyKey: IdempotencyKeySchema }).strict(),
  RedemptionSchema,
);

/** Ops: a manual correction (goodwill, error), positive or negative, recorded with its reason. */
export const adjustPoints = defineRpc(
  'rpc.communities.points.adjust.v1',
  z
    .object({
      actor: ActorSchema,
      userId: UserIdSchema,
      delta: z.number().int().min(-1_000_000).max(1_000_000).refine((d) => d !== 0, 'must not be 0'),
      reason: z.string().trim().min(3).max(200),
      idempotencyKey: IdempotencyKeySchema,
    })
    .strict(),
  z.object({ entryId: Id, balance: z.number().int().nonnegative() }),
);

export const getTier = defineRpc('rpc.communities.tier.get.v1', z.object({ actor: ActorSchema, userId: UserIdSchema.optional() }).strict(), TierViewSchema);

/** Ops: grant a tier by hand (founders of a community, say); kept until a monthly review finds less activity than it needs. */
export const grantTier = defineRpc(
  'rpc.communities.tier.grant.v1',
  z.object({ actor: ActorSchema, userId: UserIdSchema, tier: TierSchema, reason: z.string().trim().min(3).max(200) }).strict(),
  TierViewSchema,
);

/** Ops (or the monthly schedule): the review that downgrades members whose activity fell below their tier. Once per month. */
export const runTierReview = defineRpc(
  'rpc.communities.tier.review.v1',
  z.object({ actor: ActorSchema, month: z.string().regex(/^\d{4}-\d{2}$/, 'must be YYYY-MM') }).strict(),
  z.object({ month: z.string(), reviewed: z.number().int(), downgraded: z.number().int(), alreadyRun: z.boolean() }),
);

export const listBadges = defineRpc(
  'rpc.communities.badge.list.v1',
  z.object({ actor: ActorSchema, userId: UserIdSchema.optional() }).strict(),
  z.object({ userId: UserIdSchema, badges: z.array(BadgeSchema) }),
);

export const myJourney = defineRpc('rpc.communities.journey.mine.v1', z.object({ actor: ActorSchema }).strict(), z.object({ journeys: z.array(JourneyProgressSchema) }));

/** Ops: per-step conversion of a journey, over members who started it between `from` and `to` (inclusive, UTC days). */
export const journeyFunnel = defineRpc(
  'rpc.communities.journey.funnel.v1',
  z.object({ actor: ActorSchema, journeyId: z.string().trim().min(1).max(40), from: IsoDateSchema.optional(), to: IsoDateSchema.optional() }).strict(),
  FunnelSchema,
);

export const getInvite = defineRpc('rpc.communities.referral.invite.v1', z.object({ actor: ActorSchema }).strict(), InviteSchema);

/** The member shared their invite code or link (what K-factor counts as an invitation sent). */
export const recordShare = defineRpc(
  'rpc.communities.referral.share.v1',
  z.object({ actor: ActorSchema, channel: ShareChannelSchema.exclude(['unrecorded']) }).strict(),
  InviteSchema,
);

/**
 * A member who signed up without a code names their inviter afterwards (within the claim window and
 * before their first completed order). Self-referral, loops, unknown codes and a second attribution are refused.
 */
export const claimInvite = defineRpc(
  'rpc.communities.referral.claim.v1',
  z.object({ actor: ActorSchema, code: InviteCodeSchema }).strict(),
  z.object({ inviterUserId: UserIdSchema, attributedAt: IsoDateTimeSchema }),
);

/** Back a co-creation proposal with points (members whose tier allows it). */
export const backProposal = defineRpc(
  'rpc.communities.proposal.back.v1',
  z.object({ actor: ActorSchema, proposalId: Id, points: PointsSchema, idempotencyKey: IdempotencyKeySchema }).strict(),
  BackingSchema,
);

/** The audit of a proposal's support: every backer and the tier-weighted vote tally. */
export const proposalBacking = defineRpc('rpc.communities.proposal.backing.v1', z.object({ actor: ActorSchema, proposalId: Id }).strict(), BackingSchema);

// ---------------------------------------------------------------- events

/** A member's points changed (one event per journal entry touching them). */
export const pointsChanged = defineEvent(
  'communities.points.changed.v1',
  z.object({
    userId: UserIdSchema,
    entryId: Id,
    kind: EntryKindSchema,
    delta: z.number().int(),
    heldDelta: z.number().int(),
    balance: z.number().int().nonnegative(),
    held: z.number().int().nonnegative(),
    reference: z.string().nullable(),
    at: IsoDateTimeSchema,
  }),
);

/** Up at once when activity earns it; down only at the monthly review (`reason: monthly-review`). */
export const tierChanged = defineEvent(
  'communities.tier.changed.v1',
  z.object({
    userId: UserIdSchema,
    from: TierSchema.nullable(),
    to: TierSchema,
    direction: z.enum(['up', 'down']),
    reason: z.enum(['activity', 'monthly-review', 'granted']),
    perks: TierPerksSchema,
    rulesVersion: z.string(),
    changedAt: IsoDateTimeSchema,
  }),
);

export const badgeAwarded = defineEvent(
  'communities.badge.awarded.v1',
  z.object({ userId: UserIdSchema, badgeId: z.string(), title: z.string(), awardedAt: IsoDateTimeSchema }),
);

export const journeyStepCompleted = defineEvent(
  'communities.journey.step-completed.v1',
  z.object({ userId: UserIdSchema, journeyId: z.string(), stepId: z.string(), day: z.number().int(), completedAt: IsoDateTimeSchema }),
);

/** A reminder for a journey step not yet done; the in-app inbox (leader ops) delivers it. */
export const journeyNudge = defineEvent(
  'communities.journey.nudge.v1',
  z.object({ userId: UserIdSchema, text: z.string().min(1).max(500), journeyId: z.string(), stepId: z.string(), nudgedAt: IsoDateTimeSchema }),
);

const ReferralPlaceSchema = { compoundId: CompoundIdSchema.nullable(), pickupPointId: Id.nullable() };

/** An invitation sent (a share recorded, or a sign-up with a code no recorded share explains). Place: the inviter's compound. */
export const inviteSent = defineEvent(
  'communities.referral.invite-sent.v1',
  z.object({ inviterUserId: UserIdSchema, channel: ShareChannelSchema, ...ReferralPlaceSchema, sentAt: IsoDateTimeSchema }),
);

export const referralAttributed = defineEvent(
  'communities.referral.attributed.v1',
  z.object({ inviterUserId: UserIdSchema, inviteeUserId: UserIdSchema, code: InviteCodeSchema, ...ReferralPlaceSchema, attributedAt: IsoDateTimeSchema }),
);

/** The invitee's first completed order: the inviter is rewarded now. */
export const referralConverted = defineEvent(
  'communities.referral.converted.v1',
  z.object({ inviterUserId: UserIdSchema, inviteeUserId: UserIdSchema, orderId: Id, pointsAwarded: z.number().int().nonnegative(), ...ReferralPlaceSchema, convertedAt: IsoDateTimeSchema }),
);

export const proposalBacked = defineEvent(
  'communities.proposal.backed.v1',
  z.object({ proposalId: Id, userId: UserIdSchema, points: z.number().int().positive(), totalPoints: z.number().int(), backedAt: IsoDateTimeSchema }),
);
