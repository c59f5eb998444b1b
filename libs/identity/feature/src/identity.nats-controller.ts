import { Inject, Injectable } from '@nestjs/common';
import { LinliError, identity as c, type RpcRequest } from '@linli/contracts';
import { IdentityDb } from '@linli/identity-data-access';
import { RpcHandler } from '@linli/nest-kit';
import { AccountsService } from './accounts.service.js';
import { AuthService } from './auth.service.js';
import { LogSmsSender, SmsSender } from './sms-sender.js';

/** NATS request/reply surface of the identity service; requests arrive validated against the contracts. */
@Injectable()
export class IdentityNatsController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(SmsSender) private readonly sms: SmsSender,
    @Inject(IdentityDb) private readonly db: IdentityDb,
  ) {}

  @RpcHandler(c.requestOtp)
  requestOtp(req: RpcRequest<typeof c.requestOtp>) {
    return this.auth.requestOtp(req.phone, req.clientKey);
  }

  @RpcHandler(c.verifyOtp)
  verifyOtp(req: RpcRequest<typeof c.verifyOtp>) {
    return this.auth.verifyOtp(req.phone, req.code, req.device, req.inviteCode);
  }

  @RpcHandler(c.wechatSignIn)
  wechatSignIn(req: RpcRequest<typeof c.wechatSignIn>) {
    return this.auth.wechatSignIn(req.app, req.loginCode, req.device, req.inviteCode);
  }

  @RpcHandler(c.refreshToken)
  refresh(req: RpcRequest<typeof c.refreshToken>) {
    return this.auth.refresh(req.refreshToken);
  }

  @RpcHandler(c.signOut)
  signOut(req: RpcRequest<typeof c.signOut>) {
    return this.auth.signOut(req.actor, req.refreshToken);
  }

  @RpcHandler(c.linkIdentity)
  link(req: RpcRequest<typeof c.linkIdentity>) {
    return this.auth.link(req.actor, req.proof);
  }

  @RpcHandler(c.requestMemberCardCode)
  requestMemberCardCode(req: RpcRequest<typeof c.requestMemberCardCode>) {
    return this.auth.requestMemberCardCode(req.actor, req.cardNumber);
  }

  @RpcHandler(c.issueMemberCardCode)
  issueMemberCardCode(req: RpcRequest<typeof c.issueMemberCardCode>) {
    return this.auth.issueMemberCardCode(req.actor, req.cardNumber);
  }

  @RpcHandler(c.listMergeRequests)
  listMergeRequests(req: RpcRequest<typeof c.listMergeRequests>) {
    return this.accounts.listMergeRequests(req.actor, req.status);
  }

  @RpcHandler(c.decideMergeRequest)
  decideMergeRequest(req: RpcRequest<typeof c.decideMergeRequest>) {
    return this.accounts.decideMergeRequest(req.actor, req.mergeRequestId, req.decision, req.reason);
  }

  @RpcHandler(c.mergeUsers)
  merge(req: RpcRequest<typeof c.mergeUsers>) {
    return this.accounts.mergeUsers(req.actor, req.sourceUserId, req.targetUserId, req.reason);
  }

  @RpcHandler(c.getProfile)
  getProfile(req: RpcRequest<typeof c.getProfile>) {
    return this.accounts.getProfile(req.actor, req.userId);
  }

  @RpcHandler(c.updateProfile)
  updateProfile(req: RpcRequest<typeof c.updateProfile>) {
    return this.accounts.updateProfile(req.actor, req.userId, req.patch);
  }

  @RpcHandler(c.setConsent)
  setConsent(req: RpcRequest<typeof c.setConsent>) {
    return this.accounts.setConsent(req.actor, req.userId, req.purpose, req.granted);
  }

  @RpcHandler(c.exportUserData)
  exportData(req: RpcRequest<typeof c.exportUserData>) {
    return this.accounts.exportData(req.actor, req.userId);
  }

  @RpcHandler(c.eraseUser)
  erase(req: RpcRequest<typeof c.eraseUser>) {
    return this.accounts.erase(req.actor, req.userId);
  }

  @RpcHandler(c.grantRole)
  grantRole(req: RpcRequest<typeof c.grantRole>) {
    return this.accounts.grantRole(req.actor, req.userId, req.role);
  }

  @RpcHandler(c.devSignIn)
  devSignIn(req: RpcRequest<typeof c.devSignIn>) {
    if (!(this.sms instanceof LogSmsSender)) throw new LinliError('COMMON.NOT_FOUND', 'development sign-in exists only with the development SMS adapter');
    return this.auth.devSignIn(req.phone, req.device);
  }

  @RpcHandler(c.devSmsOutbox)
  async devSmsOutbox(req: RpcRequest<typeof c.devSmsOutbox>) {
    if (!(this.sms instanceof LogSmsSender)) throw new LinliError('COMMON.NOT_FOUND', 'the SMS outbox exists only with the development SMS adapter');
    const messages = await this.db.devSmsMessage.findMany({ where: { phone: req.phone }, orderBy: { sentAt: 'desc' }, take: 20 });
    return { messages: messages.map((m) => ({ phone: m.phone, code: m.code, sentAt: m.sentAt.toISOString() })) };
  }
}
