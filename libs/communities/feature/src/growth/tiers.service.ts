import { Injectable } from '@nestjs/common';
import { growth, type Actor } from '@linli/contracts';
import { GrowthMembersRepository } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { assertOps, memberOf } from './growth.exception.js';
import { GrowthService, type Tx } from './growth.options.js';
import { earnedTier, missingFor, monthOf, tierIndex, tierRule, zoneOffsetMs } from './growth.rules.js';

type Tier = growth.Tier;

/**
 * Tiers 尝鲜者 → 常客 → 共建者 from activity over a rolling window (rules in configuration). Up at
 * once when activity earns it; down only at the monthly review. Every change is recorded and
 * published with the new tier's perks (`communities.tier.changed.v1`), which is how other services
 * (and the communities module's vote weights) learn them.
 */
@Injectable()
export class TiersService extends GrowthService {
  readonly members = new GrowthMembersRepository();

  private windowStart(at: Date): Date {
    return new Date(at.getTime() - this.rules.tiers.windowDays * 86_400_000);
  }

  /** The member's current tier (newcomer when unknown). */
  async tierOf(tx: Tx, userId: string): Promise<Tier> {
    return ((await this.members.get(tx, userId))?.tier as Tier | undefined) ?? 'newcomer';
  }

  perks(tier: string): growth.TierPerks {
    return tierRule(this.rules, tier).perks;
  }

  /** Upgrades the member when their activity earns a higher tier. Returns the new tier when it changed. */
  async evaluate(tx: Tx, userId: string, at = new Date()): Promise<Tier | null> {
    const member = await this.members.lock(tx, userId);
    const { score, counts } = await this.members.windowActivity(tx, userId, this.windowStart(at));
    const earned = earnedTier(this.rules, score, counts);
    if (tierIndex(earned) <= tierIndex(member.tier)) return null;
    await this.change(tx, userId, member.tier as Tier, earned, 'activity', null, member.grantedTier);
    return earned;
  }

  private async change(tx: Tx, userId: string, from: Tier | null, to: Tier, reason: 'activity' | 'monthly-review' | 'granted', note: string | null, grantedTier: string | null): Promise<void> {
    await this.members.setTier(tx, userId, to, grantedTier);
    const changedAt = await this.members.recordTierChange(tx, { userId, from, to, reason, note, rulesVersion: this.rules.version });
    await enqueueEvent(tx, growth.tierChanged, {
      userId,
      from,
      to,
      direction: from === null || tierIndex(to) > tierIndex(from) ? 'up' : 'down',
      reason,
      perks: this.perks(to),
      rulesVersion: this.rules.version,
      changedAt: changedAt.toISOString(),
    });
  }

  async view(actor: Actor, userId?: string): Promise<growth.TierView> {
    const member = memberOf(actor, userId);
    return this.viewOf(this.tx.reader as unknown as Tx, member);
  }

  async viewOf(tx: Tx, userId: string, at = new Date()): Promise<growth.TierView> {
    const row = await this.members.get(tx, userId);
    const tier = (row?.tier as Tier | undefined) ?? 'newcomer';
    const { score, counts } = await this.members.windowActivity(tx, userId, this.windowStart(at));
    const nextTier = growth.TIERS[tierIndex(tier) + 1];
    const level = tierRule(this.rules, tier);
    const next = nextTier ? tierRule(this.rules, nextTier) : null;
    return {
      userId,
      tier,
      tierName: level.name,
      since: (row?.tierSince ?? at).toISOString(),
      perks: level.perks,
      progress: {
        score,
        windowDays: this.rules.tiers.windowDays,
        next: next ? { tier: next.tier, tierName: next.name, minScore: next.minScore, missing: missingFor(next, score, counts) } : null,
        activity: counts,
      },
      rulesVersion: this.rules.version,
    };
  }

  /** Ops grants a tier by hand; it holds until a monthly review finds the activity below it. */
  async grant(actor: Actor, userId: string, tier: Tier, reason: string): Promise<growth.TierView> {
    assertOps(actor);
    return this.tx.run(async (tx) => {
      const member = await this.members.lock(tx, userId);
      if (member.tier !== tier) await this.change(tx, userId, member.tier as Tier, tier, 'granted', `${reason} (by ${actor.userId})`, tier);
      return this.viewOf(tx, userId);
    });
  }

  /**
   * The monthly review: every member above newcomer whose activity no longer earns their tier goes
   * down to what it earns, with notice (the tier-changed event, and a nudge). Runs once per month.
   */
  async review(actor: Actor | null, month: string, notify: (tx: Tx, userId: string, text: string) => Promise<void>): Promise<{ month: string; reviewed: number; downgraded: number; alreadyRun: boolean }> {
    if (actor) assertOps(actor);
    return this.tx.run(async (tx) => {
      if (!(await this.members.claimReview(tx, month))) {
        const previous = await this.members.review(tx, month);
        return { month, reviewed: previous?.reviewed ?? 0, downgraded: previous?.downgraded ?? 0, alreadyRun: true };
      }
      const now = new Date();
      // A tier reached (or granted) after the month ended is not judged by that month's review.
      const end = this.monthEnd(month);
      const candidates = (await this.members.aboveTier(tx, 'newcomer')).filter((m) => m.tierSince < end);
      let downgraded = 0;
      for (const member of candidates) {
        const { score, counts } = await this.members.windowActivity(tx, member.userId, this.windowStart(now));
        const earned = earnedTier(this.rules, score, counts);
        if (tierIndex(earned) < tierIndex(member.tier)) {
          await this.change(tx, member.userId, member.tier as Tier, earned, 'monthly-review', `review of ${month}`, null);
          await notify(tx, member.userId, `月度回顾：你的等级调整为${tierRule(this.rules, earned).name}，多参与即可恢复 Monthly review: your tier is now ${tierRule(this.rules, earned).name}; more activity brings it back`);
          downgraded += 1;
        }
      }
      await this.members.finishReview(tx, month, candidates.length, downgraded);
      return { month, reviewed: candidates.length, downgraded, alreadyRun: false };
    });
  }

  /** The instant the month ends (midnight starting the next month in the rules' zone). */
  monthEnd(month: string): Date {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const utc = Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1);
    return new Date(utc - zoneOffsetMs(this.rules.timeZone, new Date(utc)));
  }

  /** The month whose review is due at `now` (the previous calendar month in the rules' zone). */
  dueReviewMonth(now = new Date()): string {
    const current = monthOf(this.rules, now);
    const [y, m] = current.split('-').map(Number) as [number, number];
    return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  }
}
