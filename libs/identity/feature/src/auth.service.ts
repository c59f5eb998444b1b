import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Actor, Role, identity } from '@linli/contracts';

type Channel = identity.Channel;
type LinkProof = identity.LinkProof;
type TokenPair = identity.TokenPair;
import { IdentityDb } from '@linli/identity-data-access';
import { issueAccessToken } from '@linli/nest-kit';
import { AccountsService, type Tx } from './accounts.service.js';
import { IdentityErrors } from './identity.exception.js';
import { IDENTITY_OPTIONS, type IdentityOptions } from './identity.options.js';
import { SmsSender } from './sms-sender.js';
import { WechatAuth, type WechatApp, type WechatSession } from './wechat-auth.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Sign-up and sign-in (phone one-time codes, WeChat login codes), token issue, rotation and revocation. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(IdentityDb) private readonly db: IdentityDb,
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(SmsSender) private readonly sms: SmsSender,
    @Inject(WechatAuth) private readonly wechat: WechatAuth,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
  ) {}

  private codeHash(phone: string, code: string): string {
    return sha256(`${phone}:${code}:${this.options.tokenSecret}`);
  }

  /** Sends a fresh code; at most one per resend interval and a bounded number per hour per phone. */
  async requestOtp(phone: string): Promise<{ expiresAt: string; resendAfterSeconds: number }> {
    const now = Date.now();
    const recent = await this.db.otpCode.findMany({
      where: { phone, createdAt: { gt: new Date(now - 3_600_000) } },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    });
    const last = recent[0];
    if (last && now - last.createdAt.getTime() < this.options.otpResendSeconds * 1000) {
      throw IdentityErrors.otpRateLimited(Math.ceil((this.options.otpResendSeconds * 1000 - (now - last.createdAt.getTime())) / 1000));
    }
    if (recent.length >= this.options.otpMaxPerHour) {
      throw IdentityErrors.otpRateLimited(Math.ceil((recent[recent.length - 1]!.createdAt.getTime() + 3_600_000 - now) / 1000));
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now + this.options.otpTtlSeconds * 1000);
    await this.db.otpCode.create({ data: { id: randomUUID(), phone, codeHash: this.codeHash(phone, code), expiresAt } });
    await this.sms.sendCode(phone, code);
    return { expiresAt: expiresAt.toISOString(), resendAfterSeconds: this.options.otpResendSeconds };
  }

  /**
   * Checks a code against the newest one sent to the phone. A wrong code counts an attempt (committed
   * although the call fails). Returns the code's id, to be claimed inside the caller's transaction.
   */
  private async checkOtp(phone: string, code: string): Promise<string> {
    const latest = await this.db.otpCode.findFirst({ where: { phone }, orderBy: { createdAt: 'desc' } });
    if (!latest) throw IdentityErrors.otpInvalid();
    if (latest.usedAt) throw IdentityErrors.otpUsed();
    if (latest.expiresAt.getTime() <= Date.now()) throw IdentityErrors.otpExpired();
    if (latest.attempts >= this.options.otpMaxAttempts) throw IdentityErrors.otpTooManyAttempts();
    if (latest.codeHash !== this.codeHash(phone, code)) {
      await this.db.otpCode.update({ where: { id: latest.id }, data: { attempts: { increment: 1 } } });
      throw IdentityErrors.otpInvalid();
    }
    return latest.id;
  }

  /** Marks the code used; single-use even when the same code is replayed concurrently. */
  private async claimOtp(tx: Tx, otpId: string): Promise<void> {
    const claimed = await tx.otpCode.updateMany({ where: { id: otpId, usedAt: null }, data: { usedAt: new Date() } });
    if (claimed.count !== 1) throw IdentityErrors.otpUsed();
  }

  async verifyOtp(phone: string, code: string, device?: string): Promise<TokenPair> {
    const otpId = await this.checkOtp(phone, code);
    return this.withUniqueRetry(() =>
      this.accounts.transaction(async (tx) => {
        await this.claimOtp(tx, otpId);
        const { user, isNew } = await this.accounts.findOrCreateByIdentity(tx, 'phone', phone);
        return this.issueTokens(tx, user.id, user.roles as Role[], device, isNew);
      }),
    );
  }

  async wechatSignIn(app: WechatApp, loginCode: string, device?: string): Promise<TokenPair> {
    const session = await this.wechat.exchange(app, loginCode);
    if (!session) throw IdentityErrors.wechatCodeInvalid();
    return this.withUniqueRetry(() =>
      this.accounts.transaction(async (tx) => {
        const [primary, ...others] = wechatIdentities(app, session);
        const { user, isNew } = await this.accounts.findOrCreateByIdentity(tx, primary!.channel, primary!.value);
        for (const other of others) {
          await this.accounts.attachIdentity(tx, user.id, other.channel, other.value, `same WeChat ${other.channel} at sign-in`);
        }
        const current = await this.accounts.requireActive(tx, user.id);
        return this.issueTokens(tx, current.id, current.roles as Role[], device, isNew);
      }),
    );
  }

  /** Attaches a proven channel identity to the caller, merging the account that held it. */
  async link(actor: Actor, proof: LinkProof): Promise<{ userId: string; linked: Channel[]; mergedFromUserId: string | null }> {
    let identities: { channel: Channel; value: string }[];
    let session: WechatSession | null = null;
    if (proof.channel === 'wechat') {
      session = await this.wechat.exchange(proof.app, proof.loginCode);
      if (!session) throw IdentityErrors.wechatCodeInvalid();
      identities = wechatIdentities(proof.app, session);
    } else if (proof.channel === 'phone') {
      identities = [{ channel: 'phone', value: proof.phone }];
    } else {
      identities = [{ channel: 'member-card', value: proof.cardNumber.toUpperCase() }];
    }
    const otpId = proof.channel === 'phone' ? await this.checkOtp(proof.phone, proof.code) : null;
    return this.withUniqueRetry(() =>
      this.accounts.transaction(async (tx) => {
        const me = await this.accounts.requireActive(tx, actor.userId);
        if (otpId) await this.claimOtp(tx, otpId);
        let mergedFromUserId: string | null = null;
        for (const identity of identities) {
          const merged = await this.accounts.attachIdentity(tx, me.id, identity.channel, identity.value, `proved ${identity.channel} ownership`);
          mergedFromUserId ??= merged;
        }
        return { userId: me.id, linked: identities.map((i) => i.channel), mergedFromUserId };
      }),
    );
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const token = await this.db.refreshToken.findUnique({ where: { tokenHash: sha256(refreshToken) }, include: { session: true } });
    if (!token || token.session.revokedAt || token.expiresAt.getTime() <= Date.now()) throw IdentityErrors.refreshInvalid();
    if (token.rotatedAt) {
      // A rotated token came back: someone holds a copy. Revoke the whole session.
      await this.db.session.update({ where: { id: token.sessionId }, data: { revokedAt: new Date() } });
      throw IdentityErrors.refreshInvalid();
    }
    return this.accounts.transaction(async (tx) => {
      const claimed = await tx.refreshToken.updateMany({ where: { id: token.id, rotatedAt: null }, data: { rotatedAt: new Date() } });
      if (claimed.count !== 1) throw IdentityErrors.refreshInvalid();
      const user = await this.accounts.resolve(tx, token.session.userId);
      if (!user || user.status !== 'active') throw IdentityErrors.refreshInvalid();
      return this.issueTokens(tx, user.id, user.roles as Role[], token.session.device ?? undefined, false, token.sessionId);
    });
  }

  async signOut(actor: Actor, refreshToken: string): Promise<{ revoked: boolean }> {
    const token = await this.db.refreshToken.findUnique({ where: { tokenHash: sha256(refreshToken) }, include: { session: true } });
    if (!token || token.session.userId !== actor.userId) return { revoked: false };
    await this.db.session.update({ where: { id: token.sessionId }, data: { revokedAt: new Date() } });
    return { revoked: true };
  }

  private async issueTokens(tx: Tx, userId: string, roles: Role[], device: string | undefined, isNewUser: boolean, sessionId?: string): Promise<TokenPair> {
    const sid = sessionId ?? randomUUID();
    if (!sessionId) await tx.session.create({ data: { id: sid, userId, device: device ?? null } });
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Date.now() + this.options.refreshTokenTtlDays * 86_400_000);
    await tx.refreshToken.create({ data: { id: randomUUID(), sessionId: sid, tokenHash: sha256(refreshToken), expiresAt: refreshExpiresAt } });
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

function wechatIdentities(app: WechatApp, session: WechatSession): { channel: Channel; value: string }[] {
  const open: { channel: Channel; value: string } =
    app === 'mini-program' ? { channel: 'mini-program-openid', value: session.openid } : { channel: 'wechat-openid', value: `${app}:${session.openid}` };
  return session.unionid ? [{ channel: 'wechat-unionid', value: session.unionid }, open] : [open];
}
