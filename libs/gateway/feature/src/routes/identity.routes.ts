import { z } from 'zod';
import { UserIdSchema, identity } from '@linli/contracts';
import { defineRoute, type GatewayRoute } from '../route.js';

const auth = ['Auth'];
const me = ['Me'];
const ops = ['Ops'];

/** Phone numbers are accepted in any common mainland spelling and stored as E.164. */
const phoneDoc = { description: 'Mainland mobile number, e.g. +8613800138000 (spaces, dashes and a +86/86 prefix are accepted)' };

const RequestOtpBody = z.object({ phone: identity.requestOtp.request.shape.phone.meta(phoneDoc) }).strict();
const VerifyOtpBody = identity.verifyOtp.request.extend({ phone: identity.verifyOtp.request.shape.phone.meta(phoneDoc) }).strict();
const SignOutBody = identity.signOut.request.omit({ actor: true });
const ConsentParams = z.object({ purpose: identity.ConsentPurposeSchema }).strict();
const ConsentBody = identity.setConsent.request.pick({ granted: true });
const UserParams = z.object({ userId: UserIdSchema }).strict();
const LinkBody = identity.linkIdentity.request.omit({ actor: true });
const MergeBody = identity.mergeUsers.request.omit({ actor: true });
const MemberCardBody = identity.requestMemberCardCode.request.omit({ actor: true });
const MergeRequestParams = z.object({ mergeRequestId: z.string().uuid() }).strict();
const MergeRequestQuery = identity.listMergeRequests.request.omit({ actor: true });
const MergeDecisionBody = identity.decideMergeRequest.request.pick({ reason: true });
const GrantRoleBody = identity.grantRole.request.pick({ role: true });
const SmsOutboxQuery = z.object({ phone: identity.devSmsOutbox.request.shape.phone.meta(phoneDoc) }).strict();

/** Response shapes several routes share, documented once under these names in the OpenAPI components. */
export const identitySchemaNames = new Map<z.ZodType, string>([
  [identity.TokenPairSchema, 'TokenPair'],
  [identity.ProfileSchema, 'Profile'],
]);

/** Every route the identity service answers. */
export const identityRoutes: GatewayRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/auth/otp',
    summary: 'Send a one-time sign-in code by SMS',
    description: 'Sends a six-digit code to the phone. Codes may be requested again after `resendAfterSeconds`.',
    tags: auth,
    auth: { public: true },
    body: RequestOtpBody,
    response: identity.requestOtp.response,
    rpc: identity.requestOtp,
    toRpc: ({ body, client }) => ({ phone: body.phone, clientKey: `ip:${client.ip}` }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/otp/verify',
    summary: 'Sign in (or sign up) with a phone and its one-time code',
    tags: auth,
    auth: { public: true },
    body: VerifyOtpBody,
    response: identity.verifyOtp.response,
    rpc: identity.verifyOtp,
    toRpc: ({ body }) => body,
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/wechat',
    summary: 'Sign in (or sign up) with a WeChat login code',
    tags: auth,
    auth: { public: true },
    body: identity.wechatSignIn.request,
    response: identity.wechatSignIn.response,
    rpc: identity.wechatSignIn,
    toRpc: ({ body }) => body,
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/refresh',
    summary: 'Exchange a refresh token for a new token pair',
    description: 'The refresh token is rotated: the one sent is no longer valid afterwards.',
    tags: auth,
    auth: { public: true },
    body: identity.refreshToken.request,
    response: identity.refreshToken.response,
    rpc: identity.refreshToken,
    toRpc: ({ body }) => body,
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/sign-out',
    summary: 'Sign out: revoke a refresh token of the caller',
    tags: auth,
    auth: { roles: 'any-signed-in' },
    body: SignOutBody,
    response: identity.signOut.response,
    rpc: identity.signOut,
    toRpc: ({ body, actor }) => ({ actor, refreshToken: body.refreshToken }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/profile',
    summary: "The caller's profile, identities and consents",
    tags: me,
    auth: { roles: 'any-signed-in' },
    response: identity.getProfile.response,
    rpc: identity.getProfile,
    toRpc: ({ actor }) => ({ actor, userId: actor.userId }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/me/profile',
    summary: 'Declare or change profile fields',
    description: 'Only the fields sent change. Declared data always wins over inferred data.',
    tags: me,
    auth: { roles: 'any-signed-in' },
    body: identity.ProfilePatchSchema,
    response: identity.updateProfile.response,
    rpc: identity.updateProfile,
    toRpc: ({ body, actor }) => ({ actor, userId: actor.userId, patch: body }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/me/consents/:purpose',
    summary: 'Grant or withdraw a consent',
    tags: me,
    auth: { roles: 'any-signed-in' },
    params: ConsentParams,
    body: ConsentBody,
    response: identity.setConsent.response,
    rpc: identity.setConsent,
    toRpc: ({ params, body, actor }) => ({ actor, userId: actor.userId, purpose: params.purpose, granted: body.granted }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/identities',
    summary: 'Link another channel identity (phone, WeChat, member card) to the caller',
    description:
      'Every channel needs proof of possession: a phone by its one-time code, WeChat by a login code, a member card by the one-time code issued to its holder ' +
      '(`POST /v1/me/identities/member-card/code`, or handed over by the leader who scanned the card). When the identity already belongs to another ' +
      'account that account is merged into the caller, keeping the caller\'s roles; an account holding more than the resident role, or with open orders ' +
      'at another pickup point, is merged only after ops approves (`409 IDENTITY.MERGE_APPROVAL_REQUIRED`, with the queued request\'s id).',
    tags: me,
    auth: { roles: 'any-signed-in' },
    body: LinkBody,
    response: identity.linkIdentity.response,
    rpc: identity.linkIdentity,
    toRpc: ({ body, actor }) => ({ actor, proof: body.proof }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/identities/member-card/code',
    summary: "Send a member card's one-time code to the phone on file of its holder",
    description: 'A card with no holder, or whose holder has no phone, is proved at the pickup point instead: the leader scans it and hands over a code.',
    tags: me,
    auth: { roles: 'any-signed-in' },
    body: MemberCardBody,
    response: identity.requestMemberCardCode.response,
    rpc: identity.requestMemberCardCode,
    toRpc: ({ body, actor }) => ({ actor, cardNumber: body.cardNumber }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/leader/member-cards/code',
    summary: 'Issue the one-time code of a member card scanned at the pickup point (leader, audited)',
    description: 'The leader has the physical card in hand and gives the code to the resident in person.',
    tags: ['Leader'],
    auth: { roles: ['leader', 'ops'] },
    body: MemberCardBody,
    response: identity.issueMemberCardCode.response,
    rpc: identity.issueMemberCardCode,
    toRpc: ({ body, actor }) => ({ actor, cardNumber: body.cardNumber }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/merge-requests',
    summary: 'Account merges waiting for approval (ops)',
    tags: ops,
    auth: { roles: ['ops'] },
    query: MergeRequestQuery,
    response: identity.listMergeRequests.response,
    rpc: identity.listMergeRequests,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/merge-requests/:mergeRequestId/approve',
    summary: 'Approve a queued account merge (ops, audited)',
    description: 'The merge keeps the requesting account\'s roles; any other role is granted explicitly.',
    tags: ops,
    auth: { roles: ['ops'] },
    params: MergeRequestParams,
    body: MergeDecisionBody,
    response: identity.decideMergeRequest.response,
    rpc: identity.decideMergeRequest,
    toRpc: ({ params, body, actor }) => ({ actor, mergeRequestId: params.mergeRequestId, decision: 'approve' as const, reason: body.reason }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/merge-requests/:mergeRequestId/reject',
    summary: 'Reject a queued account merge (ops, audited)',
    tags: ops,
    auth: { roles: ['ops'] },
    params: MergeRequestParams,
    body: MergeDecisionBody,
    response: identity.decideMergeRequest.response,
    rpc: identity.decideMergeRequest,
    toRpc: ({ params, body, actor }) => ({ actor, mergeRequestId: params.mergeRequestId, decision: 'reject' as const, reason: body.reason }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/export',
    summary: 'Export everything the platform holds about the caller',
    tags: me,
    auth: { roles: 'any-signed-in' },
    response: identity.exportUserData.response,
    rpc: identity.exportUserData,
    toRpc: ({ actor }) => ({ actor, userId: actor.userId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/erasure',
    summary: "Erase the caller's personal data",
    description: 'Irreversible. The account keeps its id (so orders stay consistent) but loses every personal field and identity.',
    tags: me,
    auth: { roles: 'any-signed-in' },
    response: identity.eraseUser.response,
    rpc: identity.eraseUser,
    toRpc: ({ actor }) => ({ actor, userId: actor.userId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users/:userId/profile',
    summary: "A user's profile (ops)",
    tags: ops,
    auth: { roles: ['ops'] },
    params: UserParams,
    response: identity.getProfile.response,
    rpc: identity.getProfile,
    toRpc: ({ params, actor }) => ({ actor, userId: params.userId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/users/merge',
    summary: 'Merge one account into another (ops, audited)',
    tags: ops,
    auth: { roles: ['ops'] },
    body: MergeBody,
    response: identity.mergeUsers.response,
    rpc: identity.mergeUsers,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/users/:userId/roles',
    summary: 'Grant a role to a user (ops)',
    tags: ops,
    auth: { roles: ['ops'] },
    params: UserParams,
    body: GrantRoleBody,
    response: identity.grantRole.response,
    rpc: identity.grantRole,
    toRpc: ({ params, body, actor }) => ({ actor, userId: params.userId, role: body.role }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/dev/sms-outbox',
    summary: 'Codes the development SMS adapter "sent" to a phone, newest first (development only)',
    description: 'Registered only when the gateway runs with `DEV_ROUTES=true`.',
    tags: ['Development'],
    auth: { public: true },
    devOnly: true,
    query: SmsOutboxQuery,
    response: identity.devSmsOutbox.response,
    rpc: identity.devSmsOutbox,
    toRpc: ({ query }) => query,
  }),
];
