import { Inject, Injectable } from '@nestjs/common';
import { growth, type Actor } from '@linli/contracts';
import { GrowthReferralsRepository, memberAccount, platformAccount } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import type { z } from 'zod';
import { GrowthErrors } from './growth.exception.js';
import { GROWTH_OPTIONS, GrowthTransactions, type GrowthOptions, type Tx } from './growth.options.js';
import { tierIndex, tierRule } from './growth.rules.js';
import { LedgerService } from './ledger.service.js';
import { TiersService } from './tiers.service.js';

type Backing = z.infer<typeof growth.BackingSchema>;

/**
 * Governance of co-creation: members whose tier allows it back proposals with points (a ledger
 * spend into the platform's `backing` account), and every vote is kept with the voter's tier and
 * tier weight at the time, so a proposal's support can be audited. The proposals themselves, and
 * the refusal of votes below a required tier, belong to the communities module, which learns
 * weights from `communities.tier.changed.v1`.
 */
@Injectable()
export class GovernanceService {
  private readonly store = new GrowthReferralsRepository();

  constructor(
    @Inject(GrowthTransactions) private readonly tx: GrowthTransactions,
    @Inject(GROWTH_OPTIONS) private readonly options: GrowthOptions,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(TiersService) private readonly tiers: TiersService,
  ) {}

  async back(actor: Actor, proposalId: string, points: number, idempotencyKey: string): Promise<Backing> {
    const userId = actor.userId;
    return this.tx.run(async (tx) => {
      const previous = await this.store.backingByKey(tx, userId, idempotencyKey);
      if (previous) {
        if (previous.proposalId !== proposalId || previous.points !== points) throw GrowthErrors.keyReused(idempotencyKey);
        return this.audit(tx, proposalId);
      }
      if (!(await this.store.proposalExists(tx, proposalId))) throw GrowthErrors.proposalNotFound(proposalId);
      const tier = await this.tiers.tierOf(tx, userId);
      const needed = this.options.rules.governance.backingMinTier;
      if (tierIndex(tier) < tierIndex(needed) || !tierRule(this.options.rules, tier).perks.canBackProposals) throw GrowthErrors.tierTooLow(needed, tier);
      const posted = await this.ledger.post(tx, {
        idempotencyKey: `back:${userId}:${idempotencyKey}`,
        kind: 'back-proposal',
        userId,
        description: `Backed proposal ${proposalId}`,
        reference: `proposal:${proposalId}`,
        lines: [
          { account: memberAccount(userId, 'available'), amount: -points },
          { account: platformAccount('backing'), amount: points },
        ],
      });
      const backedAt = await this.store.insertBacking(tx, { proposalId, userId, points, tier, entryId: posted.entryId, idempotencyKey });
      const audit = await this.audit(tx, proposalId);
      await enqueueEvent(tx, growth.proposalBacked, { proposalId, userId, points, totalPoints: audit.totalPoints, backedAt: backedAt.toISOString() });
      return audit;
    });
  }

  async backing(_actor: Actor, proposalId: string): Promise<Backing> {
    const db = this.tx.reader as unknown as Tx;
    if (!(await this.store.proposalExists(db, proposalId))) throw GrowthErrors.proposalNotFound(proposalId);
    return this.audit(db, proposalId);
  }

  /** Keeps a vote (from the communities module's event) with the voter's tier and its weight. */
  async recordVote(tx: Tx, v: { proposalId: string; userId: string; votedAt: Date }): Promise<void> {
    const tier = await this.tiers.tierOf(tx, v.userId);
    await this.store.recordVote(tx, { ...v, tier, weight: this.tiers.perks(tier).voteWeight });
  }

  private async audit(tx: Tx, proposalId: string): Promise<Backing> {
    const backers = await this.store.backers(tx, proposalId);
    const tally = await this.store.voteTally(tx, proposalId);
    return {
      proposalId,
      totalPoints: backers.reduce((a, b) => a + b.points, 0),
      backers: backers.map((b) => ({ userId: b.userId, points: b.points, tier: b.tier as growth.Tier, backedAt: b.backedAt.toISOString() })),
      votes: {
        count: tally.reduce((a, t) => a + t.votes, 0),
        weighted: tally.reduce((a, t) => a + t.weight, 0),
        byTier: Object.fromEntries(tally.map((t) => [t.tier, t.votes])),
      },
    };
  }
}
