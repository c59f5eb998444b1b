import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { growth, LinliError, type Actor } from '@linli/contracts';
import { GrowthMembersRepository, GrowthReferralsRepository } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import type { z } from 'zod';
import { ActivityService } from './activity.service.js';
import { GrowthErrors } from './growth.exception.js';
import { GROWTH_OPTIONS, GrowthTransactions, type GrowthOptions, type Tx } from './growth.options.js';
import { LedgerService } from './ledger.service.js';

type Invite = z.infer<typeof growth.InviteSchema>;

/** Letters and digits that cannot be misread for one another (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
/** How far up the inviter chain a loop is looked for. */
const LOOP_DEPTH = 50;

export function newInviteCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

/**
 * Referrals: one invite code per member, shares (the invitations K-factor counts), attribution at
 * sign-up (identity passes the code on) or by a later claim, and the inviter's reward after the
 * invitee's first completed order. Self-referral, loops, unknown codes and a second attribution are
 * refused — at sign-up the refusal is recorded (the sign-up itself stands), on a claim it is the answer.
 */
@Injectable()
export class ReferralsService {
  private readonly referrals = new GrowthReferralsRepository();
  private readonly members = new GrowthMembersRepository();

  constructor(
    @Inject(GrowthTransactions) private readonly tx: GrowthTransactions,
    @Inject(GROWTH_OPTIONS) private readonly options: GrowthOptions,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(ActivityService) private readonly activity: ActivityService,
  ) {}

  private async ensureCode(tx: Tx, userId: string): Promise<string> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const code = await this.referrals.claimCode(tx, userId, newInviteCode());
      if (code) return code;
    }
    throw new Error('could not find a free invite code');
  }

  private async view(tx: Tx, userId: string): Promise<Invite> {
    const code = await this.ensureCode(tx, userId);
    const counts = await this.referrals.counts(tx, userId);
    const mine = await this.referrals.referralOf(tx, userId);
    return {
      code,
      link: `${this.options.rules.referrals.linkBase}${code}`,
      invitesSent: counts.shares,
      signedUp: counts.signedUp,
      converted: counts.converted,
      invitedBy: mine?.inviterUserId ?? null,
    };
  }

  async invite(actor: Actor): Promise<Invite> {
    return this.tx.run((tx) => this.view(tx, actor.userId));
  }

  async share(actor: Actor, channel: z.infer<typeof growth.ShareChannelSchema>): Promise<Invite> {
    return this.tx.run(async (tx) => {
      await this.ensureCode(tx, actor.userId);
      await this.recordShare(tx, actor.userId, channel);
      return this.view(tx, actor.userId);
    });
  }

  private async recordShare(tx: Tx, userId: string, channel: z.infer<typeof growth.ShareChannelSchema>): Promise<void> {
    const sentAt = await this.referrals.recordShare(tx, userId, channel);
    const place = await this.members.get(tx, userId);
    await enqueueEvent(tx, growth.inviteSent, {
      inviterUserId: userId,
      channel,
      compoundId: place?.compoundId ?? null,
      pickupPointId: place?.pickupPointId ?? null,
      sentAt: sentAt.toISOString(),
    });
  }

  /** A member names their inviter after signing up (within the claim window, before a first completed order). */
  async claim(actor: Actor, code: string): Promise<{ inviterUserId: string; attributedAt: string }> {
    return this.tx.run(async (tx) => {
      const member = await this.members.lock(tx, actor.userId);
      const window = this.options.rules.referrals.claimWindowDays;
      if (member.registeredAt && Date.now() - member.registeredAt.getTime() > window * 86_400_000) throw GrowthErrors.attributionClosed(`more than ${window} days since sign-up`);
      if (((await this.activity.counts(tx, actor.userId)).pickup ?? 0) > 0) throw GrowthErrors.attributionClosed('a first order was already collected');
      const result = await this.attribute(tx, actor.userId, code.toUpperCase(), 'claim');
      if (result instanceof LinliError) throw result;
      return { inviterUserId: result.inviterUserId, attributedAt: result.attributedAt.toISOString() };
    });
  }

  /** At sign-up: attributes the invitee to the code's owner, or records why not. */
  async attributeAtSignUp(tx: Tx, inviteeUserId: string, code: string): Promise<void> {
    const result = await this.attribute(tx, inviteeUserId, code.toUpperCase(), 'sign-up');
    if (result instanceof LinliError) await this.referrals.recordRefusal(tx, inviteeUserId, code, result.code);
  }

  private async attribute(tx: Tx, inviteeUserId: string, code: string, via: 'sign-up' | 'claim'): Promise<{ inviterUserId: string; attributedAt: Date } | LinliError> {
    const inviterUserId = await this.referrals.ownerOf(tx, code);
    if (!inviterUserId) return GrowthErrors.codeUnknown(code);
    if (inviterUserId === inviteeUserId) return GrowthErrors.selfReferral();
    const existing = await this.referrals.referralOf(tx, inviteeUserId);
    if (existing) return GrowthErrors.alreadyAttributed(existing.inviterUserId);
    if ((await this.referrals.inviterChain(tx, inviterUserId, LOOP_DEPTH)).includes(inviteeUserId)) return GrowthErrors.referralLoop(inviterUserId);
    const attributedAt = await this.referrals.attribute(tx, { inviteeUserId, inviterUserId, code, via });
    if (!attributedAt) return GrowthErrors.alreadyAttributed((await this.referrals.referralOf(tx, inviteeUserId))!.inviterUserId);
    // Every sign-up by code was an invitation; one no recorded share explains is counted now.
    const counts = await this.referrals.counts(tx, inviterUserId);
    if (counts.shares < counts.signedUp) await this.recordShare(tx, inviterUserId, 'unrecorded');
    const place = await this.members.get(tx, inviterUserId);
    await enqueueEvent(tx, growth.referralAttributed, {
      inviterUserId,
      inviteeUserId,
      code,
      compoundId: place?.compoundId ?? null,
      pickupPointId: place?.pickupPointId ?? null,
      attributedAt: attributedAt.toISOString(),
    });
    return { inviterUserId, attributedAt };
  }

  /** The invitee's first completed order: reward the inviter, once. */
  async convert(tx: Tx, inviteeUserId: string, orderId: string, at: Date): Promise<void> {
    const referral = await this.referrals.convert(tx, inviteeUserId, orderId);
    if (!referral) return;
    const points = this.options.rules.earn.referralInviter;
    await this.ledger.earn(tx, { userId: referral.inviterUserId, points, key: `referral:${inviteeUserId}`, description: 'A neighbour you invited collected a first order', reference: `order:${orderId}`, at });
    await this.activity.record(tx, { userId: referral.inviterUserId, kind: 'referral-converted', sourceKey: `referral:${inviteeUserId}`, at });
    const place = await this.members.get(tx, referral.inviterUserId);
    await enqueueEvent(tx, growth.referralConverted, {
      inviterUserId: referral.inviterUserId,
      inviteeUserId,
      orderId,
      pointsAwarded: points,
      compoundId: place?.compoundId ?? null,
      pickupPointId: place?.pickupPointId ?? null,
      convertedAt: at.toISOString(),
    });
  }
}
