import { orders as c } from '@linli/contracts';
import { bind, rpcBindings } from '@linli/nest-kit';
import { CampaignService } from './campaign.service.js';
import { CatalogService } from './catalog.service.js';
import { CutoffService } from './cutoff.service.js';
import { OrderService } from './order.service.js';
import { PaymentService } from './payment.service.js';
import { RefundService } from './refund.service.js';

/** NATS request/reply surface of the orders service; requests arrive validated against the contracts. */
export const OrdersNatsController = rpcBindings('orders', [CatalogService, CampaignService, OrderService, PaymentService, RefundService, CutoffService], (catalog, campaigns, orders, payments, refunds, cutoff) => [
  bind(c.upsertCategory, (req) => catalog.upsertCategory(req.actor, req.categoryId, req.name, req.parentId)),
  bind(c.listCategories, () => catalog.listCategories()),
  bind(c.upsertProduct, (req) => catalog.upsertProduct(req.actor, req.product)),
  bind(c.getProduct, (req) => catalog.getProduct(req.actor, req.productId)),
  bind(c.listProducts, (req) => catalog.listProducts(req.actor, req)),
  bind(c.upsertBundle, (req) => catalog.upsertBundle(req.actor, req.bundle)),
  bind(c.listBundles, (req) => catalog.listBundles(req.actor, req)),
  bind(c.createCampaign, (req) => campaigns.create(req.actor, req.campaign)),
  bind(c.publishCampaign, (req) => campaigns.publish(req.actor, req.campaignId)),
  bind(c.getCampaign, (req) => campaigns.get(req.actor, req.campaignId)),
  bind(c.listCampaigns, (req) => campaigns.list(req.actor, req)),
  bind(c.shipCampaign, (req) => campaigns.ship(req.actor, req.campaignId, req.pickupPointIds)),
  bind(c.sortingList, (req) => cutoff.sortingList(req.actor, req.campaignId, req.pickupPointId, req.format)),
  bind(c.purchaseSummary, (req) => cutoff.purchaseSummary(req.actor, req.campaignId, req.format)),
  bind(c.placeOrder, (req) => orders.place(req.actor, req)),
  bind(c.getOrder, (req) => orders.get(req.actor, req.orderId)),
  bind(c.listOrders, (req) => orders.list(req.actor, req)),
  bind(c.cancelOrder, (req) => orders.cancel(req.actor, req.orderId, req.reason)),
  bind(c.payOrder, (req) => payments.pay(req.actor, req.orderId)),
  bind(c.getPickupCode, (req) => orders.pickupCode(req.actor, req.orderId)),
  bind(c.scanPickup, (req) => orders.scan(req.actor, req.code)),
  bind(c.confirmReceipt, (req) => orders.confirmReceipt(req.actor, req)),
  bind(c.requestRefund, (req) => refunds.request(req.actor, req)),
  bind(c.issueRefund, (req) => refunds.issue(req.actor, req)),
  bind(c.listRefunds, (req) => refunds.list(req.actor, req.orderId)),
  bind(c.paymentCallback, (req) => payments.callback(req)),
  bind(c.listRefundReviews, (req) => refunds.listReviews(req.actor, { status: req.status, limit: req.limit, offset: req.offset })),
  bind(c.decideRefundReview, (req) => refunds.decideReview(req.actor, { refundId: req.refundId, decision: req.decision, reason: req.reason })),
]);
