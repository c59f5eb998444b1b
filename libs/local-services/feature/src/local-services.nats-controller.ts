import { Inject, Injectable } from '@nestjs/common';
import { localServices as c, type RpcRequest } from '@linli/contracts';
import { RpcHandler } from '@linli/nest-kit';
import { BookingsService } from './bookings.service.js';
import { CatalogService } from './catalog.service.js';
import { ProvidersService } from './providers.service.js';
import { WebhooksService } from './webhooks.service.js';

/** NATS request/reply surface of local-services; requests arrive validated against the contracts. */
@Injectable()
export class LocalServicesNatsController {
  constructor(
    @Inject(ProvidersService) private readonly providers: ProvidersService,
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(BookingsService) private readonly bookings: BookingsService,
    @Inject(WebhooksService) private readonly webhooks: WebhooksService,
  ) {}

  @RpcHandler(c.applyAsProvider)
  apply(req: RpcRequest<typeof c.applyAsProvider>) {
    return this.providers.apply(req);
  }

  @RpcHandler(c.listProviders)
  listProviders(req: RpcRequest<typeof c.listProviders>) {
    return this.providers.list(req);
  }

  @RpcHandler(c.approveProvider)
  approve(req: RpcRequest<typeof c.approveProvider>) {
    return this.providers.decide(req.actor, req.providerId, 'approved', null);
  }

  @RpcHandler(c.rejectProvider)
  reject(req: RpcRequest<typeof c.rejectProvider>) {
    return this.providers.decide(req.actor, req.providerId, 'rejected', req.reason);
  }

  @RpcHandler(c.createApiKey)
  createKey(req: RpcRequest<typeof c.createApiKey>) {
    return this.providers.createKey(req);
  }

  @RpcHandler(c.listApiKeys)
  listKeys(req: RpcRequest<typeof c.listApiKeys>) {
    return this.providers.listKeys(req);
  }

  @RpcHandler(c.rotateApiKey)
  rotateKey(req: RpcRequest<typeof c.rotateApiKey>) {
    return this.providers.rotateKey(req);
  }

  @RpcHandler(c.revokeApiKey)
  revokeKey(req: RpcRequest<typeof c.revokeApiKey>) {
    return this.providers.revokeKey(req);
  }

  @RpcHandler(c.verifyApiKey)
  verifyKey(req: RpcRequest<typeof c.verifyApiKey>) {
    return this.providers.verify(req.key);
  }

  @RpcHandler(c.listAudit)
  audit(req: RpcRequest<typeof c.listAudit>) {
    return this.providers.auditLog(req);
  }

  @RpcHandler(c.createOffering)
  createOffering(req: RpcRequest<typeof c.createOffering>) {
    return this.catalog.createOffering(req);
  }

  @RpcHandler(c.createPractitioner)
  createPractitioner(req: RpcRequest<typeof c.createPractitioner>) {
    return this.catalog.createPractitioner(req);
  }

  @RpcHandler(c.createSlots)
  createSlots(req: RpcRequest<typeof c.createSlots>) {
    return this.catalog.createSlots(req);
  }

  @RpcHandler(c.browseOfferings)
  browse(req: RpcRequest<typeof c.browseOfferings>) {
    return this.catalog.browse(req);
  }

  @RpcHandler(c.createBooking)
  book(req: RpcRequest<typeof c.createBooking>) {
    return this.bookings.create(req);
  }

  @RpcHandler(c.listMyBookings)
  myBookings(req: RpcRequest<typeof c.listMyBookings>) {
    return this.bookings.listMine(req);
  }

  @RpcHandler(c.cancelBooking)
  cancel(req: RpcRequest<typeof c.cancelBooking>) {
    return this.bookings.cancel(req.actor, req.bookingId);
  }

  @RpcHandler(c.rescheduleBooking)
  reschedule(req: RpcRequest<typeof c.rescheduleBooking>) {
    return this.bookings.reschedule(req);
  }

  @RpcHandler(c.reviewBooking)
  review(req: RpcRequest<typeof c.reviewBooking>) {
    return this.bookings.review(req);
  }

  @RpcHandler(c.listPartnerBookings)
  partnerBookings(req: RpcRequest<typeof c.listPartnerBookings>) {
    return this.bookings.partnerList(req);
  }

  @RpcHandler(c.transitionPartnerBooking)
  partnerTransition(req: RpcRequest<typeof c.transitionPartnerBooking>) {
    return this.bookings.partnerTransition(req);
  }

  @RpcHandler(c.paymentCallback)
  paymentCallback(req: RpcRequest<typeof c.paymentCallback>) {
    return this.bookings.onPaymentNotification(req);
  }

  @RpcHandler(c.createWebhookEndpoint)
  createWebhook(req: RpcRequest<typeof c.createWebhookEndpoint>) {
    return this.webhooks.create(req);
  }

  @RpcHandler(c.listWebhookEndpoints)
  listWebhooks(req: RpcRequest<typeof c.listWebhookEndpoints>) {
    return this.webhooks.list(req);
  }

  @RpcHandler(c.listWebhookDeliveries)
  deliveries(req: RpcRequest<typeof c.listWebhookDeliveries>) {
    return this.webhooks.deliveries(req);
  }

  @RpcHandler(c.replayWebhookDelivery)
  replay(req: RpcRequest<typeof c.replayWebhookDelivery>) {
    return this.webhooks.replay(req);
  }
}
