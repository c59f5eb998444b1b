import { Inject, Injectable } from '@nestjs/common';
import { growth as c, type RpcRequest } from '@linli/contracts';
import { RpcHandler } from '@linli/nest-kit';
import { ActivityService } from './activity.service.js';
import { GovernanceService } from './governance.service.js';
import { GrowthJobs } from './growth.jobs.js';
import { JourneysService } from './journeys.service.js';
import { LedgerService } from './ledger.service.js';
import { ReferralsService } from './referrals.service.js';
import { TiersService } from './tiers.service.js';

/** NATS request/reply surface of the growth module; requests arrive validated against the contracts. */
@Injectable()
export class GrowthNatsController {
  constructor(
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(TiersService) private readonly tiers: TiersService,
    @Inject(ActivityService) private readonly activity: ActivityService,
    @Inject(JourneysService) private readonly journeys: JourneysService,
    @Inject(ReferralsService) private readonly referrals: ReferralsService,
    @Inject(GovernanceService) private readonly governance: GovernanceService,
    @Inject(GrowthJobs) private readonly jobs: GrowthJobs,
  ) {}

  @RpcHandler(c.getStatement)
  statement(req: RpcRequest<typeof c.getStatement>) {
    return this.ledger.statement(req.actor, req.userId, req.limit);
  }

  @RpcHandler(c.reservePoints)
  reserve(req: RpcRequest<typeof c.reservePoints>) {
    return this.ledger.reserve(req.actor, req);
  }

  @RpcHandler(c.commitPoints)
  commit(req: RpcRequest<typeof c.commitPoints>) {
    return this.ledger.commit(req.actor, req.reservationId);
  }

  @RpcHandler(c.releasePoints)
  release(req: RpcRequest<typeof c.releasePoints>) {
    return this.ledger.release(req.actor, req.reservationId);
  }

  @RpcHandler(c.listRewards)
  rewards() {
    return this.ledger.rewards();
  }

  @RpcHandler(c.redeemReward)
  redeem(req: RpcRequest<typeof c.redeemReward>) {
    return this.ledger.redeem(req.actor, req.rewardId, req.idempotencyKey);
  }

  @RpcHandler(c.adjustPoints)
  adjust(req: RpcRequest<typeof c.adjustPoints>) {
    return this.ledger.adjust(req.actor, req);
  }

  @RpcHandler(c.getTier)
  tier(req: RpcRequest<typeof c.getTier>) {
    return this.tiers.view(req.actor, req.userId);
  }

  @RpcHandler(c.grantTier)
  grant(req: RpcRequest<typeof c.grantTier>) {
    return this.tiers.grant(req.actor, req.userId, req.tier, req.reason);
  }

  @RpcHandler(c.runTierReview)
  review(req: RpcRequest<typeof c.runTierReview>) {
    return this.jobs.review(req.actor, req.month);
  }

  @RpcHandler(c.listBadges)
  badges(req: RpcRequest<typeof c.listBadges>) {
    return this.activity.badges(req.actor, req.userId);
  }

  @RpcHandler(c.myJourney)
  journey(req: RpcRequest<typeof c.myJourney>) {
    return this.journeys.mine(req.actor);
  }

  @RpcHandler(c.journeyFunnel)
  funnel(req: RpcRequest<typeof c.journeyFunnel>) {
    return this.journeys.funnel(req.actor, req.journeyId, req.from, req.to);
  }

  @RpcHandler(c.getInvite)
  invite(req: RpcRequest<typeof c.getInvite>) {
    return this.referrals.invite(req.actor);
  }

  @RpcHandler(c.recordShare)
  share(req: RpcRequest<typeof c.recordShare>) {
    return this.referrals.share(req.actor, req.channel);
  }

  @RpcHandler(c.claimInvite)
  claim(req: RpcRequest<typeof c.claimInvite>) {
    return this.referrals.claim(req.actor, req.code);
  }

  @RpcHandler(c.backProposal)
  back(req: RpcRequest<typeof c.backProposal>) {
    return this.governance.back(req.actor, req.proposalId, req.points, req.idempotencyKey);
  }

  @RpcHandler(c.proposalBacking)
  backing(req: RpcRequest<typeof c.proposalBacking>) {
    return this.governance.backing(req.actor, req.proposalId);
  }
}
