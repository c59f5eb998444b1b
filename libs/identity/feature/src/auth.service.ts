import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { orders, type Actor, type Role, type identity } from '@linli/contracts';

type Channel = identity.Channel;
type LinkProof = identity.LinkProof;
type TokenPair = identity.TokenPair;
import { IdentityDb, OneTimeCodesRepository, SessionsRepository, SmsBudgetRepository, UsersRepository } from '@linli/identity-data-access';
import { RpcClient, issueAccessToken } from '@linli/nest-kit';
import { AccountsService, maskIdentity, privilegedRoles, rolesReason, type Tx } from './accounts.service.js';
import { IdentityErrors } from './identity.exception.js';
import { IDENTITY_OPTIONS, type IdentityOptions } from './identity.options.js';
import { SessionRevocations } from './session-revocations.js';
import { SmsSender } from './sms-sender.js';
import { WechatAuth, type WechatApp, type WechatSession } from './wechat-auth.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Sign-up and sign-in (phone one-time codes, WeChat login codes), token issue, rotation and revocation. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(IdentityDb) private readonly db: IdentityDb,
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(SessionRevocations) private readonly sessions: SessionRevocations,
    @Inject(SmsSender) private readonly sms: SmsSender,
    @Inject(WechatAuth) private readonly wechat: WechatAuth,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
    @Inject(RpcClient) private readonly rpc: RpcClient,
  ) {}

  private readonly smsBudget = new SmsBudgetRepository();
  private readonly codes = new OneTimeCodesRepository();
  private readonly sessionRows = new SessionsRepository();
  private readonly users = new UsersRepository();

  private codeHash(phone: string, code: string): string {
    return sha256(`${phone}:${code}:${this.options.tokenSecret}`);
  }

  private cardCodeHash(cardNumber: string, code: string): string {
    return sha256(`member-card:${cardNumber}:${code}:${this.options.tokenSecret}`);
  }

  /**
   * Counts an SMS against the anti-pumping budgets (per client per hour, per 7-digit number prefix per
   * hour, platform-wide per day) and records it; refuses with `IDENTITY.SMS_BUDGET_EXHAUSTED` when one
   * is spent. Serialised by a transaction lock so concurrent sends cannot overshoot.
   */
  private async spendSmsBudget(tx: Tx, phone: string, clientKey: string | null, purpose: 'sign-in' | 'member-card'): Promise<void> {
    await this.smsBudget.lock(tx);
    const now = new Date();
    const phonePrefix = phonePrefixOf(phone);
    const counts = await this.smsBudget.counts(tx, { clientKey, phonePrefix, now });
    const budget = this.options.smsBudget;
    const retryAfter = (oldest: Date | null, windowMs: number) => Math.max(1, Math.ceil(((oldest?.getTime() ?? now.getTime()) + windowMs - now.getTime()) / 1000));
    if (clientKey && counts.client >= budget.perClientPerHour) throw IdentityErrors.smsBudgetExhausted('client', retryAfter(counts.oldest.client, 3_600_000));
    if (counts.prefix >= budget.perPrefixPerHour) throw IdentityErrors.smsBudgetExhausted('number-prefix', retryAfter(counts.oldest.prefix, 3_600_000));
    if (counts.day >= budget.perDay) throw IdentityErrors.smsBudgetExhausted('platform-daily', retryAfter(counts.oldest.day, 86_400_000));
    await this.smsBudget.record(tx, { phone, phonePrefix, clientKey, purpose });
  }

  /** Refuses a send within the resend interval, or past the hourly count, of earlier sends (newest first). */
  private assertResendAllowed(recent: { createdAt: Date }[], now: number): void {
    const last = recent[0];
    if (last && now - last.createdAt.getTime() < this.options.otpResendSeconds * 1000) {
      throw IdentityErrors.otpRateLimited(Math.ceil((this.options.otpResendSeconds * 1000 - (now - last.createdAt.getTime())) / 1000));
    }
    if (recent.length >= this.options.otpMaxPerHour) {
      throw IdentityErrors.otpRateLimited(Math.ceil((recent[recent.length - 1]!.createdAt.getTime() + 3_600_000 - now) / 1000));
    }
  }

  /**
   * Sends a fresh code; at most one per resend interval and a bounded number per hour per phone, within
   * the SMS budgets of the asking client (`clientKey`), the number's prefix and the day.
   */
  async requestOtp(phone: string, clientKey?: string): Promise<{ expiresAt: string; resendAfterSeconds: number }> {
    const now = Date.now();
    const recent = await this.codes.sentToPhoneSince(this.db, phone, new Date(now - 3_600_000));
    this.assertResendAllowed(recent, now);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now + this.options.otpTtlSeconds * 1000);
    await this.accounts.transaction(async (tx) => {
      await this.spendSmsBudget(tx, phone, clientKey ?? null, 'sign-in');
      await this.codes.createPhoneCode(tx, { id: randomUUID(), phone, codeHash: this.codeHash(phone, code), expiresAt });
    });
    await this.sms.sendCode(phone, code);
    return { expiresAt: expiresAt.toISOString(), resendAfterSeconds: this.options.otpResendSeconds };
  }

  /**
   * Sends a member card's one-time code to the phone on file of the account holding the card, so only
   * the card's holder can prove it. A card nobody holds, or whose holder has no phone, is proved at the
   * pickup point instead (`issueMemberCardCode`).
   */
  async requestMemberCardCode(actor: Actor, cardNumber: string) {
    const card = cardNumber.toUpperCase();
    const now = Date.now();
    const { holder, phone, me } = await this.accounts.transaction(async (tx) => {
      const me = await this.accounts.requireActive(tx, actor.userId);
      const holder = await this.accounts.holderOf(tx, 'member-card', card);
      const phone = holder ? await this.users.identityOn(tx, holder.id, 'phone') : null;
      return { holder, phone, me };
    });
    if (!holder || holder.status !== 'active') throw IdentityErrors.memberCardUnprovable('no account holds this card yet');
    if (holder.id === me.id) throw IdentityErrors.identityConflict('member-card (this card is already yours)');
    if (!phone) throw IdentityErrors.memberCardUnprovable("the card's holder has no phone on file");
    const recent = await this.codes.cardCodesSentSince(this.db, card, new Date(now - 3_600_000));
    this.assertResendAllowed(recent, now);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now + this.options.otpTtlSeconds * 1000);
    await this.accounts.transaction(async (tx) => {
      await this.spendSmsBudget(tx, phone.value, `user:${me.id}`, 'member-card');
      await this.codes.createCardCode(tx, { id: randomUUID(), cardNumber: card, codeHash: this.cardCodeHash(card, code), issuedVia: 'sms', issuedBy: me.id, holderUserId: holder.id, expiresAt });
    });
    await this.sms.sendCode(phone.value, code);
    return { delivery: 'sms' as const, maskedPhone: maskIdentity('phone', phone.value), expiresAt: expiresAt.toISOString(), resendAfterSeconds: this.options.otpResendSeconds };
  }

  /**
   * A leader (or ops) with the physical card in hand issues its one-time code, to give to the resident
   * in person. The issuer is recorded, and cannot use the code themselves.
   */
  async issueMemberCardCode(actor: Actor, cardNumber: string) {
    if (!actor.roles.includes('leader') && !actor.roles.includes('ops')) throw IdentityErrors.forbidden();
    const card = cardNumber.toUpperCase();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(Date.now() + this.options.otpTtlSeconds * 1000);
    await this.accounts.transaction(async (tx) => {
      const issuer = await this.accounts.requireActive(tx, actor.userId);
      const holder = await this.accounts.holderOf(tx, 'member-card', card);
      await this.codes.createCardCode(tx, {
        id: randomUUID(),
        cardNumber: card,
        codeHash: this.cardCodeHash(card, code),
        issuedVia: 'leader',
        issuedBy: issuer.id,
        holderUserId: holder?.id ?? null,
        expiresAt,
      });
    });
    return { cardNumber: card, oneTimeCode: code, expiresAt: expiresAt.toISOString() };
  }

  /** Checks a member card code like a phone code: the newest one issued for the card, attempts counted. */
  private async checkMemberCardCode(cardNumber: string, code: string, userId: string): Promise<string> {
    const latest = await this.codes.latestForCard(this.db, cardNumber);
    if (!latest) throw IdentityErrors.otpInvalid();
    if (latest.usedAt) throw IdentityErrors.otpUsed();
    if (latest.expiresAt.getTime() <= Date.now()) throw IdentityErrors.otpExpired();
    if (latest.attempts >= this.options.otpMaxAttempts) throw IdentityErrors.otpTooManyAttempts();
    if (latest.codeHash !== this.cardCodeHash(cardNumber, code) || (latest.issuedVia === 'leader' && latest.issuedBy === userId)) {
      await this.codes.countCardAttempt(this.db, latest.id);
      throw IdentityErrors.otpInvalid();
    }
    return latest.id;
  }

  /**
   * Checks a code against the newest one sent to the phone. A wrong code counts an attempt (committed
   * although the call fails). Returns the code's id, to be claimed inside the caller's transaction.
   */
  private async checkOtp(phone: string, code: string): Promise<string> {
    const latest = await this.codes.latestForPhone(this.db, phone);
    if (!latest) throw IdentityErrors.otpInvalid();
    // Only the code that was used is "already used"; any other is simply wrong.
    if (latest.usedAt) throw latest.codeHash === this.codeHash(phone, code) ? IdentityErrors.otpUsed() : IdentityErrors.otpInvalid();
    if (latest.expiresAt.getTime() <= Date.now()) throw IdentityErrors.otpExpired();
    if (latest.attempts >= this.options.otpMaxAttempts) throw IdentityErrors.otpTooManyAttempts();
    if (latest.codeHash !== this.codeHash(phone, code)) {
      await this.codes.countPhoneAttempt(this.db, latest.id);
      throw IdentityErrors.otpInvalid();
    }
    return latest.id;
  }

  /** Marks the code used; single-use even when the same code is replayed concurrently. */
  private async claimOtp(tx: Tx, otpId: string): Promise<void> {
    if (!(await this.codes.claimPhoneCode(tx, otpId, new Date()))) throw IdentityErrors.otpUsed();
  }

  /** `inviteCode` is passed on, unjudged, in the registration event when this sign-in creates the user. */
  async verifyOtp(phone: string, code: string, device?: string, inviteCode?: string): Promise<TokenPair> {
    const otpId = await this.checkOtp(phone, code);
    return this.withUniqueRetry(() =>
      this.accounts.transaction(async (tx) => {
        await this.claimOtp(tx, otpId);
        const { user, isNew } = await this.accounts.findOrCreateByIdentity(tx, 'phone', phone, inviteCode);
        return this.issueTokens(tx, user.id, user.roles as Role[], device, isNew);
      }),
    );
  }

  /** Development only (see `rpc.identity.dev.sign-in.v1`): a phone's sign-in without spending a code. */
  async devSignIn(phone: string, device?: string): Promise<TokenPair> {
    return this.withUniqueRetry(() =>
      this.accounts.transaction(async (tx) => {
        const { user, isNew } = await this.accounts.findOrCreateByIdentity(tx, 'phone', phone);
        return this.issueTokens(tx, user.id, user.roles as Role[], device, isNew);
      }),
    );
  }

  async wechatSignIn(app: WechatApp, loginCode: string, device?: string, inviteCode?: string): Promise<TokenPair> {
    const session = await this.wechat.exchange(app, loginCode);
    if (!session) throw IdentityErrors.wechatCodeInvalid();
    return this.withUniqueRetry(() =>
      this.accounts.transaction(async (tx) => {
        const [primary, ...others] = wechatIdentities(app, session);
        const { user, isNew } = await this.accounts.findOrCreateByIdentity(tx, primary!.channel, primary!.value, inviteCode);
        for (const other of others) {
          // A second WeChat identity held by a privileged account stays with it: only ops merges those.
          const holder = await this.accounts.holderOf(tx, other.channel, other.value);
          if (holder && holder.id !== user.id && privilegedRoles(holder.roles).length) continue;
          await this.accounts.attachIdentity(tx, user.id, other.channel, other.value, `same WeChat ${other.channel} at sign-in`);
        }
        const current = await this.accounts.requireActive(tx, user.id);
        return this.issueTokens(tx, current.id, current.roles as Role[], device, isNew);
      }),
    );
  }

  /**
   * Attaches a proven channel identity to the caller, merging the account that held it. Every channel
   * needs proof of possession (phone: its code; WeChat: a login code; member card: the code issued to
   * its holder). A merge that needs ops (see `mergeHold`) is queued instead, with the proof spent.
   */
  async link(actor: Actor, proof: LinkProof): Promise<{ userId: string; linked: Channel[]; mergedFromUserId: string | null }> {
    let identities: { channel: Channel; value: string }[];
    let claim: (tx: Tx) => Promise<void> = async () => undefined;
    if (proof.channel === 'wechat') {
      const session = await this.wechat.exchange(proof.app, proof.loginCode);
      if (!session) throw IdentityErrors.wechatCodeInvalid();
      identities = wechatIdentities(proof.app, session);
    } else if (proof.channel === 'phone') {
      identities = [{ channel: 'phone', value: proof.phone }];
      const otpId = await this.checkOtp(proof.phone, proof.code);
      claim = (tx) => this.claimOtp(tx, otpId);
    } else {
      const card = proof.cardNumber.toUpperCase();
      identities = [{ channel: 'member-card', value: card }];
      const codeId = await this.checkMemberCardCode(card, proof.code, actor.userId);
      claim = async (tx) => {
        if (!(await this.codes.claimCardCode(tx, codeId, actor.userId, new Date()))) throw IdentityErrors.otpUsed();
      };
    }
    const hold = await this.mergeHold(actor, identities);
    if (hold) {
      const mergeRequestId = await this.accounts.transaction(async (tx) => {
        await claim(tx);
        return this.accounts.queueMergeRequest(tx, { requestedBy: hold.requestedBy, sourceUserId: hold.sourceUserId, channel: hold.channel, value: hold.value, reasons: hold.reasons });
      });
      throw IdentityErrors.mergeApprovalRequired(mergeRequestId, hold.reasons);
    }
    return this.withUniqueRetry(() =>
      this.accounts.transaction(async (tx) => {
        const me = await this.accounts.requireActive(tx, actor.userId);
        await claim(tx);
        let mergedFromUserId: string | null = null;
        for (const identity of identities) {
          const merged = await this.accounts.attachIdentity(tx, me.id, identity.channel, identity.value, `proved ${identity.channel} ownership`);
          mergedFromUserId ??= merged;
        }
        return { userId: me.id, linked: identities.map((i) => i.channel), mergedFromUserId };
      }),
    );
  }

  /**
   * Whether linking these identities would merge an account that only ops may merge: one holding any
   * role beyond `resident`, or one with open orders at a pickup point other than the caller's (asked of
   * the orders service; when it cannot answer, the merge waits for ops too).
   */
  private async mergeHold(actor: Actor, identities: { channel: Channel; value: string }[]) {
    const { me, holders } = await this.accounts.transaction(async (tx) => {
      const me = await this.accounts.requireActive(tx, actor.userId);
      const holders = [];
      for (const identity of identities) holders.push({ identity, holder: await this.accounts.holderOf(tx, identity.channel, identity.value) });
      return { me, holders };
    });
    for (const { identity, holder } of holders) {
      if (!holder || holder.id === me.id || holder.status !== 'active') continue;
      const reasons: string[] = [];
      const privileged = privilegedRoles(holder.roles);
      if (privileged.length) reasons.push(rolesReason(privileged));
      try {
        const check = await this.rpc.request(orders.mergeCheck, { actor: { userId: me.id, roles: actor.roles }, sourceUserId: holder.id, targetUserId: me.id }, { timeoutMs: 5000 });
        if (check.openOrdersElsewhere > 0) reasons.push(`the account has ${check.openOrdersElsewhere} open order(s) at another pickup point`);
      } catch {
        reasons.push('the open orders of the account could not be checked');
      }
      if (reasons.length) return { requestedBy: me.id, sourceUserId: holder.id, channel: identity.channel, value: identity.value, reasons };
    }
    return null;
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const token = await this.sessionRows.refreshTokenByHash(this.db, sha256(refreshToken));
    if (!token || token.session.revokedAt || token.expiresAt.getTime() <= Date.now()) throw IdentityErrors.refreshInvalid();
    if (token.rotatedAt) {
      // A rotated token came back: someone holds a copy. Revoke the whole session.
      await this.accounts.transaction((tx) => this.sessions.revoke(tx, { id: token.sessionId }, 'refresh-reused'));
      throw IdentityErrors.refreshInvalid();
    }
    return this.accounts.transaction(async (tx) => {
      if (!(await this.sessionRows.rotate(tx, token.id, new Date()))) throw IdentityErrors.refreshInvalid();
      const user = await this.accounts.resolve(tx, token.session.userId);
      if (!user || user.status !== 'active') throw IdentityErrors.refreshInvalid();
      return this.issueTokens(tx, user.id, user.roles as Role[], token.session.device ?? undefined, false, token.sessionId);
    });
  }

  async signOut(actor: Actor, refreshToken: string): Promise<{ revoked: boolean }> {
    const token = await this.sessionRows.refreshTokenByHash(this.db, sha256(refreshToken));
    if (!token || token.session.userId !== actor.userId) return { revoked: false };
    await this.accounts.transaction((tx) => this.sessions.revoke(tx, { id: token.sessionId }, 'signed-out'));
    return { revoked: true };
  }

  private async issueTokens(tx: Tx, userId: string, roles: Role[], device: string | undefined, isNewUser: boolean, sessionId?: string): Promise<TokenPair> {
    const sid = sessionId ?? randomUUID();
    if (!sessionId) await this.sessionRows.createSession(tx, { id: sid, userId, device: device ?? null });
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Date.now() + this.options.refreshTokenTtlDays * 86_400_000);
    await this.sessionRows.createRefreshToken(tx, { id: randomUUID(), sessionId: sid, tokenHash: sha256(refreshToken), expiresAt: refreshExpiresAt });
    const access = issueAccessToken({ userId, roles: roles.length ? roles : ['resident'], sessionId: sid, ttlSeconds: this.options.accessTokenTtlSeconds }, this.options.tokenSecret);
    return {
      userId,
      roles,
      accessToken: access.token,
      refreshToken,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
      isNewUser,
    };
  }

  /** Two first sign-ins of one identity at once: the loser of the unique race retries and finds the winner's user. */
  private async withUniqueRetry<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return fn();
      throw error;
    }
  }
}

/** The mobile segment of a number (E.164 country code and the first 7 national digits), for the per-prefix SMS budget. */
export function phonePrefixOf(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  return `+${digits.slice(0, digits.startsWith('86') ? 9 : 8)}`;
}

function wechatIdentities(app: WechatApp, session: WechatSession): { channel: Channel; value: string }[] {
  const open: { channel: Channel; value: string } =
    app === 'mini-program' ? { channel: 'mini-program-openid', value: session.openid } : { channel: 'wechat-openid', value: `${app}:${session.openid}` };
  return session.unionid ? [{ channel: 'wechat-unionid', value: session.unionid }, open] : [open];
}
