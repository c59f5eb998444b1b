import { identity as c } from '@linli/contracts';
import { bind, rpcBindings } from '@linli/nest-kit';
import { AccountsService } from './accounts.service.js';
import { AuthService } from './auth.service.js';
import { SmsSender, developmentSms } from './sms-sender.js';

/** NATS request/reply surface of the identity service; requests arrive validated against the contracts. */
export const IdentityNatsController = rpcBindings('identity', [AuthService, AccountsService, SmsSender], (auth, accounts, sms) => [
  bind(c.requestOtp, (req) => auth.requestOtp(req.phone, req.clientKey)),
  bind(c.verifyOtp, (req) => auth.verifyOtp(req.phone, req.code, req.device, req.inviteCode)),
  bind(c.wechatSignIn, (req) => auth.wechatSignIn(req.app, req.loginCode, req.device, req.inviteCode)),
  bind(c.refreshToken, (req) => auth.refresh(req.refreshToken)),
  bind(c.signOut, (req) => auth.signOut(req.actor, req.refreshToken)),
  bind(c.linkIdentity, (req) => auth.link(req.actor, req.proof)),
  bind(c.requestMemberCardCode, (req) => auth.requestMemberCardCode(req.actor, req.cardNumber)),
  bind(c.issueMemberCardCode, (req) => auth.issueMemberCardCode(req.actor, req.cardNumber)),
  bind(c.listMergeRequests, (req) => accounts.listMergeRequests(req.actor, req.status)),
  bind(c.decideMergeRequest, (req) => accounts.decideMergeRequest(req.actor, req.mergeRequestId, req.decision, req.reason)),
  bind(c.mergeUsers, (req) => accounts.mergeUsers(req.actor, req.sourceUserId, req.targetUserId, req.reason)),
  bind(c.getProfile, (req) => accounts.getProfile(req.actor, req.userId)),
  bind(c.updateProfile, (req) => accounts.updateProfile(req.actor, req.userId, req.patch)),
  bind(c.setConsent, (req) => accounts.setConsent(req.actor, req.userId, req.purpose, req.granted)),
  bind(c.exportUserData, (req) => accounts.exportData(req.actor, req.userId)),
  bind(c.eraseUser, (req) => accounts.erase(req.actor, req.userId)),
  bind(c.grantRole, (req) => accounts.grantRole(req.actor, req.userId, req.role)),
  bind(c.devSignIn, (req) => {
    developmentSms(sms, 'development sign-in');
    return auth.devSignIn(req.phone, req.device);
  }),
  bind(c.devSmsOutbox, async (req) => ({
    messages: (await developmentSms(sms, 'the SMS outbox').sent(req.phone)).map((m) => ({ phone: m.phone, code: m.code, sentAt: m.sentAt.toISOString() })),
  })),
]);
