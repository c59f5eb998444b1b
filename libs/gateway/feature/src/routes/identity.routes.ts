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
    toRpc: ({ body }) => body,
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
    description: 'When the identity already belongs to another account, the two accounts are merged into the caller.',
    tags: me,
    auth: { roles: 'any-signed-in' },
    body: LinkBody,
    response: identity.linkIdentity.response,
    rpc: identity.linkIdentity,
    toRpc: ({ body, actor }) => ({ actor, proof: body.proof }),
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
