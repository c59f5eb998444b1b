import { randomUUID } from 'node:crypto';
import { LinliError, orders, type RpcContract } from '@linli/contracts';
import { actorOf, http, routeContractSuite, tokenFor, type RouteCase } from '../gateway.test-harness.js';
import { ordersRoutes } from './orders.routes.js';

const someone = randomUUID();
const campaignId = randomUUID();
const orderId = randomUUID();
const productId = randomUUID();
const bundleId = randomUUID();
const skuId = randomUUID();
const offerId = randomUUID();
const lineId = randomUUID();
const pickupPointId = randomUUID();
const at = () => new Date().toISOString();

const product = { name: 'Fresh milk', categoryId: 'dairy', unit: 'bottle', healthFlags: ['high-protein'], skus: [{ code: 'MILK-1L', spec: '1 L', priceCents: 1200 }] };
const bundleBody = { name: '15-minute baby food kit', priceCents: 1800, items: [{ skuId, quantity: 2 }] };
const campaignBody = {
  title: 'Tomorrow morning',
  startsAt: '2026-11-24T00:00:00Z',
  cutoffAt: '2026-11-24T14:00:00Z',
  deliveryDate: '2026-11-25',
  targets: { compoundIds: ['compound-1'] },
  offers: [{ kind: 'sku', skuId, priceCents: 990, perCustomerLimit: 2 }],
  stock: [{ skuId, quantity: 50 }],
};
const notification = { notificationId: 'n-12345678', providerPaymentId: 'dev_1234', merchantOrderId: orderId, status: 'succeeded', amountCents: 990, occurredAt: at() };
const point = `/v1/leader/pickup-points/${pickupPointId}`;

const cases: Record<string, RouteCase> = {
  'GET /v1/campaigns': { query: '?status=published&limit=10', bad: { query: '?limit=0', field: 'query.limit' } },
  'GET /v1/campaigns/:campaignId': { path: `/v1/campaigns/${campaignId}`, bad: { path: '/v1/campaigns/42', field: 'params.campaignId' } },
  'GET /v1/categories': { bad: { query: '?all=1', field: 'query.all' } },
  'GET /v1/products': { query: '?categoryId=dairy&healthFlag=low-sugar', bad: { query: '?healthFlag=tasty', field: 'query.healthFlag' } },
  'GET /v1/products/:productId': { path: `/v1/products/${productId}`, bad: { path: '/v1/products/milk', field: 'params.productId' } },
  'GET /v1/bundles': { query: '?includeInactive=true', bad: { query: '?includeInactive=yes', field: 'query.includeInactive' } },
  'POST /v1/orders': {
    body: { campaignId, idempotencyKey: 'order-key-0001', lines: [{ offerId, quantity: 2 }], expectedTotalCents: 1980 },
    bad: { body: { campaignId, idempotencyKey: 'order-key-0001', lines: [{ offerId, quantity: 0 }], expectedTotalCents: 1980 }, field: 'body.lines.0.quantity' },
  },
  'GET /v1/orders': { query: '?status=paid', bad: { query: `?userId=${someone}`, field: 'query.userId' } },
  'GET /v1/orders/:orderId': { path: `/v1/orders/${orderId}`, bad: { path: '/v1/orders/1', field: 'params.orderId' } },
  'POST /v1/orders/:orderId/pay': { path: `/v1/orders/${orderId}/pay`, bad: { path: `/v1/orders/${orderId}/pay`, body: { amountCents: 1 }, field: 'body.amountCents' } },
  'POST /v1/orders/:orderId/cancel': {
    path: `/v1/orders/${orderId}/cancel`,
    body: { reason: 'ordered twice' },
    bad: { path: `/v1/orders/${orderId}/cancel`, body: { reason: 'x'.repeat(201) }, field: 'body.reason' },
  },
  'GET /v1/orders/:orderId/pickup-code': { path: `/v1/orders/${orderId}/pickup-code`, bad: { path: '/v1/orders/x/pickup-code', field: 'params.orderId' } },
  'GET /v1/refund-reviews': { query: '?status=pending_review&limit=20', bad: { query: '?status=open', field: 'query.status' } },
  'POST /v1/refund-reviews/:refundId/approve': {
    path: `/v1/refund-reviews/${orderId}/approve`,
    body: { reason: 'photos show it' },
    bad: { path: '/v1/refund-reviews/42/approve', body: { reason: 'photos show it' }, field: 'params.refundId' },
  },
  'POST /v1/refund-reviews/:refundId/reject': {
    path: `/v1/refund-reviews/${orderId}/reject`,
    body: { reason: 'no damage on the photos' },
    bad: { path: `/v1/refund-reviews/${orderId}/reject`, body: { reason: 'no' }, field: 'body.reason' },
  },
  'POST /v1/orders/:orderId/refunds': {
    path: `/v1/orders/${orderId}/refunds`,
    body: { refundKey: 'refund-key-01', lines: [{ lineId, quantity: 1 }], description: 'milk was sour', photoUrls: ['https://img.example.com/1.jpg'] },
    bad: { path: `/v1/orders/${orderId}/refunds`, body: { refundKey: 'refund-key-01', lines: [{ lineId, quantity: 1 }], description: 'sour', photoUrls: [] }, field: 'body.photoUrls' },
  },
  'GET /v1/orders/:orderId/refunds': { path: `/v1/orders/${orderId}/refunds`, bad: { path: '/v1/orders/x/refunds', field: 'params.orderId' } },
  'GET /v1/leader/pickup-points/:pickupPointId/orders': { path: `${point}/orders`, query: `?campaignId=${campaignId}`, bad: { path: `${point}/orders`, query: '?status=lost', field: 'query.status' } },
  'POST /v1/leader/pickup-points/:pickupPointId/campaigns/:campaignId/receipt': {
    path: `${point}/campaigns/${campaignId}/receipt`,
    body: { shortages: [{ skuId, quantity: 2 }] },
    bad: { path: `${point}/campaigns/${campaignId}/receipt`, body: { shortages: [{ skuId, quantity: -2 }] }, field: 'body.shortages.0.quantity' },
  },
  'GET /v1/leader/pickup-points/:pickupPointId/campaigns/:campaignId/sorting-list': {
    path: `${point}/campaigns/${campaignId}/sorting-list`,
    query: '?format=csv',
    bad: { path: `${point}/campaigns/${campaignId}/sorting-list`, query: '?format=xlsx', field: 'query.format' },
  },
  'POST /v1/leader/pickups': { body: { code: 'AB23CD45EF' }, bad: { body: { code: 'ab-12' }, field: 'body.code' } },
  'PUT /v1/ops/categories/:categoryId': { path: '/v1/ops/categories/dairy', body: { name: 'Dairy' }, bad: { path: '/v1/ops/categories/Dairy!', body: { name: 'Dairy' }, field: 'params.categoryId' } },
  'POST /v1/ops/products': { body: product, bad: { body: { ...product, skus: [] }, field: 'body.skus' } },
  'PUT /v1/ops/products/:productId': { path: `/v1/ops/products/${productId}`, body: product, bad: { path: `/v1/ops/products/${productId}`, body: { ...product, unit: '' }, field: 'body.unit' } },
  'POST /v1/ops/bundles': { body: bundleBody, bad: { body: { ...bundleBody, priceCents: -1 }, field: 'body.priceCents' } },
  'PUT /v1/ops/bundles/:bundleId': { path: `/v1/ops/bundles/${bundleId}`, body: bundleBody, bad: { path: `/v1/ops/bundles/${bundleId}`, body: { ...bundleBody, items: [] }, field: 'body.items' } },
  'POST /v1/ops/campaigns': { body: campaignBody, bad: { body: { ...campaignBody, deliveryDate: 'tomorrow' }, field: 'body.deliveryDate' } },
  'POST /v1/ops/campaigns/:campaignId/publish': { path: `/v1/ops/campaigns/${campaignId}/publish`, bad: { path: '/v1/ops/campaigns/7/publish', field: 'params.campaignId' } },
  'POST /v1/ops/campaigns/:campaignId/ship': {
    path: `/v1/ops/campaigns/${campaignId}/ship`,
    body: { pickupPointIds: [pickupPointId] },
    bad: { path: `/v1/ops/campaigns/${campaignId}/ship`, body: { pickupPointIds: ['gate-2'] }, field: 'body.pickupPointIds.0' },
  },
  'GET /v1/ops/campaigns/:campaignId/purchase-summary': {
    path: `/v1/ops/campaigns/${campaignId}/purchase-summary`,
    bad: { path: `/v1/ops/campaigns/${campaignId}/purchase-summary`, query: '?format=pdf', field: 'query.format' },
  },
  'GET /v1/ops/orders': { query: `?pickupPointId=${pickupPointId}&status=locked`, bad: { query: '?pickupPointId=gate', field: 'query.pickupPointId' } },
  'POST /v1/ops/orders/:orderId/cancel': { path: `/v1/ops/orders/${orderId}/cancel`, bad: { path: '/v1/ops/orders/1/cancel', field: 'params.orderId' } },
  'POST /v1/ops/orders/:orderId/refunds': {
    path: `/v1/ops/orders/${orderId}/refunds`,
    body: { refundKey: 'ops-refund-01', reason: 'quality' },
    bad: { path: `/v1/ops/orders/${orderId}/refunds`, body: { refundKey: 'ops-refund-01', reason: 'goodwill' }, field: 'body.reason' },
  },
  'POST /v1/payments/callback': {
    body: { provider: 'dev', notification, signature: 'a'.repeat(64) },
    bad: { body: { provider: 'dev', notification, signature: 'not-hex' }, field: 'body.signature' },
  },
};

const productView = { ...product, productId, description: '', imageUrls: [], tags: [], active: true, skus: [{ skuId, code: 'MILK-1L', spec: '1 L', priceCents: 1200, active: true }], updatedAt: at() };
const bundleView = { ...bundleBody, bundleId, description: '', imageUrls: [], tags: [], active: true, items: [{ skuId, productId, name: 'Puree', spec: '90 g', quantity: 2, listPriceCents: 600 }], listPriceCents: 1200 };
const campaignView = {
  campaignId,
  title: 'Tomorrow morning',
  description: '',
  status: 'published',
  startsAt: at(),
  cutoffAt: at(),
  deliveryDate: '2026-11-25',
  timeZone: 'Asia/Shanghai',
  local: { timeZone: 'Asia/Shanghai', startsAt: '2026-11-24 08:00', cutoffAt: '2026-11-24 22:00' },
  minGroupSize: null,
  targets: { compoundIds: ['compound-1'], pickupPointIds: [] },
  offers: [],
  stock: [{ skuId, total: 50, remaining: 40 }],
  publishedAt: at(),
  closedAt: null,
};
const orderView = (userId: string, status = 'pending_payment') => ({
  orderId,
  userId,
  campaignId,
  pickupPointId,
  compoundId: 'compound-1',
  status,
  totalCents: 1980,
  paidCents: 0,
  refundedCents: 0,
  pointsSpent: 0,
  pointsDiscountCents: 0,
  payableCents: 1980,
  lines: [],
  placedAt: at(),
  expiresAt: at(),
  updatedAt: at(),
  transitions: [],
});
const refundView = { refundId: randomUUID(), orderId, refundKey: 'refund-key-01', reason: 'quality', amountCents: 990, status: 'succeeded', description: null, photoUrls: [], lines: [], createdAt: at(), autoApproved: true, review: null };

/** A valid reply for each orders subject. */
const replies: [RpcContract, (req: any) => unknown][] = [
  [orders.listCampaigns, () => ({ campaigns: [campaignView] })],
  [orders.listRefundReviews, () => ({ refunds: [{ ...refundView, pickupPointId, userId: randomUUID() }] })],
  [orders.decideRefundReview, (req) => ({ ...refundView, refundId: req.refundId })],
  [orders.getCampaign, () => campaignView],
  [orders.listCategories, () => ({ categories: [{ categoryId: 'dairy', name: 'Dairy', parentId: null }] })],
  [orders.listProducts, () => ({ products: [productView], total: 1 })],
  [orders.getProduct, () => productView],
  [orders.listBundles, () => ({ bundles: [bundleView], total: 1 })],
  [orders.placeOrder, (req) => orderView(req.actor.userId)],
  [orders.listOrders, (req) => ({ orders: [orderView(req.actor.userId)], total: 1 })],
  [orders.getOrder, (req) => orderView(req.actor.userId)],
  [orders.payOrder, () => ({ paymentId: randomUUID(), orderId, provider: 'dev', providerPaymentId: 'dev_1', amountCents: 1980, status: 'created', clientParams: {} })],
  [orders.cancelOrder, (req) => orderView(req.actor.userId, 'cancelled')],
  [orders.getPickupCode, () => ({ orderId, code: 'AB23CD45EF', pickupPointId })],
  [orders.requestRefund, () => refundView],
  [orders.listRefunds, () => ({ refunds: [refundView] })],
  [orders.confirmReceipt, (req) => ({ campaignId: req.campaignId, pickupPointId: req.pickupPointId, receivedOrders: 3, refunds: [], unallocated: [] })],
  [orders.sortingList, (req) => ({ campaignId, pickupPointId, pickupPointName: 'Gate 2', deliveryDate: '2026-11-25', campaignStatus: 'published', preview: true, residents: [], totals: [], ...(req.format === 'csv' ? { csv: 'a\r\n' } : {}) })],
  [orders.scanPickup, (req) => orderView(req.actor.userId, 'picked_up')],
  [orders.upsertCategory, (req) => ({ categoryId: req.categoryId, name: req.name, parentId: req.parentId })],
  [orders.upsertProduct, () => productView],
  [orders.upsertBundle, () => bundleView],
  [orders.createCampaign, () => ({ ...campaignView, status: 'draft' })],
  [orders.publishCampaign, () => campaignView],
  [orders.shipCampaign, () => ({ campaignId, shippedOrders: 4 })],
  [orders.purchaseSummary, () => ({ campaignId, deliveryDate: '2026-11-25', skus: [] })],
  [orders.issueRefund, () => refundView],
  [orders.paymentCallback, () => ({ accepted: true, outcome: 'paid' })],
];

const suite = routeContractSuite({ name: 'orders', routes: ordersRoutes, cases, replies, replyMayCarryCode: true });

describe('route specifics', () => {
  it('passes ids from the path and the caller as actor, never ids from elsewhere', async () => {
    const leader = tokenFor(['leader']);
    await http(suite.running.url, 'POST', `${point}/campaigns/${campaignId}/receipt`, { token: leader, body: {} });
    expect(suite.fakes.lastCall(orders.confirmReceipt.subject)?.payload).toEqual({ actor: actorOf(leader), pickupPointId, campaignId, shortages: [] });
    const resident = tokenFor(['resident']);
    await http(suite.running.url, 'GET', '/v1/orders?limit=5', { token: resident });
    expect(suite.fakes.lastCall(orders.listOrders.subject)?.payload).toEqual({ actor: actorOf(resident), limit: 5, offset: 0 });
  });

  it('answers format=csv with the CSV itself as a download, and JSON otherwise', async () => {
    const leader = tokenFor(['leader']);
    const csv = await http(suite.running.url, 'GET', `${point}/campaigns/${campaignId}/sorting-list?format=csv`, { token: leader });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="sorting-list-${campaignId}-${pickupPointId}.csv"`);
    expect(csv.body).toBe('a\r\n');
    const json = await http(suite.running.url, 'GET', `${point}/campaigns/${campaignId}/sorting-list`, { token: leader });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.body).toMatchObject({ campaignId, pickupPointId });
  });

  it("maps the orders service's error codes to HTTP statuses", async () => {
    const expectations: [string, number][] = [
      ['ORDERS.STOCK_EXHAUSTED', 409],
      ['ORDERS.LIMIT_EXCEEDED', 409],
      ['ORDERS.PRICE_MISMATCH', 409],
      ['ORDERS.NOT_BOUND', 409],
      ['ORDERS.NOT_SERVED', 409],
      ['ORDERS.CAMPAIGN_CLOSED', 409],
      ['ORDERS.CAMPAIGN_NOT_FOUND', 404],
      ['ORDERS.OFFER_NOT_FOUND', 400],
    ];
    const resident = tokenFor(['resident']);
    for (const [code, status] of expectations) {
      suite.fakes.override(orders.placeOrder, () => {
        throw new LinliError(code as 'ORDERS.STOCK_EXHAUSTED', 'refused', { skuId });
      });
      const res = await http(suite.running.url, 'POST', '/v1/orders', { token: resident, body: cases['POST /v1/orders']!.body });
      expect([code, res.status, res.body.code, res.body.details]).toEqual([code, status, code, { skuId }]);
    }
    suite.fakes.override(orders.paymentCallback, () => {
      throw new LinliError('ORDERS.PAYMENT_SIGNATURE_INVALID', 'forged');
    });
    const forged = await http(suite.running.url, 'POST', '/v1/payments/callback', { body: cases['POST /v1/payments/callback']!.body });
    expect([forged.status, forged.body.code]).toEqual([400, 'ORDERS.PAYMENT_SIGNATURE_INVALID']);
  });
});
