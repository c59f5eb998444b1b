import * as z from './zod.js';
import { defineEvent } from './define.js';
import { IsoDateTimeSchema, UserIdSchema } from './common.js';

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
