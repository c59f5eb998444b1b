import { z } from 'zod';
import { orders } from '@linli/contracts';
import { type RouteFile, defineRoute, type GatewayRoute } from '../route.js';

const shop = ['Shopping'];
const myOrders = ['Orders'];
const leaders = ['Leaders'];
const ops = ['Ops'];
const payments = ['Payments'];

/** Query strings arrive as text: numbers and flags are coerced. */
const Limit = z.coerce.number().int().min(1).max(200).optional();
const Offset = z.coerce.number().int().min(0).max(100_000).optional();
const Flag = z.enum(['true', 'false']).optional();
const Format = z.enum(['json', 'csv']).optional();

/** `format=csv` answers with the CSV itself (`text/csv`), so a browser or spreadsheet opens it directly. */
function csvFile(format: string | undefined, csv: string | undefined, filename: string): RouteFile | undefined {
  return format === 'csv' && csv !== undefined ? { content: csv, contentType: 'text/csv; charset=utf-8', filename } : undefined;
}
const Id = z.string().uuid();

const CampaignParams = z.object({ campaignId: Id }).strict();
const OrderParams = z.object({ orderId: Id }).strict();
const RefundParams = z.object({ refundId: Id }).strict();
const RefundReviewQuery = z.object({ status: orders.listRefundReviews.request.shape.status, limit: Limit, offset: Offset }).strict();
const RefundDecisionBody = orders.decideRefundReview.request.pick({ reason: true });
const ProductParams = z.object({ productId: Id }).strict();
const BundleParams = z.object({ bundleId: Id }).strict();
const CategoryParams = z.object({ categoryId: orders.CategoryIdSchema }).strict();
const PointParams = z.object({ pickupPointId: Id }).strict();
const PointCampaignParams = z.object({ pickupPointId: Id, campaignId: Id }).strict();

const CampaignsQuery = z.object({ status: orders.CampaignStatusSchema.optional(), limit: Limit, offset: Offset }).strict();
const ProductsQuery = z
  .object({ categoryId: orders.CategoryIdSchema.optional(), healthFlag: orders.HealthFlagSchema.optional(), tag: z.string().trim().min(1).max(30).optional(), includeInactive: Flag, limit: Limit, offset: Offset })
  .strict();
const BundlesQuery = z.object({ includeInactive: Flag, limit: Limit, offset: Offset }).strict();
const MyOrdersQuery = z.object({ campaignId: Id.optional(), status: orders.OrderStatusSchema.optional(), limit: Limit, offset: Offset }).strict();
const PointOrdersQuery = MyOrdersQuery;
const OpsOrdersQuery = MyOrdersQuery.extend({ pickupPointId: Id.optional() }).strict();
const FormatQuery = z.object({ format: Format }).strict();

const PlaceBody = orders.placeOrder.request.omit({ actor: true });
const CancelBody = orders.cancelOrder.request.pick({ reason: true }).strict();
const RefundBody = orders.requestRefund.request.omit({ actor: true, orderId: true });
const OpsRefundBody = orders.issueRefund.request.omit({ actor: true, orderId: true });
const CategoryBody = orders.upsertCategory.request.pick({ name: true, parentId: true }).strict();
const ProductBody = orders.ProductInputSchema.omit({ productId: true });
const BundleBody = orders.BundleInputSchema.omit({ bundleId: true });
const ShipBody = orders.shipCampaign.request.pick({ pickupPointIds: true }).strict();
const ReceiptBody = orders.confirmReceipt.request.pick({ shortages: true }).strict();
const ScanBody = orders.scanPickup.request.pick({ code: true }).strict();
const CallbackBody = orders.paymentCallback.request;

/** The fields that were given (a query's optional filters, passed on only when set). */
const given = <T extends Record<string, unknown>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };

const page = (query: { limit?: number; offset?: number }) => given({ limit: query.limit, offset: query.offset });

/** Response shapes several routes share, documented once under these names in the OpenAPI components. */
export const ordersSchemaNames = new Map<z.ZodType, string>([
  [orders.OrderSchema, 'Order'],
  [orders.CampaignSchema, 'Campaign'],
  [orders.ProductSchema, 'Product'],
  [orders.BundleSchema, 'Bundle'],
  [orders.RefundSchema, 'Refund'],
]);

/** Every route the orders service answers. */
export const ordersRoutes: GatewayRoute[] = [
  // ------------------------------------------------------------ browsing
  defineRoute({
    method: 'GET',
    path: '/v1/campaigns',
    summary: 'Open campaigns for the caller’s pickup point (ops: every campaign)',
    description: 'Without `status`, residents and leaders see published campaigns whose cut-off has not passed. Times are also given in the compound’s time zone (`local`).',
    tags: shop,
    auth: { roles: 'any-signed-in' },
    query: CampaignsQuery,
    response: orders.listCampaigns.response,
    rpc: orders.listCampaigns,
    toRpc: ({ query, actor }) => ({ actor, ...given({ status: query.status }), ...page(query) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/campaigns/:campaignId',
    summary: 'A campaign with its offers, prices and what is still available',
    tags: shop,
    auth: { roles: 'any-signed-in' },
    params: CampaignParams,
    response: orders.getCampaign.response,
    rpc: orders.getCampaign,
    toRpc: ({ params, actor }) => ({ actor, campaignId: params.campaignId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/categories',
    summary: 'Product categories',
    tags: shop,
    auth: { roles: 'any-signed-in' },
    response: orders.listCategories.response,
    rpc: orders.listCategories,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/products',
    summary: 'Products, filtered by category, health flag or tag',
    tags: shop,
    auth: { roles: 'any-signed-in' },
    query: ProductsQuery,
    response: orders.listProducts.response,
    rpc: orders.listProducts,
    toRpc: ({ query, actor }) => ({
      actor,
      ...given({ categoryId: query.categoryId, healthFlag: query.healthFlag, tag: query.tag }),
      includeInactive: query.includeInactive === 'true',
      ...page(query),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/products/:productId',
    summary: 'A product with its SKUs',
    tags: shop,
    auth: { roles: 'any-signed-in' },
    params: ProductParams,
    response: orders.getProduct.response,
    rpc: orders.getProduct,
    toRpc: ({ params, actor }) => ({ actor, productId: params.productId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/bundles',
    summary: 'Scenario bundles (e.g. a 15-minute baby food kit)',
    tags: shop,
    auth: { roles: 'any-signed-in' },
    query: BundlesQuery,
    response: orders.listBundles.response,
    rpc: orders.listBundles,
    toRpc: ({ query, actor }) => ({ actor, includeInactive: query.includeInactive === 'true', ...page(query) }),
  }),
  // ------------------------------------------------------------ residents' orders
  defineRoute({
    method: 'POST',
    path: '/v1/orders',
    summary: 'Place an order in a campaign',
    description:
      'Stock is reserved at once. Retrying with the same `idempotencyKey` returns the same order. `expectedTotalCents` is the total the client showed; a different server total is refused with 409 `ORDERS.PRICE_MISMATCH`.',
    tags: myOrders,
    auth: { roles: ['resident'] },
    body: PlaceBody,
    response: orders.placeOrder.response,
    status: 201,
    rpc: orders.placeOrder,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/orders',
    summary: 'The caller’s own orders, newest first',
    tags: myOrders,
    auth: { roles: 'any-signed-in' },
    query: MyOrdersQuery,
    response: orders.listOrders.response,
    rpc: orders.listOrders,
    toRpc: ({ query, actor }) => ({ actor, ...given({ campaignId: query.campaignId, status: query.status }), ...page(query) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/orders/:orderId',
    summary: 'One order with its lines and history (own orders; leaders: their point’s)',
    tags: myOrders,
    auth: { roles: 'any-signed-in' },
    params: OrderParams,
    response: orders.getOrder.response,
    rpc: orders.getOrder,
    toRpc: ({ params, actor }) => ({ actor, orderId: params.orderId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/orders/:orderId/pay',
    summary: 'Start paying an order (returns the open payment intent when there is one)',
    tags: myOrders,
    auth: { roles: ['resident'] },
    params: OrderParams,
    response: orders.payOrder.response,
    rpc: orders.payOrder,
    toRpc: ({ params, actor }) => ({ actor, orderId: params.orderId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/orders/:orderId/cancel',
    summary: 'Cancel an order before the cut-off (a paid order is refunded)',
    tags: myOrders,
    auth: { roles: ['resident'] },
    params: OrderParams,
    body: CancelBody.optional(),
    response: orders.cancelOrder.response,
    rpc: orders.cancelOrder,
    toRpc: ({ params, body, actor }) => ({ actor, orderId: params.orderId, ...(body?.reason ? { reason: body.reason } : {}) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/orders/:orderId/pickup-code',
    summary: 'The code the leader scans when the resident collects the order',
    tags: myOrders,
    auth: { roles: ['resident'] },
    params: OrderParams,
    response: orders.getPickupCode.response,
    rpc: orders.getPickupCode,
    toRpc: ({ params, actor }) => ({ actor, orderId: params.orderId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/orders/:orderId/refunds',
    summary: 'Complain about quality: refund by line, with photos, within the window after pickup',
    description:
      'Idempotent per `refundKey`. Never more than was paid (409 `ORDERS.REFUND_EXCEEDS_PAID`); after the window 409 `ORDERS.REFUND_WINDOW_CLOSED`. ' +
      'Paid at once up to the instant-refund limits (per order, and per resident per calendar month); above them the refund is `pending_review` ' +
      "until the order's leader or ops decides (`/v1/refund-reviews`).",
    tags: myOrders,
    auth: { roles: ['resident'] },
    params: OrderParams,
    body: RefundBody,
    response: orders.requestRefund.response,
    status: 201,
    rpc: orders.requestRefund,
    toRpc: ({ params, body, actor }) => ({ actor, orderId: params.orderId, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/orders/:orderId/refunds',
    summary: 'Refunds of an order',
    tags: myOrders,
    auth: { roles: 'any-signed-in' },
    params: OrderParams,
    response: orders.listRefunds.response,
    rpc: orders.listRefunds,
    toRpc: ({ params, actor }) => ({ actor, orderId: params.orderId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/refund-reviews',
    summary: "Quality complaints waiting for review: a leader's own pickup points, or all (ops)",
    tags: leaders,
    auth: { roles: ['leader', 'ops'] },
    query: RefundReviewQuery,
    response: orders.listRefundReviews.response,
    rpc: orders.listRefundReviews,
    toRpc: ({ query, actor }) => ({ actor, status: query.status, ...page(query) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/refund-reviews/:refundId/approve',
    summary: 'Approve a complaint under review: the refund is paid (leader of the order, or ops; audited)',
    tags: leaders,
    auth: { roles: ['leader', 'ops'] },
    params: RefundParams,
    body: RefundDecisionBody,
    response: orders.decideRefundReview.response,
    rpc: orders.decideRefundReview,
    toRpc: ({ params, body, actor }) => ({ actor, refundId: params.refundId, decision: 'approve' as const, reason: body.reason }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/refund-reviews/:refundId/reject',
    summary: 'Reject a complaint under review, with a reason (leader of the order, or ops; audited)',
    tags: leaders,
    auth: { roles: ['leader', 'ops'] },
    params: RefundParams,
    body: RefundDecisionBody,
    response: orders.decideRefundReview.response,
    rpc: orders.decideRefundReview,
    toRpc: ({ params, body, actor }) => ({ actor, refundId: params.refundId, decision: 'reject' as const, reason: body.reason }),
  }),
  // ------------------------------------------------------------ leaders
  defineRoute({
    method: 'GET',
    path: '/v1/leader/pickup-points/:pickupPointId/orders',
    summary: 'Orders at a pickup point the caller runs',
    tags: leaders,
    auth: { roles: ['leader', 'ops'] },
    params: PointParams,
    query: PointOrdersQuery,
    response: orders.listOrders.response,
    rpc: orders.listOrders,
    toRpc: ({ params, query, actor }) => ({ actor, pickupPointId: params.pickupPointId, ...given({ campaignId: query.campaignId, status: query.status }), ...page(query) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/leader/pickup-points/:pickupPointId/campaigns/:campaignId/receipt',
    summary: 'Confirm the delivery arrived, reporting units that were short',
    description: 'Shipped orders at the point become received; units reported short are refunded at once, most recently paid order first.',
    tags: leaders,
    auth: { roles: ['leader'] },
    params: PointCampaignParams,
    body: ReceiptBody,
    response: orders.confirmReceipt.response,
    rpc: orders.confirmReceipt,
    toRpc: ({ params, body, actor }) => ({ actor, pickupPointId: params.pickupPointId, campaignId: params.campaignId, shortages: body.shortages }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/leader/pickup-points/:pickupPointId/campaigns/:campaignId/sorting-list',
    summary: 'Who gets what at the pickup point (`format=csv` downloads it as `text/csv`)',
    tags: leaders,
    auth: { roles: ['leader', 'ops'] },
    params: PointCampaignParams,
    query: FormatQuery,
    response: orders.sortingList.response,
    rpc: orders.sortingList,
    toRpc: ({ params, query, actor }) => ({ actor, pickupPointId: params.pickupPointId, campaignId: params.campaignId, format: query.format ?? 'json' }),
    file: ({ params, query }, reply) => csvFile(query.format, reply.csv, `sorting-list-${params.campaignId}-${params.pickupPointId}.csv`),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/leader/pickups',
    summary: 'Scan a resident’s pickup code at the caller’s pickup point',
    description: 'A code of another point is 400 `ORDERS.PICKUP_CODE_INVALID`; a second scan 409 `ORDERS.ALREADY_PICKED_UP`.',
    tags: leaders,
    auth: { roles: ['leader'] },
    body: ScanBody,
    response: orders.scanPickup.response,
    rpc: orders.scanPickup,
    toRpc: ({ body, actor }) => ({ actor, code: body.code }),
  }),
  // ------------------------------------------------------------ ops
  defineRoute({
    method: 'PUT',
    path: '/v1/ops/categories/:categoryId',
    summary: 'Create or rename a category',
    tags: ops,
    auth: { roles: ['ops'] },
    params: CategoryParams,
    body: CategoryBody,
    response: orders.upsertCategory.response,
    rpc: orders.upsertCategory,
    toRpc: ({ params, body, actor }) => ({ actor, categoryId: params.categoryId, name: body.name, parentId: body.parentId ?? null }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/products',
    summary: 'Create a product with its SKUs',
    tags: ops,
    auth: { roles: ['ops'] },
    body: ProductBody,
    response: orders.upsertProduct.response,
    status: 201,
    rpc: orders.upsertProduct,
    toRpc: ({ body, actor }) => ({ actor, product: body }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/ops/products/:productId',
    summary: 'Change a product and its SKUs (SKUs matched by id or code)',
    tags: ops,
    auth: { roles: ['ops'] },
    params: ProductParams,
    body: ProductBody,
    response: orders.upsertProduct.response,
    rpc: orders.upsertProduct,
    toRpc: ({ params, body, actor }) => ({ actor, product: { ...body, productId: params.productId } }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/bundles',
    summary: 'Create a scenario bundle: SKUs sold as one line at a bundle price',
    tags: ops,
    auth: { roles: ['ops'] },
    body: BundleBody,
    response: orders.upsertBundle.response,
    status: 201,
    rpc: orders.upsertBundle,
    toRpc: ({ body, actor }) => ({ actor, bundle: body }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/ops/bundles/:bundleId',
    summary: 'Change a scenario bundle',
    tags: ops,
    auth: { roles: ['ops'] },
    params: BundleParams,
    body: BundleBody,
    response: orders.upsertBundle.response,
    rpc: orders.upsertBundle,
    toRpc: ({ params, body, actor }) => ({ actor, bundle: { ...body, bundleId: params.bundleId } }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/campaigns',
    summary: 'Create a campaign (draft): offers, prices, stock, targets, times, optional minimum group',
    tags: ops,
    auth: { roles: ['ops'] },
    body: orders.CampaignInputSchema,
    response: orders.createCampaign.response,
    status: 201,
    rpc: orders.createCampaign,
    toRpc: ({ body, actor }) => ({ actor, campaign: body }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/campaigns/:campaignId/publish',
    summary: 'Publish a draft campaign',
    tags: ops,
    auth: { roles: ['ops'] },
    params: CampaignParams,
    response: orders.publishCampaign.response,
    rpc: orders.publishCampaign,
    toRpc: ({ params, actor }) => ({ actor, campaignId: params.campaignId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/campaigns/:campaignId/ship',
    summary: 'Mark the delivery shipped to some (or all) pickup points after the cut-off',
    tags: ops,
    auth: { roles: ['ops'] },
    params: CampaignParams,
    body: ShipBody.optional(),
    response: orders.shipCampaign.response,
    rpc: orders.shipCampaign,
    toRpc: ({ params, body, actor }) => ({ actor, campaignId: params.campaignId, ...(body?.pickupPointIds ? { pickupPointIds: body.pickupPointIds } : {}) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/campaigns/:campaignId/purchase-summary',
    summary: 'What to buy from the supplier per SKU (`format=csv` downloads it as `text/csv`)',
    tags: ops,
    auth: { roles: ['ops'] },
    params: CampaignParams,
    query: FormatQuery,
    response: orders.purchaseSummary.response,
    rpc: orders.purchaseSummary,
    toRpc: ({ params, query, actor }) => ({ actor, campaignId: params.campaignId, format: query.format ?? 'json' }),
    file: ({ params, query }, reply) => csvFile(query.format, reply.csv, `purchase-summary-${params.campaignId}.csv`),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/orders',
    summary: 'Any orders, filtered by campaign, pickup point or status',
    tags: ops,
    auth: { roles: ['ops'] },
    query: OpsOrdersQuery,
    response: orders.listOrders.response,
    rpc: orders.listOrders,
    toRpc: ({ query, actor }) => ({ actor, ...given({ campaignId: query.campaignId, pickupPointId: query.pickupPointId, status: query.status }), ...page(query) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/orders/:orderId/cancel',
    summary: 'Cancel an order until it ships (paid money is refunded)',
    tags: ops,
    auth: { roles: ['ops'] },
    params: OrderParams,
    body: CancelBody.optional(),
    response: orders.cancelOrder.response,
    rpc: orders.cancelOrder,
    toRpc: ({ params, body, actor }) => ({ actor, orderId: params.orderId, ...(body?.reason ? { reason: body.reason } : {}) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/orders/:orderId/refunds',
    summary: 'Refund an order in full (no lines) or by line',
    tags: ops,
    auth: { roles: ['ops'] },
    params: OrderParams,
    body: OpsRefundBody,
    response: orders.issueRefund.response,
    status: 201,
    rpc: orders.issueRefund,
    toRpc: ({ params, body, actor }) => ({ actor, orderId: params.orderId, ...body }),
  }),
  // ------------------------------------------------------------ payment provider
  defineRoute({
    method: 'POST',
    path: '/v1/payments/callback',
    summary: 'Payment provider notification (signature verified by the orders service)',
    description: 'Public: the provider calls it. A notification whose HMAC signature does not verify is refused with 400 `ORDERS.PAYMENT_SIGNATURE_INVALID`; repeats are answered `duplicate`.',
    tags: payments,
    auth: { public: true },
    body: CallbackBody,
    response: orders.paymentCallback.response,
    rpc: orders.paymentCallback,
    toRpc: ({ body }) => body,
  }),
];
