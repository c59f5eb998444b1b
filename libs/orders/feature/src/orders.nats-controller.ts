import { Inject, Injectable } from '@nestjs/common';
import { orders as c, type RpcRequest } from '@linli/contracts';
import { RpcHandler } from '@linli/nest-kit';
import { CampaignService } from './campaign.service.js';
import { CatalogService } from './catalog.service.js';
import { CutoffService } from './cutoff.service.js';
import { OrderService } from './order.service.js';
import { PaymentService } from './payment.service.js';
import { RefundService } from './refund.service.js';

/** NATS request/reply surface of the orders service; requests arrive validated against the contracts. */
@Injectable()
export class OrdersNatsController {
  constructor(
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(CampaignService) private readonly campaigns: CampaignService,
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(PaymentService) private readonly payments: PaymentService,
    @Inject(RefundService) private readonly refunds: RefundService,
    @Inject(CutoffService) private readonly cutoff: CutoffService,
  ) {}

  @RpcHandler(c.upsertCategory)
  upsertCategory(req: RpcRequest<typeof c.upsertCategory>) {
    return this.catalog.upsertCategory(req.actor, req.categoryId, req.name, req.parentId);
  }

  @RpcHandler(c.listCategories)
  listCategories() {
    return this.catalog.listCategories();
  }

  @RpcHandler(c.upsertProduct)
  upsertProduct(req: RpcRequest<typeof c.upsertProduct>) {
    return this.catalog.upsertProduct(req.actor, req.product);
  }

  @RpcHandler(c.getProduct)
  getProduct(req: RpcRequest<typeof c.getProduct>) {
    return this.catalog.getProduct(req.actor, req.productId);
  }

  @RpcHandler(c.listProducts)
  listProducts(req: RpcRequest<typeof c.listProducts>) {
    return this.catalog.listProducts(req.actor, req);
  }

  @RpcHandler(c.upsertBundle)
  upsertBundle(req: RpcRequest<typeof c.upsertBundle>) {
    return this.catalog.upsertBundle(req.actor, req.bundle);
  }

  @RpcHandler(c.listBundles)
  listBundles(req: RpcRequest<typeof c.listBundles>) {
    return this.catalog.listBundles(req.actor, req);
  }

  @RpcHandler(c.createCampaign)
  createCampaign(req: RpcRequest<typeof c.createCampaign>) {
    return this.campaigns.create(req.actor, req.campaign);
  }

  @RpcHandler(c.publishCampaign)
  publishCampaign(req: RpcRequest<typeof c.publishCampaign>) {
    return this.campaigns.publish(req.actor, req.campaignId);
  }

  @RpcHandler(c.getCampaign)
  getCampaign(req: RpcRequest<typeof c.getCampaign>) {
    return this.campaigns.get(req.actor, req.campaignId);
  }

  @RpcHandler(c.listCampaigns)
  listCampaigns(req: RpcRequest<typeof c.listCampaigns>) {
    return this.campaigns.list(req.actor, req);
  }

  @RpcHandler(c.shipCampaign)
  shipCampaign(req: RpcRequest<typeof c.shipCampaign>) {
    return this.campaigns.ship(req.actor, req.campaignId, req.pickupPointIds);
  }

  @RpcHandler(c.sortingList)
  sortingList(req: RpcRequest<typeof c.sortingList>) {
    return this.cutoff.sortingList(req.actor, req.campaignId, req.pickupPointId, req.format);
  }

  @RpcHandler(c.purchaseSummary)
  purchaseSummary(req: RpcRequest<typeof c.purchaseSummary>) {
    return this.cutoff.purchaseSummary(req.actor, req.campaignId, req.format);
  }

  @RpcHandler(c.placeOrder)
  placeOrder(req: RpcRequest<typeof c.placeOrder>) {
    return this.orders.place(req.actor, req);
  }

  @RpcHandler(c.getOrder)
  getOrder(req: RpcRequest<typeof c.getOrder>) {
    return this.orders.get(req.actor, req.orderId);
  }

  @RpcHandler(c.listOrders)
  listOrders(req: RpcRequest<typeof c.listOrders>) {
    return this.orders.list(req.actor, req);
  }

  @RpcHandler(c.cancelOrder)
  cancelOrder(req: RpcRequest<typeof c.cancelOrder>) {
    return this.orders.cancel(req.actor, req.orderId, req.reason);
  }

  @RpcHandler(c.payOrder)
  payOrder(req: RpcRequest<typeof c.payOrder>) {
    return this.payments.pay(req.actor, req.orderId);
  }

  @RpcHandler(c.getPickupCode)
  getPickupCode(req: RpcRequest<typeof c.getPickupCode>) {
    return this.orders.pickupCode(req.actor, req.orderId);
  }

  @RpcHandler(c.scanPickup)
  scanPickup(req: RpcRequest<typeof c.scanPickup>) {
    return this.orders.scan(req.actor, req.code);
  }

  @RpcHandler(c.confirmReceipt)
  confirmReceipt(req: RpcRequest<typeof c.confirmReceipt>) {
    return this.orders.confirmReceipt(req.actor, req);
  }

  @RpcHandler(c.requestRefund)
  requestRefund(req: RpcRequest<typeof c.requestRefund>) {
    return this.refunds.request(req.actor, req);
  }

  @RpcHandler(c.issueRefund)
  issueRefund(req: RpcRequest<typeof c.issueRefund>) {
    return this.refunds.issue(req.actor, req);
  }

  @RpcHandler(c.listRefunds)
  listRefunds(req: RpcRequest<typeof c.listRefunds>) {
    return this.refunds.list(req.actor, req.orderId);
  }

  @RpcHandler(c.paymentCallback)
  paymentCallback(req: RpcRequest<typeof c.paymentCallback>) {
    return this.payments.callback(req);
  }

  @RpcHandler(c.listRefundReviews)
  listRefundReviews(req: RpcRequest<typeof c.listRefundReviews>) {
    return this.refunds.listReviews(req.actor, { status: req.status, limit: req.limit, offset: req.offset });
  }

  @RpcHandler(c.decideRefundReview)
  decideRefundReview(req: RpcRequest<typeof c.decideRefundReview>) {
    return this.refunds.decideReview(req.actor, { refundId: req.refundId, decision: req.decision, reason: req.reason });
  }
}
