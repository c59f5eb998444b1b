import { growth as c } from '@linli/contracts';
import { bind, rpcBindings } from '@linli/nest-kit';
import { ActivityService } from './activity.service.js';
import { GovernanceService } from './governance.service.js';
import { GrowthJobs } from './growth.jobs.js';
import { JourneysService } from './journeys.service.js';
import { LedgerService } from './ledger.service.js';
import { ReferralsService } from './referrals.service.js';
import { TiersService } from './tiers.service.js';

/** NATS request/reply surface of the growth module; requests arrive validated against the contracts. */
export const GrowthNatsController = rpcBindings('growth', [LedgerService, TiersService, ActivityService, JourneysService, ReferralsService, GovernanceService, GrowthJobs], (ledger, tiers, activity, journeys, referrals, governance, jobs) => [
  bind(c.getStatement, (req) => ledger.statement(req.actor, req.userId, req.limit)),
  bind(c.reservePoints, (req) => ledger.reserve(req.actor, req)),
  bind(c.commitPoints, (req) => ledger.commit(req.actor, req.reservationId)),
  bind(c.releasePoints, (req) => ledger.release(req.actor, req.reservationId)),
  bind(c.listRewards, () => ledger.rewards()),
  bind(c.redeemReward, (req) => ledger.redeem(req.actor, req.rewardId, req.idempotencyKey)),
  bind(c.adjustPoints, (req) => ledger.adjust(req.actor, req)),
  bind(c.getTier, (req) => tiers.view(req.actor, req.userId)),
  bind(c.grantTier, (req) => tiers.grant(req.actor, req.userId, req.tier, req.reason)),
  bind(c.runTierReview, (req) => jobs.review(req.actor, req.month)),
  bind(c.listBadges, (req) => activity.badges(req.actor, req.userId)),
  bind(c.myJourney, (req) => journeys.mine(req.actor)),
  bind(c.journeyFunnel, (req) => journeys.funnel(req.actor, req.journeyId, req.from, req.to)),
  bind(c.getInvite, (req) => referrals.invite(req.actor)),
  bind(c.recordShare, (req) => referrals.share(req.actor, req.channel)),
  bind(c.claimInvite, (req) => referrals.claim(req.actor, req.code)),
  bind(c.backProposal, (req) => governance.back(req.actor, req.proposalId, req.points, req.idempotencyKey)),
  bind(c.proposalBacking, (req) => governance.backing(req.actor, req.proposalId)),
]);
