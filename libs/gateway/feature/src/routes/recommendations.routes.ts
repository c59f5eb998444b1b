import { z } from 'zod';
import { IsoDateSchema, recommendations as r } from '@linli/contracts';
import { defineRoute, type GatewayRoute } from '../route.js';

const me = ['Me'];
const assets = ['Customer assets'];
const ops = ['Ops'];

/** Query strings arrive as text: numbers are coerced. */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const RecommendationsQuery = z
  .object({
    campaignId: z.string().uuid().optional().meta({ description: "Only this campaign's offers (what is on sale now)." }),
    limit: int(1, 50).optional(),
  })
  .strict();
const BehaviourBody = r.recordBehaviour.request.omit({ actor: true }).strict();
const UserParams = z.object({ userId: r.CustomerIdSchema }).strict();
const SegmentParams = z.object({ segmentId: z.string().uuid() }).strict();
const MembersQuery = z.object({ limit: int(1, 1000).optional(), offset: int(0, 10_000_000).optional() }).strict();
const CompoundParams = z.object({ compoundId: z.string().trim().min(1).max(64) }).strict();
const RangeQuery = z
  .object({
    from: IsoDateSchema.optional().meta({ description: 'First day (local), default depends on the report.' }),
    to: IsoDateSchema.optional().meta({ description: 'Last day (local, inclusive), default today.' }),
  })
  .strict();
const MetricsQuery = RangeQuery.extend({
  compoundId: z.string().trim().min(1).max(64).optional(),
  pickupPointId: z.string().trim().min(1).max(64).optional(),
}).strict();
const BacktestBody = r.runBacktest.request.omit({ actor: true }).strict().optional();
const RefreshBody = r.refreshAssets.request.omit({ actor: true }).strict().optional();

/** Response shapes documented once, by name, in the OpenAPI components. */
export const recommendationsSchemaNames = new Map<z.ZodType, string>([
  [r.SegmentSchema, 'Segment'],
  [r.BacktestSchema, 'Backtest'],
]);

const leaderOrOps = { roles: ['leader', 'ops'] } as const;

/** Every route the recommendations service answers. */
export const recommendationsRoutes: GatewayRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/me/recommendations',
    summary: 'Recommendations for the caller, each with its reason',
    description:
      'Top-N from what the resident rebuys, what is bought with it and what is popular in their compound, steered by household tags. ' +
      "With `campaignId`, only that campaign's offers. Without profiling consent the list is the compound's popular items only (`personalised: false`).",
    tags: me,
    auth: { roles: 'any-signed-in' },
    query: RecommendationsQuery,
    response: r.getRecommendations.response,
    rpc: r.getRecommendations,
    toRpc: ({ query, actor }) => ({ actor, campaignId: query.campaignId, limit: query.limit ?? 10 }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/behaviour',
    summary: 'Record what the caller did in the app (views, searches, recommendation impressions and clicks)',
    description: 'Up to 500 events per call. Each event carries a client-generated `eventId`; sending it again is harmless (counted as a duplicate).',
    tags: me,
    auth: { roles: 'any-signed-in' },
    body: BehaviourBody,
    response: r.recordBehaviour.response,
    rpc: r.recordBehaviour,
    toRpc: ({ body, actor }) => ({ actor, events: body.events }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/customers/:userId/assets',
    summary: "A customer's household tags, RFM, lifecycle, CLV and churn risk",
    description: "Leaders see their own pickup points' residents only; inferred tags only when the resident consented to profiling.",
    tags: assets,
    auth: leaderOrOps,
    params: UserParams,
    response: r.getCustomerAssets.response,
    rpc: r.getCustomerAssets,
    toRpc: ({ params, actor }) => ({ actor, userId: params.userId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/segments',
    summary: 'Segments the caller may use',
    tags: assets,
    auth: leaderOrOps,
    response: r.listSegments.response,
    rpc: r.listSegments,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/segments',
    summary: 'Create a segment (a rule over tags, RFM, lifecycle and predictions)',
    description: "A leader's segment is limited to their pickup point; ops segments are platform-wide unless `pickupPointId` is given.",
    tags: assets,
    auth: leaderOrOps,
    body: r.SegmentInputSchema,
    response: r.createSegment.response,
    status: 201,
    rpc: r.createSegment,
    toRpc: ({ body, actor }) => ({ actor, segment: body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/segments/:segmentId',
    summary: 'A segment',
    tags: assets,
    auth: leaderOrOps,
    params: SegmentParams,
    response: r.getSegment.response,
    rpc: r.getSegment,
    toRpc: ({ params, actor }) => ({ actor, segmentId: params.segmentId }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/segments/:segmentId',
    summary: "Change a segment's name, description and rule",
    tags: assets,
    auth: leaderOrOps,
    params: SegmentParams,
    body: r.SegmentInputSchema,
    response: r.updateSegment.response,
    rpc: r.updateSegment,
    toRpc: ({ params, body, actor }) => ({ actor, segmentId: params.segmentId, segment: body }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/segments/:segmentId',
    summary: 'Delete a segment',
    tags: assets,
    auth: leaderOrOps,
    params: SegmentParams,
    response: r.deleteSegment.response,
    rpc: r.deleteSegment,
    toRpc: ({ params, actor }) => ({ actor, segmentId: params.segmentId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/segments/:segmentId/members',
    summary: "The segment's members now (highest predicted value first)",
    description: "Evaluated on request; leaders only ever get their own pickup points' customers.",
    tags: assets,
    auth: leaderOrOps,
    params: SegmentParams,
    query: MembersQuery,
    response: r.segmentMembers.response,
    rpc: r.segmentMembers,
    toRpc: ({ params, query, actor }) => ({ actor, segmentId: params.segmentId, limit: query.limit ?? 100, offset: query.offset ?? 0 }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/compounds/:compoundId/insights',
    summary: 'Demand insights for a compound',
    description:
      'Household composition (declared and inferred), category demand with monthly trend, frequently-bought-together pairs and product-planning suggestions with their evidence. Default range: the last 180 days.',
    tags: assets,
    auth: leaderOrOps,
    params: CompoundParams,
    query: RangeQuery,
    response: r.compoundInsights.response,
    rpc: r.compoundInsights,
    toRpc: ({ params, query, actor }) => ({ actor, compoundId: params.compoundId, from: query.from, to: query.to }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/asset-metrics',
    summary: 'Asset metrics for the platform, a compound or a pickup point over a date range',
    description:
      'Repurchase and cross-purchase rates, ARPU, the predicted LTV distribution and cohort retention. Leaders name one of their pickup points or compounds. Default range: the last 90 days.',
    tags: assets,
    auth: leaderOrOps,
    query: MetricsQuery,
    response: r.assetMetrics.response,
    rpc: r.assetMetrics,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/recommendations/backtest',
    summary: 'The latest prediction-accuracy backtest (ops)',
    tags: ops,
    auth: { roles: ['ops'] },
    response: r.latestBacktest.response,
    rpc: r.latestBacktest,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/recommendations/backtests',
    summary: 'Run the prediction-accuracy backtest now (ops)',
    tags: ops,
    auth: { roles: ['ops'] },
    body: BacktestBody,
    response: r.runBacktest.response,
    rpc: r.runBacktest,
    toRpc: ({ body, actor }) => ({ actor, ...(body ?? {}) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/recommendations/assets/refresh',
    summary: "Recompute every customer's tags, RFM, lifecycle and predictions now (ops)",
    tags: ops,
    auth: { roles: ['ops'] },
    body: RefreshBody,
    response: r.refreshAssets.response,
    rpc: r.refreshAssets,
    toRpc: ({ body, actor }) => ({ actor, ...(body ?? {}) }),
  }),
];
