import * as z from './zod.js';
import { defineEvent, defineRpc } from './define.js';
import {
  ActorSchema,
  IsoDateSchema,
  IsoDateTimeSchema,
  PhoneSchema,
  RoleSchema,
  UserIdSchema,
} from './common.js';

// ---------------------------------------------------------------- shared shapes

export const CHANNELS = ['phone', 'wechat-unionid', 'wechat-openid', 'mini-program-openid', 'member-card'] as const;
export const ChannelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof ChannelSchema>;

export const WECHAT_APPS = ['mini-program', 'official-account', 'mobile-app'] as const;
export const WechatAppSchema = z.enum(WECHAT_APPS);

export const TokenPairSchema = z.object({
  userId: UserIdSchema,
  roles: z.array(RoleSchema),
  accessToken: z.string(),
  refreshToken: z.string(),
  accessTokenExpiresAt: IsoDateTimeSchema,
  refreshTokenExpiresAt: IsoDateTimeSchema,
  isNewUser: z.boolean(),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const ChildSchema = z.object({ birthYear: z.number().int().min(1900).max(2100) }).strict();
export const HouseholdSchema = z
  .object({
    adults: z.number().int().min(0).max(20).optional(),
    children: z.array(ChildSchema).max(20).optional(),
    elderly: z.number().int().min(0).max(20).optional(),
  })
  .strict();
export const DietarySchema = z
  .object({
    preferences: z.array(z.string().trim().min(1).max(40)).max(30).optional(),
    restrictions: z.array(z.string().trim().min(1).max(40)).max(30).optional(),
  })
  .strict();

/** What a resident may declare about themselves. Every field is optional and declared by the user. */
export const ProfilePatchSchema = z
  .object({
    nickname: z.string().trim().min(1).max(40).optional(),
    birthday: IsoDateSchema.optional(),
    compoundId: z.string().trim().min(1).max(64).optional(),
    building: z.string().trim().min(1).max(32).optional(),
    household: HouseholdSchema.optional(),
    dietary: DietarySchema.optional(),
  })
  .strict();
export type ProfilePatch = z.infer<typeof ProfilePatchSchema>;

export const PROFILE_FIELDS = ['nickname', 'birthday', 'compoundId', 'building', 'household', 'dietary'] as const;

export const ProfileSchema = ProfilePatchSchema.extend({
  userId: UserIdSchema,
  roles: z.array(RoleSchema),
  /** For each field the resident has set: when it was declared. Declared data always wins over inferred. */
  declared: z.record(z.string(), IsoDateTimeSchema),
  identities: z.array(z.object({ channel: ChannelSchema, value: z.string(), linkedAt: IsoDateTimeSchema })),
  consents: z.array(z.lazy(() => ConsentSchema)),
  createdAt: IsoDateTimeSchema,
});
export type Profile = z.infer<typeof ProfileSchema>;

export const CONSENT_PURPOSES = ['profiling', 'marketing'] as const;
export const ConsentPurposeSchema = z.enum(CONSENT_PURPOSES);
export type ConsentPurpose = z.infer<typeof ConsentPurposeSchema>;
export const ConsentSchema = z.object({
  purpose: ConsentPurposeSchema,
  granted: z.boolean(),
  changedAt: IsoDateTimeSchema,
});
export type Consent = z.infer<typeof ConsentSchema>;

// ---------------------------------------------------------------- RPC

/** Who asks for a code, as the gateway sees them (the client address), for the per-client send budget. */
export const ClientKeySchema = z.string().min(1).max(128);

export const requestOtp = defineRpc(
  'rpc.identity.otp.request.v1',
  z.object({ phone: PhoneSchema, clientKey: ClientKeySchema.optional() }).strict(),
  z.object({ expiresAt: IsoDateTimeSchema, resendAfterSeconds: z.number().int() }),
);

const DeviceSchema = z.string().trim().min(1).max(120).optional();

/**
 * A member's invite code, given at sign-up. Identity passes it on in `identity.user.registered.v1`
 * without judging it; the growth system owns the codes and decides whether the attribution counts.
 */
export const InviteCodeSchema = z.string().trim().regex(/^[A-Za-z0-9]{4,16}$/, 'must be 4–16 letters or digits');

export const verifyOtp = defineRpc(
  'rpc.identity.otp.verify.v1',
  z.object({ phone: PhoneSchema, code: z.string().regex(/^\d{6}$/, 'must be 6 digits'), device: DeviceSchema, inviteCode: InviteCodeSchema.optional() }).strict(),
  TokenPairSchema,
);

export const wechatSignIn = defineRpc(
  'rpc.identity.wechat.sign-in.v1',
  z.object({ app: WechatAppSchema, loginCode: z.string().trim().min(4).max(128), device: DeviceSchema, inviteCode: InviteCodeSchema.optional() }).strict(),
  TokenPairSchema,
);

export const refreshToken = defineRpc(
  'rpc.identity.token.refresh.v1',
  z.object({ refreshToken: z.string().min(10).max(512) }).strict(),
  TokenPairSchema,
);

export const signOut = defineRpc(
  'rpc.identity.token.revoke.v1',
  z.object({ actor: ActorSchema, refreshToken: z.string().min(10).max(512) }).strict(),
  z.object({ revoked: z.boolean() }),
);

/** A member card number as printed on the card (case-insensitive). */
export const MemberCardNumberSchema = z.string().trim().regex(/^[A-Za-z0-9-]{4,32}$/, 'must be 4–32 letters, digits or dashes');

/** Prove another channel identity and attach it to the caller; merges when it already belongs to another account. */
export const LinkProofSchema = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('phone'), phone: PhoneSchema, code: z.string().regex(/^\d{6}$/) }).strict(),
  z.object({ channel: z.literal('wechat'), app: WechatAppSchema, loginCode: z.string().trim().min(4).max(128) }).strict(),
  // A member card is proved by a one-time code issued to its holder: sent to the phone on file of the
  // account that holds the card, or handed over by the leader who scanned the physical card.
  z.object({ channel: z.literal('member-card'), cardNumber: MemberCardNumberSchema, code: z.string().regex(/^\d{6}$/, 'must be 6 digits') }).strict(),
]);
export type LinkProof = z.infer<typeof LinkProofSchema>;

export const linkIdentity = defineRpc(
  'rpc.identity.identity.link.v1',
  z.object({ actor: ActorSchema, proof: LinkProofSchema }).strict(),
  z.object({ userId: UserIdSchema, linked: z.array(ChannelSchema), mergedFromUserId: UserIdSchema.nullable() }),
);

/**
 * Asks for a member card's one-time code, sent by SMS to the phone on file of the account holding
 * the card. A card nobody holds yet, or whose holder has no phone, is proved at the pickup point
 * instead (`rpc.identity.member-card.code.issue.v1`).
 */
export const requestMemberCardCode = defineRpc(
  'rpc.identity.member-card.code.request.v1',
  z.object({ actor: ActorSchema, cardNumber: MemberCardNumberSchema }).strict(),
  z.object({ delivery: z.literal('sms'), maskedPhone: z.string(), expiresAt: IsoDateTimeSchema, resendAfterSeconds: z.number().int() }),
);

/**
 * A leader (or ops) who has the physical card in hand at the pickup point issues its one-time code,
 * to hand to the resident in person. Audited with the issuer.
 */
export const issueMemberCardCode = defineRpc(
  'rpc.identity.member-card.code.issue.v1',
  z.object({ actor: ActorSchema, cardNumber: MemberCardNumberSchema }).strict(),
  z.object({ cardNumber: z.string(), oneTimeCode: z.string().regex(/^\d{6}$/), expiresAt: IsoDateTimeSchema }),
);

export const MERGE_REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const;

/**
 * A self-service link that would merge an account holding more than the resident role, or one with
 * open orders at another pickup point, waits here for ops.
 */
export const MergeRequestSchema = z.object({
  mergeRequestId: z.string().uuid(),
  status: z.enum(MERGE_REQUEST_STATUSES),
  requestedBy: UserIdSchema,
  sourceUserId: UserIdSchema,
  channel: ChannelSchema,
  maskedValue: z.string(),
  reasons: z.array(z.string()),
  decidedBy: UserIdSchema.nullable(),
  decisionReason: z.string().nullable(),
  createdAt: IsoDateTimeSchema,
  decidedAt: IsoDateTimeSchema.nullable(),
});
export type MergeRequest = z.infer<typeof MergeRequestSchema>;

export const listMergeRequests = defineRpc(
  'rpc.identity.merge-request.list.v1',
  z.object({ actor: ActorSchema, status: z.enum(MERGE_REQUEST_STATUSES).optional() }).strict(),
  z.object({ mergeRequests: z.array(MergeRequestSchema) }),
);

export const decideMergeRequest = defineRpc(
  'rpc.identity.merge-request.decide.v1',
  z.object({ actor: ActorSchema, mergeRequestId: z.string().uuid(), decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(3).max(500) }).strict(),
  MergeRequestSchema,
);

export const mergeUsers = defineRpc(
  'rpc.identity.user.merge.v1',
  z
    .object({ actor: ActorSchema, sourceUserId: UserIdSchema, targetUserId: UserIdSchema, reason: z.string().trim().min(3).max(500) })
    .strict(),
  z.object({ mergeId: z.string().uuid(), targetUserId: UserIdSchema, sourceUserId: UserIdSchema, alreadyMerged: z.boolean() }),
);

const SubjectUserSchema = z.object({ actor: ActorSchema, userId: UserIdSchema }).strict();

export const getProfile = defineRpc('rpc.identity.profile.get.v1', SubjectUserSchema, ProfileSchema);

export const updateProfile = defineRpc(
  'rpc.identity.profile.update.v1',
  z.object({ actor: ActorSchema, userId: UserIdSchema, patch: ProfilePatchSchema }).strict(),
  ProfileSchema,
);

export const setConsent = defineRpc(
  'rpc.identity.consent.set.v1',
  z.object({ actor: ActorSchema, userId: UserIdSchema, purpose: ConsentPurposeSchema, granted: z.boolean() }).strict(),
  z.object({ consents: z.array(ConsentSchema) }),
);

export const exportUserData = defineRpc(
  'rpc.identity.user.export.v1',
  SubjectUserSchema,
  z.object({ exportedAt: IsoDateTimeSchema, userId: UserIdSchema, data: z.record(z.string(), z.unknown()) }),
);

export const eraseUser = defineRpc(
  'rpc.identity.user.erase.v1',
  SubjectUserSchema,
  z.object({ userId: UserIdSchema, erasedAt: IsoDateTimeSchema }),
);

export const grantRole = defineRpc(
  'rpc.identity.role.grant.v1',
  z.object({ actor: ActorSchema, userId: UserIdSchema, role: RoleSchema }).strict(),
  z.object({ userId: UserIdSchema, roles: z.array(RoleSchema) }),
);

/** Development only: the codes the log SMS adapter "sent" to a phone, newest first. */
export const devSmsOutbox = defineRpc(
  'rpc.identity.dev.sms-outbox.v1',
  z.object({ phone: PhoneSchema }).strict(),
  z.object({ messages: z.array(z.object({ phone: z.string(), code: z.string(), sentAt: IsoDateTimeSchema })) }),
);

/**
 * Development only: signs a phone in without a one-time code, as if it had verified one. Answered
 * only with the development SMS adapter (whose codes anyone on the bus can read through the outbox
 * anyway); not routed by the gateway. `npm start`'s demo loader uses it, so the demo phones' code
 * window stays free for the people trying the demo.
 */
export const devSignIn = defineRpc(
  'rpc.identity.dev.sign-in.v1',
  z.object({ phone: PhoneSchema, device: DeviceSchema }).strict(),
  TokenPairSchema,
);

// ---------------------------------------------------------------- events

export const userRegistered = defineEvent(
  'identity.user.registered.v1',
  z.object({
    userId: UserIdSchema,
    channel: ChannelSchema,
    registeredAt: IsoDateTimeSchema,
    /** The invite code the new member signed up with, if any (only on the registering sign-in). */
    inviteCode: InviteCodeSchema.optional(),
  }),
);

export const userMerged = defineEvent(
  'identity.user.merged.v1',
  z.object({ mergeId: z.string().uuid(), sourceUserId: UserIdSchema, targetUserId: UserIdSchema, mergedAt: IsoDateTimeSchema }),
);

export const profileUpdated = defineEvent(
  'identity.profile.updated.v1',
  z.object({ userId: UserIdSchema, profile: ProfilePatchSchema, declared: z.record(z.string(), IsoDateTimeSchema) }),
);

export const consentChanged = defineEvent(
  'identity.consent.changed.v1',
  z.object({ userId: UserIdSchema, purpose: ConsentPurposeSchema, granted: z.boolean(), changedAt: IsoDateTimeSchema }),
);

export const userErased = defineEvent(
  'identity.user.erased.v1',
  z.object({ userId: UserIdSchema, erasedAt: IsoDateTimeSchema }),
);

export const roleGranted = defineEvent(
  'identity.role.granted.v1',
  z.object({ userId: UserIdSchema, role: RoleSchema, grantedAt: IsoDateTimeSchema }),
);

export const SessionRevokedReasonSchema = z.enum(['signed-out', 'refresh-reused', 'merged', 'erased']);
export type SessionRevokedReason = z.infer<typeof SessionRevokedReasonSchema>;

/**
 * A session ended before its access tokens did: signed out, a reused refresh token, merged into another
 * account, or erased. The gateway refuses the session's access tokens from then until
 * `accessTokenExpiresAt` (the latest expiry any of them can have).
 */
export const sessionRevoked = defineEvent(
  'identity.session.revoked.v1',
  z.object({
    sessionId: z.string().uuid(),
    userId: UserIdSchema,
    reason: SessionRevokedReasonSchema,
    revokedAt: IsoDateTimeSchema,
    accessTokenExpiresAt: IsoDateTimeSchema,
  }),
);
