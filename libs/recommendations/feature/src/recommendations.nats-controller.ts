import { Inject, Injectable } from '@nestjs/common';
import { recommendations as c, type RpcRequest } from '@linli/contracts';
import { RpcHandler } from '@linli/nest-kit';
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

/** NATS request/reply surface of the recommendations service; requests arrive validated against the contracts. */
@Injectable()
export class RecommendationsNatsController {
  constructor(
    @Inject(RecommendationEngine) private readonly engine: RecommendationEngine,
    @Inject(BehaviourService) private readonly behaviour: BehaviourService,
    @Inject(AssetsService) private readonly assets: AssetsService,
    @Inject(SegmentsService) private readonly segments: SegmentsService,
    @Inject(InsightsService) private readonly insights: InsightsService,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(BacktestService) private readonly backtests: BacktestService,
  ) {}

  @RpcHandler(c.recordBehaviour)
  recordBehaviour(req: RpcRequest<typeof c.recordBehaviour>) {
    return this.behaviour.record(req.actor, req.events);
  }

  /** Residents ask for themselves; ops for anyone. Served from memory. */
  @RpcHandler(c.getRecommendations)
  recommend(req: RpcRequest<typeof c.getRecommendations>) {
    const userId = req.userId ?? req.actor.userId;
    if (userId !== req.actor.userId) opsOnly(req.actor.roles);
    const outcome = this.engine.recommend({ userId, campaignId: req.campaignId, itemIds: req.itemIds, limit: req.limit });
    if (!outcome.ok) throw RecommendationsErrors.campaignNotFound(req.campaignId!);
    const fittedAt = this.engine.status().fittedAt;
    return {
      userId: outcome.userId,
      personalised: outcome.personalised,
      campaignId: req.campaignId ?? null,
      items: outcome.items,
      modelFittedAt: fittedAt ? fittedAt.toISOString() : null,
      generatedAt: new Date().toISOString(),
    };
  }

  @RpcHandler(c.getCustomerAssets)
  customerAssets(req: RpcRequest<typeof c.getCustomerAssets>) {
    return this.assets.getAssets(req.actor, req.userId);
  }

  @RpcHandler(c.createSegment)
  createSegment(req: RpcRequest<typeof c.createSegment>) {
    return this.segments.create(req.actor, req.segment);
  }

  @RpcHandler(c.updateSegment)
  updateSegment(req: RpcRequest<typeof c.updateSegment>) {
    return this.segments.update(req.actor, req.segmentId, req.segment);
  }

  @RpcHandler(c.deleteSegment)
  deleteSegment(req: RpcRequest<typeof c.deleteSegment>) {
    return this.segments.remove(req.actor, req.segmentId);
  }

  @RpcHandler(c.getSegment)
  getSegment(req: RpcRequest<typeof c.getSegment>) {
    return this.segments.get(req.actor, req.segmentId);
  }

  @RpcHandler(c.listSegments)
  listSegments(req: RpcRequest<typeof c.listSegments>) {
    return this.segments.list(req.actor);
  }

  @RpcHandler(c.segmentMembers)
  segmentMembers(req: RpcRequest<typeof c.segmentMembers>) {
    return this.segments.members(req.actor, req.segmentId, req.limit, req.offset);
  }

  @RpcHandler(c.compoundInsights)
  compoundInsights(req: RpcRequest<typeof c.compoundInsights>) {
    return this.insights.compound(req.actor, req);
  }

  @RpcHandler(c.assetMetrics)
  assetMetrics(req: RpcRequest<typeof c.assetMetrics>) {
    return this.metrics.assetMetrics(req.actor, req);
  }

  @RpcHandler(c.latestBacktest)
  async latestBacktest(req: RpcRequest<typeof c.latestBacktest>) {
    opsOnly(req.actor.roles);
    return { backtest: await this.backtests.latest() };
  }

  @RpcHandler(c.runBacktest)
  async runBacktest(req: RpcRequest<typeof c.runBacktest>) {
    opsOnly(req.actor.roles);
    return { backtest: await this.backtests.run(req.asOf, req.holdoutDays) };
  }

  @RpcHandler(c.refreshAssets)
  async refreshAssets(req: RpcRequest<typeof c.refreshAssets>) {
    opsOnly(req.actor.roles);
    const { ms: _ms, ...outcome } = await this.assets.refreshAll(req.asOf);
    return outcome;
  }
}
