import * as z from './zod.js';
import { defineEvent, defineRpc } from './define.js';
import { ActorSchema, IsoDateTimeSchema, UserIdSchema } from './common.js';

// The communities service's events: everything the asset engine, the growth system and leader ops
// learn about communities, events, co-creation and surveys. RPC subjects join this file as the
// service grows.

const CommunityIdSchema = z.string().uuid();
const CompoundIdSchema = z.string().min(1).max(64);

/** Where a community lives: one pickup point (a leader's group), one compound, or the whole city. */
export const CommunityScopeSchema = z.enum(['pickup-point', 'compound', 'city']);
export const CommunityRoleSchema = z.enum(['owner', 'moderator', 'member']);

const CommunityRefSchema = z.object({
  communityId: CommunityIdSchema,
  scope: CommunityScopeSchema,
  compoundId: CompoundIdSchema.nullable(),
  pickupPointId: z.string().uuid().nullable(),
});

export const memberJoined = defineEvent(
  'communities.member.joined.v1',
  CommunityRefSchema.extend({ userId: UserIdSchema, role: CommunityRoleSchema, joinedAt: IsoDateTimeSchema }),
);

export const memberLeft = defineEvent(
  'communities.member.left.v1',
  z.object({ communityId: CommunityIdSchema, userId: UserIdSchema, leftAt: IsoDateTimeSchema }),
);

export const postCreated = defineEvent(
  'communities.post.created.v1',
  z.object({
    postId: z.string().uuid(),
    communityId: CommunityIdSchema,
    authorUserId: UserIdSchema,
    linkedSkuId: z.string().uuid().nullable(),
    linkedCampaignId: z.string().uuid().nullable(),
    createdAt: IsoDateTimeSchema,
  }),
);

const EventRefSchema = z.object({
  eventId: z.string().uuid(),
  communityId: CommunityIdSchema.nullable(),
  compoundId: CompoundIdSchema.nullable(),
  pickupPointId: z.string().uuid().nullable(),
  organiserUserId: UserIdSchema,
});

export const rsvpConfirmed = defineEvent(
  'communities.rsvp.confirmed.v1',
  EventRefSchema.extend({ userId: UserIdSchema, promotedFromWaitlist: z.boolean(), confirmedAt: IsoDateTimeSchema }),
);

export const checkedIn = defineEvent('communities.event.checked-in.v1', EventRefSchema.extend({ userId: UserIdSchema, checkedInAt: IsoDateTimeSchema }));

export const proposalCreated = defineEvent(
  'communities.proposal.created.v1',
  z.object({ proposalId: z.string().uuid(), communityId: CommunityIdSchema.nullable(), proposerUserId: UserIdSchema, title: z.string().min(1).max(200), createdAt: IsoDateTimeSchema }),
);

export const proposalVoted = defineEvent(
  'communities.proposal.voted.v1',
  z.object({ proposalId: z.string().uuid(), userId: UserIdSchema, weight: z.number().int().min(1).max(100), votedAt: IsoDateTimeSchema }),
);

export const proposalLaunched = defineEvent(
  'communities.proposal.launched.v1',
  z.object({
    proposalId: z.string().uuid(),
    communityId: CommunityIdSchema.nullable(),
    proposerUserId: UserIdSchema,
    skuIds: z.array(z.string().uuid()).min(1).max(50),
    campaignId: z.string().uuid().nullable(),
    launchedAt: IsoDateTimeSchema,
  }),
);

/** One answer to a survey; `score` is the 0–10 NPS answer when the survey is the NPS question. */
export const surveyAnswered = defineEvent(
  'communities.survey.answered.v1',
  z.object({
    surveyId: z.string().uuid(),
    responseId: z.string().uuid(),
    userId: UserIdSchema,
    kind: z.enum(['nps', 'generic']),
    score: z.number().int().min(0).max(10).nullable(),
    trigger: z.enum(['pickup', 'event', 'ops']),
    compoundId: CompoundIdSchema.nullable(),
    pickupPointId: z.string().uuid().nullable(),
    leaderUserId: UserIdSchema.nullable(),
    answeredAt: IsoDateTimeSchema,
  }),
);

// ---------------------------------------------------------------- shared shapes of the RPCs

const Id = z.string().uuid();
const Text = (max: number) => z.string().trim().min(1).max(max);
/** Tags a community is about and residents are matched on: lower-case slugs (`light-food`, `parent-child`, `fresh-vegetables`). */
export const CommunityTagSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be a lower-case slug');
const PageLimitSchema = z.number().int().min(1).max(200).default(50);

export const CommunitySchema = z.object({
  communityId: CommunityIdSchema,
  name: z.string(),
  description: z.string(),
  scope: CommunityScopeSchema,
  compoundId: CompoundIdSchema.nullable(),
  pickupPointId: Id.nullable(),
  tags: z.array(z.string()),
  memberCount: z.number().int(),
  createdBy: UserIdSchema,
  createdAt: IsoDateTimeSchema,
  /** The caller's role in it (null when not a member). */
  myRole: CommunityRoleSchema.nullable(),
});
export type Community = z.infer<typeof CommunitySchema>;

/** What members see of each other: display names only, never phone numbers. */
export const MemberSchema = z.object({ userId: UserIdSchema, displayName: z.string(), role: CommunityRoleSchema, joinedAt: IsoDateTimeSchema });

export const POST_STATUSES = ['visible', 'hidden'] as const;
export const REACTION_KINDS = ['like', 'love', 'useful', 'yummy'] as const;
export const ReactionKindSchema = z.enum(REACTION_KINDS);

export const PostSchema = z.object({
  postId: Id,
  communityId: CommunityIdSchema,
  authorUserId: UserIdSchema,
  authorName: z.string(),
  body: z.string(),
  /** References to stored images (object keys or URLs); the service keeps references only. */
  imageRefs: z.array(z.string()),
  linkedSkuId: Id.nullable(),
  linkedCampaignId: Id.nullable(),
  status: z.enum(POST_STATUSES),
  reactions: z.record(z.string(), z.number().int()),
  commentCount: z.number().int(),
  openReports: z.number().int(),
  createdAt: IsoDateTimeSchema,
});
export type Post = z.infer<typeof PostSchema>;

export const CommentSchema = z.object({ commentId: Id, postId: Id, authorUserId: UserIdSchema, authorName: z.string(), body: z.string(), createdAt: IsoDateTimeSchema });

export const AuditEntrySchema = z.object({
  auditId: Id,
  communityId: CommunityIdSchema,
  actorUserId: UserIdSchema,
  action: z.enum(['hide-post', 'restore-post', 'ban', 'appoint-moderator']),
  targetKind: z.enum(['post', 'member']),
  targetId: z.string(),
  reason: z.string().nullable(),
  at: IsoDateTimeSchema,
});

export const RSVP_STATUSES = ['confirmed', 'waitlisted', 'cancelled'] as const;
export const RsvpStatusSchema = z.enum(RSVP_STATUSES);

export const RsvpSchema = z.object({
  eventId: Id,
  userId: UserIdSchema,
  status: RsvpStatusSchema,
  /** 1 for the first on the waiting list; null unless waitlisted. */
  waitlistPosition: z.number().int().nullable(),
  createdAt: IsoDateTimeSchema,
  confirmedAt: IsoDateTimeSchema.nullable(),
  checkedInAt: IsoDateTimeSchema.nullable(),
});
export type Rsvp = z.infer<typeof RsvpSchema>;

export const CommunityEventSchema = z.object({
  eventId: Id,
  communityId: CommunityIdSchema.nullable(),
  title: z.string(),
  description: z.string(),
  startsAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
  /** A pickup point, or an address (one of them). */
  pickupPointId: Id.nullable(),
  address: z.string().nullable(),
  compoundId: CompoundIdSchema.nullable(),
  capacity: z.number().int(),
  waitlistCapacity: z.number().int(),
  confirmed: z.number().int(),
  waitlisted: z.number().int(),
  organiserUserId: UserIdSchema,
  /** The code the organiser shows at the door; only the organiser and ops see it. */
  checkInCode: z.string().nullable(),
  createdAt: IsoDateTimeSchema,
});
export type CommunityEvent = z.infer<typeof CommunityEventSchema>;

export const ProposalConversionSchema = z.object({
  /** Proposer, voters and feedback givers. */
  coCreators: z.number().int(),
  coCreatorBuyers: z.number().int(),
  coCreatorRate: z.number().nullable(),
  /** Members of the proposal's community (null without one). */
  members: z.number().int().nullable(),
  memberBuyers: z.number().int().nullable(),
  memberRate: z.number().nullable(),
  /** Everyone who bought a launched SKU within the launch campaign. */
  buyers: z.number().int(),
});

/** Structured feedback of one round: how many answered, mean taste (1–5), the median price they would pay, pack sizes asked for. */
export const FeedbackRoundSchema = z.object({
  round: z.number().int(),
  responses: z.number().int(),
  meanTaste: z.number().nullable(),
  medianPriceCents: z.number().int().nullable(),
  packSizes: z.record(z.string(), z.number().int()),
});

export const ProposalSchema = z.object({
  proposalId: Id,
  communityId: CommunityIdSchema.nullable(),
  proposerUserId: UserIdSchema,
  kind: z.enum(['new-product', 'change']),
  title: z.string(),
  description: z.string(),
  /** The catalogue product a change is about. */
  productId: Id.nullable(),
  status: z.enum(['open', 'launched']),
  votes: z.number().int(),
  /** Summary of the feedback round now open. */
  feedback: FeedbackRoundSchema,
  /** Every round so far, the first first. */
  feedbackRounds: z.array(FeedbackRoundSchema),
  skuIds: z.array(Id),
  campaignId: Id.nullable(),
  launchedAt: IsoDateTimeSchema.nullable(),
  /** Launch conversion (null before the launch). */
  conversion: ProposalConversionSchema.nullable(),
  myVote: z.boolean(),
  createdAt: IsoDateTimeSchema,
});
export type Proposal = z.infer<typeof ProposalSchema>;

export const SURVEY_KINDS = ['nps', 'generic'] as const;
/** The one NPS survey ("How likely are you to recommend Linli to a neighbour?"); its offers come after a pickup or an attended event. */
export const NPS_SURVEY_ID = '00000000-0000-4000-8000-00000000a905';
export const SurveySchema = z.object({
  surveyId: Id,
  kind: z.enum(SURVEY_KINDS),
  title: z.string(),
  question: z.string(),
  /** Generic surveys may ask for a 0–10 score too. */
  scored: z.boolean(),
  compoundId: CompoundIdSchema.nullable(),
  createdAt: IsoDateTimeSchema,
});

/** A survey waiting for the caller's answer: an NPS offer (after a pickup or an attended event) or an open generic survey. */
export const PendingSurveySchema = SurveySchema.extend({ trigger: z.enum(['pickup', 'event', 'ops']), offeredAt: IsoDateTimeSchema });

export const SurveyResponseSchema = z.object({
  responseId: Id,
  surveyId: Id,
  score: z.number().int().nullable(),
  reason: z.string().nullable(),
  trigger: z.enum(['pickup', 'event', 'ops']),
  answeredAt: IsoDateTimeSchema,
});

const Actor = ActorSchema;

// ---------------------------------------------------------------- RPC: communities and members

/**
 * Create a community. A leader creates `pickup-point` communities for a pickup point they run; ops
 * create any scope. The creator becomes its owner.
 */
export const CommunityFieldsSchema = z.object({
  name: Text(60),
  description: z.string().trim().max(1000).default(''),
  scope: CommunityScopeSchema,
  compoundId: CompoundIdSchema.optional(),
  pickupPointId: Id.optional(),
  tags: z.array(CommunityTagSchema).max(10).default([]),
});

/** A compound community names its compound, a pickup-point one its point, a city-wide one neither. */
export function communityScopeRule(req: { scope: string; compoundId?: string; pickupPointId?: string }, ctx: z.RefinementCtx): void {
  if (req.scope === 'compound' && !req.compoundId) ctx.addIssue({ code: 'custom', path: ['compoundId'], message: 'a compound community names its compound' });
  if (req.scope === 'pickup-point' && !req.pickupPointId) ctx.addIssue({ code: 'custom', path: ['pickupPointId'], message: 'a pickup-point community names its pickup point' });
  if (req.scope === 'city' && (req.compoundId || req.pickupPointId)) ctx.addIssue({ code: 'custom', path: ['scope'], message: 'a city-wide community names no compound or pickup point' });
}

export const createCommunity = defineRpc(
  'rpc.communities.community.create.v1',
  CommunityFieldsSchema.extend({ actor: Actor }).strict().superRefine(communityScopeRule),
  CommunitySchema,
);

/** Communities, optionally of one compound or pickup point, largest first. */
export const listCommunities = defineRpc(
  'rpc.communities.community.list.v1',
  z.object({ actor: Actor, compoundId: CompoundIdSchema.optional(), pickupPointId: Id.optional(), limit: PageLimitSchema }).strict(),
  z.object({ communities: z.array(CommunitySchema) }),
);

export const getCommunity = defineRpc('rpc.communities.community.get.v1', z.object({ actor: Actor, communityId: CommunityIdSchema }).strict(), CommunitySchema);

/** Join a community within the caller's reach (city-wide, their compound, their pickup point). */
export const joinCommunity = defineRpc(
  'rpc.communities.member.join.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema }).strict(),
  z.object({ community: CommunitySchema, member: MemberSchema }),
);

/** Leave a community (an owner cannot leave while they own it). */
export const leaveCommunity = defineRpc(
  'rpc.communities.member.leave.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema }).strict(),
  z.object({ communityId: CommunityIdSchema, left: z.boolean() }),
);

/** Members (display names only); for members, moderators and ops. */
export const listMembers = defineRpc(
  'rpc.communities.member.list.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema, limit: PageLimitSchema }).strict(),
  z.object({ members: z.array(MemberSchema) }),
);

/** The owner or ops makes a member a moderator. Audited. */
export const appointModerator = defineRpc(
  'rpc.communities.member.appoint-moderator.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema, userId: UserIdSchema }).strict(),
  MemberSchema,
);

/**
 * The leader of a pickup-point community invites a segment of their customers: everyone bound to
 * the point, or those of `userIds` who are. Invited residents see the community first among their suggestions.
 */
export const inviteMembers = defineRpc(
  'rpc.communities.member.invite.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema, segment: z.enum(['bound-customers', 'listed']), userIds: z.array(UserIdSchema).max(500).optional() }).strict(),
  z.object({ invited: z.number().int() }),
);

/** Communities suggested to the caller from declared tags (household, diet) and, with profiling consent, tags inferred from purchases. */
export const suggestCommunities = defineRpc(
  'rpc.communities.community.suggest.v1',
  z.object({ actor: Actor, limit: z.number().int().min(1).max(50).default(10) }).strict(),
  z.object({
    suggestions: z.array(z.object({ community: CommunitySchema, score: z.number(), reasons: z.array(z.string()) })),
    /** False when inferred tags were not used (no profiling consent). */
    usedInferredTags: z.boolean(),
  }),
);

// ---------------------------------------------------------------- RPC: content and moderation

/** Members post (not while banned; at most a few posts per member per window). */
export const createPost = defineRpc(
  'rpc.communities.post.create.v1',
  z
    .object({
      actor: Actor,
      communityId: CommunityIdSchema,
      body: Text(2000),
      imageRefs: z.array(z.string().trim().min(1).max(500)).max(9).default([]),
      linkedSkuId: Id.optional(),
      linkedCampaignId: Id.optional(),
    })
    .strict(),
  PostSchema,
);

/** Posts, newest first; moderators and ops also see hidden ones. */
export const listPosts = defineRpc(
  'rpc.communities.post.list.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema, limit: PageLimitSchema }).strict(),
  z.object({ posts: z.array(PostSchema) }),
);

export const getPost = defineRpc(
  'rpc.communities.post.get.v1',
  z.object({ actor: Actor, postId: Id }).strict(),
  z.object({ post: PostSchema, comments: z.array(CommentSchema) }),
);

export const addComment = defineRpc('rpc.communities.comment.create.v1', z.object({ actor: Actor, postId: Id, body: Text(1000) }).strict(), CommentSchema);

/** Set the caller's reaction of a kind on a post (again: nothing changes). */
export const react = defineRpc(
  'rpc.communities.reaction.set.v1',
  z.object({ actor: Actor, postId: Id, kind: ReactionKindSchema }).strict(),
  z.object({ postId: Id, reactions: z.record(z.string(), z.number().int()) }),
);

/** Report a post to the community's moderators (once per member and post). */
export const reportPost = defineRpc(
  'rpc.communities.post.report.v1',
  z.object({ actor: Actor, postId: Id, reason: Text(300) }).strict(),
  z.object({ reportId: Id, postId: Id, openReports: z.number().int() }),
);

/** Reported posts with open reports, most reported first (moderators and ops). */
export const moderationQueue = defineRpc(
  'rpc.communities.moderation.queue.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema, limit: PageLimitSchema }).strict(),
  z.object({ items: z.array(z.object({ post: PostSchema, reasons: z.array(z.string()) })) }),
);

/** Hide or restore a post (moderators of its community and ops); closes its open reports. Audited. */
export const moderatePost = defineRpc(
  'rpc.communities.moderation.post.v1',
  z.object({ actor: Actor, postId: Id, action: z.enum(['hide', 'restore']), reason: Text(300).optional() }).strict(),
  PostSchema,
);

/** Ban a member from posting, commenting and RSVPing in the community until a time. Audited. */
export const banMember = defineRpc(
  'rpc.communities.moderation.ban.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema, userId: UserIdSchema, until: IsoDateTimeSchema, reason: Text(300) }).strict(),
  z.object({ communityId: CommunityIdSchema, userId: UserIdSchema, until: IsoDateTimeSchema }),
);

/** What moderators did in a community, newest first (moderators and ops). */
export const moderationAudit = defineRpc(
  'rpc.communities.moderation.audit.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema, limit: PageLimitSchema }).strict(),
  z.object({ entries: z.array(AuditEntrySchema) }),
);

// ---------------------------------------------------------------- RPC: events and RSVPs

/**
 * Create an event: owners and moderators of the community, the leader of the pickup point, or ops.
 * The place is a pickup point or an address.
 */
export const EventFieldsSchema = z.object({
  communityId: CommunityIdSchema.optional(),
  title: Text(100),
  description: z.string().trim().max(2000).default(''),
  startsAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
  pickupPointId: Id.optional(),
  address: Text(300).optional(),
  compoundId: CompoundIdSchema.optional(),
  capacity: z.number().int().min(1).max(10_000),
  waitlistCapacity: z.number().int().min(0).max(10_000).default(100),
});

/** An event takes place at a pickup point or an address (one of them) and ends after it starts. */
export function eventPlaceRule(req: { pickupPointId?: string; address?: string; startsAt: string; endsAt: string }, ctx: z.RefinementCtx): void {
  if (!req.pickupPointId === !req.address) ctx.addIssue({ code: 'custom', path: ['address'], message: 'give either a pickupPointId or an address' });
  if (Date.parse(req.endsAt) <= Date.parse(req.startsAt)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must end after it starts' });
}

export const createEvent = defineRpc('rpc.communities.event.create.v1', EventFieldsSchema.extend({ actor: Actor }).strict().superRefine(eventPlaceRule), CommunityEventSchema);

export const listEvents = defineRpc(
  'rpc.communities.event.list.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema.optional(), compoundId: CompoundIdSchema.optional(), upcoming: z.boolean().default(true), limit: PageLimitSchema }).strict(),
  z.object({ events: z.array(CommunityEventSchema) }),
);

export const getEvent = defineRpc(
  'rpc.communities.event.get.v1',
  z.object({ actor: Actor, eventId: Id }).strict(),
  z.object({ event: CommunityEventSchema, myRsvp: RsvpSchema.nullable() }),
);

/** RSVP: confirmed while seats remain, else waitlisted (refused when the waiting list is full too). */
export const rsvp = defineRpc('rpc.communities.rsvp.create.v1', z.object({ actor: Actor, eventId: Id }).strict(), RsvpSchema);

/** Cancel the caller's RSVP; a freed seat goes to the first on the waiting list. */
export const cancelRsvp = defineRpc(
  'rpc.communities.rsvp.cancel.v1',
  z.object({ actor: Actor, eventId: Id }).strict(),
  z.object({ rsvp: RsvpSchema, promotedUserId: UserIdSchema.nullable() }),
);

/** Check in with the code the organiser shows (confirmed RSVPs, from two hours before the start to the end). */
export const checkIn = defineRpc(
  'rpc.communities.event.check-in.v1',
  z.object({ actor: Actor, eventId: Id, code: z.string().trim().regex(/^\d{6}$/, 'must be 6 digits') }).strict(),
  RsvpSchema,
);

/** An event's RSVPs for its organiser, the community's moderators and ops: seats first, then the waiting list in order. */
export const listRsvps = defineRpc(
  'rpc.communities.rsvp.list.v1',
  z.object({ actor: Actor, eventId: Id, limit: z.number().int().min(1).max(10_000).default(500) }).strict(),
  z.object({ rsvps: z.array(RsvpSchema.extend({ displayName: z.string() })) }),
);

/** The caller's RSVPs and attendance, newest event first. */
export const myEvents = defineRpc(
  'rpc.communities.rsvp.mine.v1',
  z.object({ actor: Actor, limit: PageLimitSchema }).strict(),
  z.object({ rsvps: z.array(RsvpSchema.extend({ title: z.string(), startsAt: IsoDateTimeSchema })) }),
);

// ---------------------------------------------------------------- RPC: co-creation

/** Residents (members of the community, when one is named) or ops propose a product or a change to one. */
export const ProposalFieldsSchema = z.object({
  communityId: CommunityIdSchema.optional(),
  kind: z.enum(['new-product', 'change']).default('new-product'),
  title: Text(200),
  description: z.string().trim().max(2000).default(''),
  productId: Id.optional(),
});

/** A change names the product it changes. */
export function proposalKindRule(req: { kind?: string; productId?: string }, ctx: z.RefinementCtx): void {
  if (req.kind === 'change' && req.productId === undefined) ctx.addIssue({ code: 'custom', path: ['productId'], message: 'a change names the product' });
}

export const createProposal = defineRpc('rpc.communities.proposal.create.v1', ProposalFieldsSchema.extend({ actor: Actor }).strict().superRefine(proposalKindRule), ProposalSchema);

export const listProposals = defineRpc(
  'rpc.communities.proposal.list.v1',
  z.object({ actor: Actor, communityId: CommunityIdSchema.optional(), status: z.enum(['open', 'launched']).optional(), limit: PageLimitSchema }).strict(),
  z.object({ proposals: z.array(ProposalSchema) }),
);

export const getProposal = defineRpc('rpc.communities.proposal.get.v1', z.object({ actor: Actor, proposalId: Id }).strict(), ProposalSchema);

/** One vote per resident and proposal, while it is open. */
export const voteProposal = defineRpc('rpc.communities.proposal.vote.v1', z.object({ actor: Actor, proposalId: Id }).strict(), ProposalSchema);

/** Structured feedback (taste 1–5, the price they would pay, pack size), once per resident in each feedback round. */
export const giveFeedback = defineRpc(
  'rpc.communities.proposal.feedback.v1',
  z
    .object({
      actor: Actor,
      proposalId: Id,
      taste: z.number().int().min(1).max(5),
      priceCents: z.number().int().min(1).max(10_000_000),
      packSize: Text(40),
      comment: z.string().trim().max(500).optional(),
    })
    .strict(),
  ProposalSchema,
);

/** Ops open the next feedback round of an open proposal (e.g. after the recipe changed); earlier rounds stay. */
export const nextFeedbackRound = defineRpc('rpc.communities.proposal.next-round.v1', z.object({ actor: Actor, proposalId: Id }).strict(), ProposalSchema);

/** Ops launch a proposal: it links to real catalogue SKUs sold in a campaign; conversion is counted from then on. */
export const launchProposal = defineRpc(
  'rpc.communities.proposal.launch.v1',
  z.object({ actor: Actor, proposalId: Id, skuIds: z.array(Id).min(1).max(50), campaignId: Id }).strict(),
  ProposalSchema,
);

// ---------------------------------------------------------------- RPC: surveys

/** Ops: a generic survey for everyone, or for one compound's residents. */
export const createSurvey = defineRpc(
  'rpc.communities.survey.create.v1',
  z.object({ actor: Actor, title: Text(100), question: Text(500), scored: z.boolean().default(false), compoundId: CompoundIdSchema.optional() }).strict(),
  SurveySchema,
);

/** Surveys waiting for the caller: NPS offers and open generic surveys they have not answered. */
export const pendingSurveys = defineRpc(
  'rpc.communities.survey.pending.v1',
  z.object({ actor: Actor }).strict(),
  z.object({ surveys: z.array(PendingSurveySchema) }),
);

/** Answer a survey: the NPS question (score 0–10, an optional reason) when it was offered, or a generic survey once. */
export const answerSurvey = defineRpc(
  'rpc.communities.survey.answer.v1',
  z.object({ actor: Actor, surveyId: Id, score: z.number().int().min(0).max(10).optional(), reason: z.string().trim().max(500).optional() }).strict(),
  SurveyResponseSchema,
);
