import { recommendations as c, type RpcRequest } from '@linli/contracts';
import { bind, rpcBindings } from '@linli/nest-kit';
import { AssetsService } from './assets.service.js';
import { BacktestService } from './backtest.service.js';
import { BehaviourService } from './behaviour.service.js';
import { RecommendationEngine } from './engine/recommendation-engine.js';
import { InsightsService } from './insights.service.js';
import { MetricsService } from './metrics.service.js';
import { RecommendationsErrors } from './recommendations.exception.js';
import { SegmentsService } from './segments.service.js';

const opsOnly = (roles: readonly string[]) => {
  if (!roles.includes('ops')) throw RecommendationsErrors.forbidden('ops only');
};

/** Residents ask for themselves; ops for anyone. Served from memory. */
function recommend(engine: RecommendationEngine, req: RpcRequest<typeof c.getRecommendations>) {
  const userId = req.userId ?? req.actor.userId;
  if (userId !== req.actor.userId) opsOnly(req.actor.roles);
  const outcome = engine.recommend({ userId, campaignId: req.campaignId, itemIds: req.itemIds, limit: req.limit });
  if (!outcome.ok) throw RecommendationsErrors.campaignNotFound(req.campaignId!);
  const fittedAt = engine.status().fittedAt;
  return {
    userId: outcome.userId,
    personalised: outcome.personalised,
    campaignId: req.campaignId ?? null,
    items: outcome.items,
    modelFittedAt: fittedAt ? fittedAt.toISOString() : null,
    generatedAt: new Date().toISOString(),
  };
}

/** NATS request/reply surface of the recommendations service; requests arrive validated against the contracts. */
export const RecommendationsNatsController = rpcBindings('recommendations', [RecommendationEngine, BehaviourService, AssetsService, SegmentsService, InsightsService, MetricsService, BacktestService], (engine, behaviour, assets, segments, insights, metrics, backtests) => [
  bind(c.recordBehaviour, (req) => behaviour.record(req.actor, req.events)),
  bind(c.getRecommendations, (req) => recommend(engine, req)),
  bind(c.getCustomerAssets, (req) => assets.getAssets(req.actor, req.userId)),
  bind(c.createSegment, (req) => segments.create(req.actor, req.segment)),
  bind(c.updateSegment, (req) => segments.update(req.actor, req.segmentId, req.segment)),
  bind(c.deleteSegment, (req) => segments.remove(req.actor, req.segmentId)),
  bind(c.getSegment, (req) => segments.get(req.actor, req.segmentId)),
  bind(c.listSegments, (req) => segments.list(req.actor)),
  bind(c.segmentMembers, (req) => segments.members(req.actor, req.segmentId, req.limit, req.offset)),
  bind(c.compoundInsights, (req) => insights.compound(req.actor, req)),
  bind(c.assetMetrics, (req) => metrics.assetMetrics(req.actor, req)),
  bind(c.latestBacktest, async (req) => {
    opsOnly(req.actor.roles);
    return { backtest: await backtests.latest() };
  }),
  bind(c.runBacktest, async (req) => {
    opsOnly(req.actor.roles);
    return { backtest: await backtests.run(req.asOf, req.holdoutDays) };
  }),
  bind(c.refreshAssets, async (req) => {
    opsOnly(req.actor.roles);
    const { ms: _ms, ...outcome } = await assets.refreshAll(req.asOf);
    return outcome;
  }),
]);
