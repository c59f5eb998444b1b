import { z } from 'zod';
import { IsoDateSchema, UserIdSchema, growth } from '@linli/contracts';
import { defineRoute, type GatewayRoute } from '../route.js';

const points = ['Points'];
const tiers = ['Tiers and honours'];
const journeys = ['Journeys'];
const referrals = ['Referrals'];
const governance = ['Co-creation'];
const ops = ['Ops'];

const resident = { roles: ['resident'] } as const;
const opsOnly = { roles: ['ops'] } as const;

const Limit = z.coerce.number().int().min(1).max(200).optional();
const StatementQuery = z.object({ limit: Limit }).strict();
const UserParams = z.object({ userId: UserIdSchema }).strict();
const ReservationParams = z.object({ reservationId: z.string().uuid() }).strict();
const JourneyParams = z.object({ journeyId: z.string().trim().regex(/^[a-z0-9-]{2,40}$/) }).strict();
const FunnelQuery = z.object({ from: IsoDateSchema.optional(), to: IsoDateSchema.optional() }).strict();
const ProposalParams = z.object({ proposalId: z.string().uuid() }).strict();
const ReserveBody = growth.reservePoints.request.omit({ actor: true, userId: true }).strict();
const RedeemBody = growth.redeemReward.request.omit({ actor: true }).strict();
const AdjustBody = growth.adjustPoints.request.omit({ actor: true, userId: true }).strict();
const GrantBody = growth.grantTier.request.omit({ actor: true, userId: true }).strict();
const ReviewBody = growth.runTierReview.request.omit({ actor: true }).strict();
const ShareBody = growth.recordShare.request.omit({ actor: true }).strict();
const ClaimBody = growth.claimInvite.request.omit({ actor: true }).strict();
const BackBody = growth.backProposal.request.omit({ actor: true, proposalId: true }).strict();

/** Response shapes several routes share, documented once under these names in the OpenAPI components. */
export const growthSchemaNames = new Map<z.ZodType, string>([
  [growth.StatementSchema, 'PointsStatement'],
  [growth.ReservationSchema, 'PointsReservation'],
  [growth.TierViewSchema, 'TierView'],
  [growth.InviteSchema, 'Invite'],
  [growth.BackingSchema, 'ProposalBacking'],
]);

/** Every route of the growth system (communities service): points, tiers, honours, journeys, referrals, backing. */
export const growthRoutes: GatewayRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/me/points',
    summary: 'My points: balance, points held for pending spends, and the newest statement entries',
    tags: points,
    auth: resident,
    query: StatementQuery,
    response: growth.getStatement.response,
    rpc: growth.getStatement,
    toRpc: ({ query, actor }) => ({ actor, limit: query.limit ?? 50 }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/points/reservations',
    summary: 'Hold points for a spend (an order discount, a booking)',
    description:
      'The same idempotency key returns the same reservation. More points than available → 409 `GROWTH.INSUFFICIENT_POINTS`, nothing written. An order\'s reservation is committed when the order is paid and released when it is cancelled or expires.',
    tags: points,
    auth: resident,
    body: ReserveBody,
    response: growth.reservePoints.response,
    status: 201,
    rpc: growth.reservePoints,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/points/reservations/:reservationId/commit',
    summary: 'Spend held points',
    tags: points,
    auth: resident,
    params: ReservationParams,
    response: growth.commitPoints.response,
    rpc: growth.commitPoints,
    toRpc: ({ params, actor }) => ({ actor, reservationId: params.reservationId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/points/reservations/:reservationId/release',
    summary: 'Give held points back',
    tags: points,
    auth: resident,
    params: ReservationParams,
    response: growth.releasePoints.response,
    rpc: growth.releasePoints,
    toRpc: ({ params, actor }) => ({ actor, reservationId: params.reservationId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/rewards',
    summary: 'Rewards points can be redeemed for',
    tags: points,
    auth: { roles: 'any-signed-in' },
    response: growth.listRewards.response,
    rpc: growth.listRewards,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/points/redemptions',
    summary: 'Redeem points for a reward',
    description: 'The same idempotency key returns the same redemption; a reward past its per-member limit → 409 `GROWTH.REWARD_ALREADY_REDEEMED`.',
    tags: points,
    auth: resident,
    body: RedeemBody,
    response: growth.redeemReward.response,
    status: 201,
    rpc: growth.redeemReward,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/members/:userId/points',
    summary: "A member's points statement (ops)",
    tags: ops,
    auth: opsOnly,
    params: UserParams,
    query: StatementQuery,
    response: growth.getStatement.response,
    rpc: growth.getStatement,
    toRpc: ({ params, query, actor }) => ({ actor, userId: params.userId, limit: query.limit ?? 50 }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/members/:userId/points/adjustments',
    summary: "Correct a member's points by hand (ops), with the reason",
    tags: ops,
    auth: opsOnly,
    params: UserParams,
    body: AdjustBody,
    response: growth.adjustPoints.response,
    status: 201,
    rpc: growth.adjustPoints,
    toRpc: ({ params, body, actor }) => ({ actor, userId: params.userId, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/tier',
    summary: 'My tier (尝鲜者 newcomer → 常客 regular → 共建者 co-builder), its perks and my progress to the next',
    tags: tiers,
    auth: resident,
    response: growth.getTier.response,
    rpc: growth.getTier,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/ops/members/:userId/tier',
    summary: 'Grant a member a tier by hand (ops); it holds until a monthly review finds less activity',
    tags: ops,
    auth: opsOnly,
    params: UserParams,
    body: GrantBody,
    response: growth.grantTier.response,
    rpc: growth.grantTier,
    toRpc: ({ params, body, actor }) => ({ actor, userId: params.userId, ...body }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/tier-reviews',
    summary: "Run a month's tier review (ops; also run on schedule): downgrades with notice, once per month",
    tags: ops,
    auth: opsOnly,
    body: ReviewBody,
    response: growth.runTierReview.response,
    rpc: growth.runTierReview,
    toRpc: ({ body, actor }) => ({ actor, month: body.month }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/badges',
    summary: 'My honours (badges)',
    tags: tiers,
    auth: resident,
    response: growth.listBadges.response,
    rpc: growth.listBadges,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/members/:userId/badges',
    summary: "A member's honours, as shown on their profile",
    tags: tiers,
    auth: { roles: 'any-signed-in' },
    params: UserParams,
    response: growth.listBadges.response,
    rpc: growth.listBadges,
    toRpc: ({ params, actor }) => ({ actor, userId: params.userId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/journey',
    summary: 'My 7-day experience plan and 90-day growth path: steps done and to come',
    tags: journeys,
    auth: resident,
    response: growth.myJourney.response,
    rpc: growth.myJourney,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/journeys/:journeyId/funnel',
    summary: "A journey's per-step conversion (ops), over members who started it in the range",
    tags: ops,
    auth: opsOnly,
    params: JourneyParams,
    query: FunnelQuery,
    response: growth.journeyFunnel.response,
    rpc: growth.journeyFunnel,
    toRpc: ({ params, query, actor }) => ({ actor, journeyId: params.journeyId, ...query }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/invite',
    summary: 'My invite code and link, and how my invitations did',
    description: 'A new member signs up with the code (`inviteCode` on the sign-in); the inviter is rewarded after the invitee\'s first completed order.',
    tags: referrals,
    auth: resident,
    response: growth.getInvite.response,
    rpc: growth.getInvite,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/invite/shares',
    summary: 'Record that I shared my invitation (what the K-factor counts as an invitation sent)',
    tags: referrals,
    auth: resident,
    body: ShareBody,
    response: growth.recordShare.response,
    status: 201,
    rpc: growth.recordShare,
    toRpc: ({ body, actor }) => ({ actor, channel: body.channel }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/invite/claim',
    summary: 'Name the neighbour who invited me (after signing up without their code)',
    description: 'Within days of signing up and before a first completed order; self-referral, loops, unknown codes and a second inviter are refused with 404/409 codes.',
    tags: referrals,
    auth: resident,
    body: ClaimBody,
    response: growth.claimInvite.response,
    rpc: growth.claimInvite,
    toRpc: ({ body, actor }) => ({ actor, code: body.code }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/proposals/:proposalId/backings',
    summary: 'Back a co-creation proposal with points (常客 and above)',
    tags: governance,
    auth: resident,
    params: ProposalParams,
    body: BackBody,
    response: growth.backProposal.response,
    status: 201,
    rpc: growth.backProposal,
    toRpc: ({ params, body, actor }) => ({ actor, proposalId: params.proposalId, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/proposals/:proposalId/backing',
    summary: "A proposal's backers and tier-weighted vote tally (the audit of its support)",
    tags: governance,
    auth: { roles: 'any-signed-in' },
    params: ProposalParams,
    response: growth.proposalBacking.response,
    rpc: growth.proposalBacking,
    toRpc: ({ params, actor }) => ({ actor, proposalId: params.proposalId }),
  }),
];
