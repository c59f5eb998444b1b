import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { growth, type Actor } from '@linli/contracts';
import { GrowthMembersRepository } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { memberOf } from './growth.exception.js';
import { GROWTH_OPTIONS, GrowthTransactions, type GrowthOptions, type Tx } from './growth.options.js';
import type { ActivityKind } from './growth.rules.js';
import { JourneysService } from './journeys.service.js';
import { TiersService } from './tiers.service.js';

/**
 * What a member did, once per source: recorded, then their tier re-evaluated (upgrades at once),
 * badges awarded and journey steps completed.
 */
@Injectable()
export class ActivityService {
  private readonly members = new GrowthMembersRepository();

  constructor(
    @Inject(GROWTH_OPTIONS) private readonly options: GrowthOptions,
    @Inject(GrowthTransactions) private readonly tx: GrowthTransactions,
    @Inject(TiersService) private readonly tiers: TiersService,
    @Inject(JourneysService) private readonly journeys: JourneysService,
  ) {}

  /** Records an activity; false (and nothing else happens) when its source was seen before. */
  async record(tx: Tx, a: { userId: string; kind: ActivityKind; sourceKey: string; at: Date }): Promise<boolean> {
    await this.members.lock(tx, a.userId);
    const weight = this.options.rules.tiers.weights[a.kind] ?? 0;
    if (!(await this.members.recordActivity(tx, { sourceKey: a.sourceKey, userId: a.userId, kind: a.kind, weight, occurredAt: a.at }))) return false;
    // A member growth first hears of through an activity starts the journeys now.
    await this.journeys.enrol(tx, a.userId, a.at);
    await this.tiers.evaluate(tx, a.userId, a.at);
    await this.awardBadges(tx, a.userId);
    await this.journeys.progress(tx, a.userId, a.at);
    return true;
  }

  /** Re-reads a member's activity after it changed wholesale (an account merged into them): tier, badges, journey steps. */
  async refresh(tx: Tx, userId: string, at: Date): Promise<void> {
    await this.members.lock(tx, userId);
    await this.tiers.evaluate(tx, userId, at);
    await this.awardBadges(tx, userId);
    await this.journeys.progress(tx, userId, at);
  }

  /** Activity counts over all time, by kind. */
  counts(tx: Tx, userId: string): Promise<Record<string, number>> {
    return this.members.activityCounts(tx, userId);
  }

  private async awardBadges(tx: Tx, userId: string): Promise<void> {
    const counts = await this.members.activityCounts(tx, userId);
    for (const badge of this.options.rules.badges) {
      const have = badge.kinds.reduce((a, k) => a + (counts[k] ?? 0), 0);
      if (have < badge.count) continue;
      const awardedAt = await this.members.awardBadge(tx, userId, badge.badgeId);
      if (awardedAt) await enqueueEvent(tx, growth.badgeAwarded, { userId, badgeId: badge.badgeId, title: badge.title, awardedAt: awardedAt.toISOString() });
    }
  }

  /** A member's honours (anyone signed in may see them: they are shown on the resident's profile). */
  async badges(actor: Actor, userId?: string): Promise<{ userId: string; badges: z.infer<typeof growth.BadgeSchema>[] }> {
    const member = userId ?? actor.userId;
    if (!userId) memberOf(actor, member);
    const rows = await this.members.badges(this.tx.reader, member);
    const byId = new Map(this.options.rules.badges.map((b) => [b.badgeId, b]));
    return {
      userId: member,
      badges: rows.map((r) => ({ badgeId: r.badgeId, title: byId.get(r.badgeId)?.title ?? r.badgeId, description: byId.get(r.badgeId)?.description ?? '', awardedAt: r.awardedAt.toISOString() })),
    };
  }
}
