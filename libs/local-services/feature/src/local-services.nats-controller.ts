import { localServices as c } from '@linli/contracts';
import { bind, rpcBindings } from '@linli/nest-kit';
import { BookingsService } from './bookings.service.js';
import { CatalogService } from './catalog.service.js';
import { ProvidersService } from './providers.service.js';
import { WebhooksService } from './webhooks.service.js';

/** NATS request/reply surface of local-services; requests arrive validated against the contracts. */
export const LocalServicesNatsController = rpcBindings('local-services', [ProvidersService, CatalogService, BookingsService, WebhooksService], (providers, catalog, bookings, webhooks) => [
  bind(c.applyAsProvider, (req) => providers.apply(req)),
  bind(c.listProviders, (req) => providers.list(req)),
  bind(c.approveProvider, (req) => providers.decide(req.actor, req.providerId, 'approved', null)),
  bind(c.rejectProvider, (req) => providers.decide(req.actor, req.providerId, 'rejected', req.reason)),
  bind(c.createApiKey, (req) => providers.createKey(req)),
  bind(c.listApiKeys, (req) => providers.listKeys(req)),
  bind(c.rotateApiKey, (req) => providers.rotateKey(req)),
  bind(c.revokeApiKey, (req) => providers.revokeKey(req)),
  bind(c.verifyApiKey, (req) => providers.verify(req.key)),
  bind(c.listAudit, (req) => providers.auditLog(req)),
  bind(c.createOffering, (req) => catalog.createOffering(req)),
  bind(c.createPractitioner, (req) => catalog.createPractitioner(req)),
  bind(c.createSlots, (req) => catalog.createSlots(req)),
  bind(c.browseOfferings, (req) => catalog.browse(req)),
  bind(c.createBooking, (req) => bookings.create(req)),
  bind(c.listMyBookings, (req) => bookings.listMine(req)),
  bind(c.cancelBooking, (req) => bookings.cancel(req.actor, req.bookingId)),
  bind(c.rescheduleBooking, (req) => bookings.reschedule(req)),
  bind(c.reviewBooking, (req) => bookings.review(req)),
  bind(c.listPartnerBookings, (req) => bookings.partnerList(req)),
  bind(c.transitionPartnerBooking, (req) => bookings.partnerTransition(req)),
  bind(c.paymentCallback, (req) => bookings.onPaymentNotification(req)),
  bind(c.createWebhookEndpoint, (req) => webhooks.create(req)),
  bind(c.listWebhookEndpoints, (req) => webhooks.list(req)),
  bind(c.listWebhookDeliveries, (req) => webhooks.deliveries(req)),
  bind(c.replayWebhookDelivery, (req) => webhooks.replay(req)),
]);
