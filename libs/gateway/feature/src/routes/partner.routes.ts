import { z } from 'zod';
import { localServices as ls } from '@linli/contracts';
import { defineRoute, type GatewayRoute } from '../route.js';

const partnerTags = ['Partner API'];
const Limit = z.coerce.number().int().min(1).max(200).optional();
const OfferingParams = z.object({ offeringId: z.string().uuid() }).strict();
const BookingParams = z.object({ bookingId: z.string().uuid() }).strict();
const DeliveryParams = z.object({ deliveryId: z.string().min(1).max(80) }).strict();

const OfferingBody = ls.OfferingInputSchema;
const PractitionerBody = ls.createPractitioner.request.omit({ partner: true });
const SlotsBody = ls.createSlots.request.pick({ slots: true }).strict();
const BookingsQuery = z.object({ status: ls.BookingStatusSchema.optional(), limit: Limit }).strict();
const WebhookBody = ls.createWebhookEndpoint.request.omit({ partner: true });
const DeliveriesQuery = z.object({ status: z.enum(['pending', 'delivered', 'failed']).optional(), limit: Limit }).strict();
const AuditQuery = z.object({ limit: Limit }).strict();

const transition = (action: (typeof ls.PARTNER_BOOKING_ACTIONS)[number], summary: string) =>
  defineRoute({
    method: 'POST',
    path: `/v1/partner/bookings/:bookingId/${action}`,
    summary,
    description: 'Another provider’s booking answers 404 LOCAL_SERVICES.BOOKING_NOT_FOUND.',
    tags: partnerTags,
    auth: { partner: { scopes: ['bookings'] } },
    params: BookingParams,
    response: ls.transitionPartnerBooking.response,
    rpc: ls.transitionPartnerBooking,
    toRpc: ({ params, partner }) => ({ partner, bookingId: params.bookingId, action }),
  });

/** The partner API: providers' own systems, authenticated by API key (`X-Api-Key`) and audited call by call. */
export const partnerRoutes: GatewayRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/partner/offerings',
    summary: 'Publish an offering (price in cents, duration, compounds served, points price)',
    tags: partnerTags,
    auth: { partner: { scopes: ['catalog'] } },
    body: OfferingBody,
    response: ls.createOffering.response,
    status: 201,
    rpc: ls.createOffering,
    toRpc: ({ body, partner }) => ({ partner, offering: body }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/partner/practitioners',
    summary: 'Add a practitioner with working hours (for calendar offerings and practitioner slots)',
    tags: partnerTags,
    auth: { partner: { scopes: ['catalog'] } },
    body: PractitionerBody,
    response: ls.createPractitioner.response,
    status: 201,
    rpc: ls.createPractitioner,
    toRpc: ({ body, partner }) => ({ partner, ...body }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/partner/offerings/:offeringId/slots',
    summary: 'Publish slots with a capacity; a practitioner’s slots may not overlap (409 LOCAL_SERVICES.SLOT_OVERLAP)',
    tags: partnerTags,
    auth: { partner: { scopes: ['catalog'] } },
    params: OfferingParams,
    body: SlotsBody,
    response: ls.createSlots.response,
    status: 201,
    rpc: ls.createSlots,
    toRpc: ({ params, body, partner }) => ({ partner, offeringId: params.offeringId, slots: body.slots }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/partner/bookings',
    summary: 'The provider’s bookings, by start',
    tags: partnerTags,
    auth: { partner: { scopes: ['bookings'] } },
    query: BookingsQuery,
    response: ls.listPartnerBookings.response,
    rpc: ls.listPartnerBookings,
    toRpc: ({ query, partner }) => ({ partner, ...query }),
  }),
  transition('confirm', 'Confirm a paid booking'),
  transition('complete', 'Complete a booking (the resident may then review it; the leader’s service fee is booked)'),
  transition('no-show', 'Mark that the resident did not show up'),
  defineRoute({
    method: 'POST',
    path: '/v1/partner/webhooks',
    summary: 'Register a webhook endpoint for booking events (Standard Webhooks signatures)',
    description: 'The signing secret (`whsec_…`) is in this response only. See docs/local-services-webhooks.md for verifying deliveries.',
    tags: partnerTags,
    auth: { partner: { scopes: ['webhooks'] } },
    body: WebhookBody,
    response: ls.createWebhookEndpoint.response,
    status: 201,
    rpc: ls.createWebhookEndpoint,
    toRpc: ({ body, partner }) => ({ partner, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/partner/webhooks',
    summary: 'The provider’s webhook endpoints',
    tags: partnerTags,
    auth: { partner: { scopes: ['webhooks'] } },
    response: ls.listWebhookEndpoints.response,
    rpc: ls.listWebhookEndpoints,
    toRpc: ({ partner }) => ({ partner }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/partner/webhook-deliveries',
    summary: 'The delivery log: each message with its attempts',
    tags: partnerTags,
    auth: { partner: { scopes: ['webhooks'] } },
    query: DeliveriesQuery,
    response: ls.listWebhookDeliveries.response,
    rpc: ls.listWebhookDeliveries,
    toRpc: ({ query, partner }) => ({ partner, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/partner/webhook-deliveries/:deliveryId/replay',
    summary: 'Send a delivery again (same webhook-id, fresh timestamp and signature)',
    tags: partnerTags,
    auth: { partner: { scopes: ['webhooks'] } },
    params: DeliveryParams,
    response: ls.replayWebhookDelivery.response,
    rpc: ls.replayWebhookDelivery,
    toRpc: ({ params, partner }) => ({ partner, deliveryId: params.deliveryId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/partner/audit-log',
    summary: 'Everything done with the provider’s keys, and refused attempts, newest first',
    tags: partnerTags,
    auth: { partner: { scopes: [] } },
    query: AuditQuery,
    response: ls.listAudit.response,
    rpc: ls.listAudit,
    toRpc: ({ query, partner }) => ({ partner, ...query }),
  }),
];
