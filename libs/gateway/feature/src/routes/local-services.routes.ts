import { z } from 'zod';
import { localServices as ls } from '@linli/contracts';
import { defineRoute, type GatewayRoute } from '../route.js';

const providers = ['Service providers'];
const services = ['Local services'];
const ops = ['Ops'];

const Limit = z.coerce.number().int().min(1).max(200).optional();
const ProviderParams = z.object({ providerId: z.string().uuid() }).strict();
const KeyParams = z.object({ providerId: z.string().uuid(), keyId: z.string().uuid() }).strict();
const SlotParams = z.object({ slotId: z.string().uuid() }).strict();
const PractitionerParams = z.object({ practitionerId: z.string().uuid() }).strict();
const BookingParams = z.object({ bookingId: z.string().uuid() }).strict();

const ApplyBody = ls.applyAsProvider.request.omit({ actor: true });
const ProvidersQuery = z.object({ status: ls.ProviderStatusSchema.optional(), limit: Limit }).strict();
const RejectBody = ls.rejectProvider.request.pick({ reason: true }).strict();
const CreateKeyBody = ls.createApiKey.request.pick({ scopes: true, label: true }).strict();
const RotateBody = ls.rotateApiKey.request.pick({ overlapSeconds: true }).strict().optional();
const BrowseQuery = z.object({ compoundId: z.string().min(1).max(64).optional(), category: ls.ServiceCategorySchema.optional() }).strict();
const SlotBookingBody = ls.createBooking.request.pick({ points: true, note: true }).strict().optional();
const PractitionerBookingBody = ls.PractitionerPlaceSchema.pick({ offeringId: true, startsAt: true })
  .extend(ls.createBooking.request.pick({ points: true, note: true }).shape)
  .strict();
const MineQuery = z.object({ limit: Limit }).strict();
const RescheduleBody = ls.rescheduleBooking.request
  .pick({ slotId: true, startsAt: true })
  .strict()
  .refine((b) => (b.slotId === undefined) !== (b.startsAt === undefined), { message: 'give either a slotId (slot bookings) or a startsAt (practitioner bookings)', path: ['slotId'] });
const ReviewBody = ls.reviewBooking.request.pick({ rating: true, text: true }).strict();

/** Response shapes several routes share, documented once under these names in the OpenAPI components. */
export const localServicesSchemaNames = new Map<z.ZodType, string>([
  [ls.ProviderSchema, 'ServiceProvider'],
  [ls.ApiKeySchema, 'ApiKey'],
  [ls.IssuedApiKeySchema, 'IssuedApiKey'],
  [ls.BookingSchema, 'ServiceBooking'],
  [ls.OfferingSchema, 'ServiceOffering'],
  [ls.SlotSchema, 'ServiceSlot'],
]);

/** Onboarding (people with tokens), ops decisions, API keys, and residents' browsing and bookings. */
export const localServicesRoutes: GatewayRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/provider-applications',
    summary: 'Apply as a local-services provider (housekeeping, clinic, tutoring, repairs …)',
    description: 'Licence numbers are references only (no documents). The applicant owns the provider and, once ops approve it, issues its API keys.',
    tags: providers,
    auth: { roles: 'any-signed-in' },
    body: ApplyBody,
    response: ls.applyAsProvider.response,
    status: 201,
    rpc: ls.applyAsProvider,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/providers',
    summary: 'The providers the caller applied for, with their decisions',
    tags: providers,
    auth: { roles: 'any-signed-in' },
    query: ProvidersQuery,
    response: ls.listProviders.response,
    rpc: ls.listProviders,
    toRpc: ({ query, actor }) => ({ actor, ...query, mine: true }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/providers',
    summary: 'Provider applications and accounts, newest first',
    tags: ops,
    auth: { roles: ['ops'] },
    query: ProvidersQuery,
    response: ls.listProviders.response,
    rpc: ls.listProviders,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/providers/:providerId/approve',
    summary: 'Approve a provider',
    tags: ops,
    auth: { roles: ['ops'] },
    params: ProviderParams,
    response: ls.approveProvider.response,
    rpc: ls.approveProvider,
    toRpc: ({ params, actor }) => ({ actor, providerId: params.providerId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/providers/:providerId/reject',
    summary: 'Reject a provider with a reason the applicant sees',
    tags: ops,
    auth: { roles: ['ops'] },
    params: ProviderParams,
    body: RejectBody,
    response: ls.rejectProvider.response,
    rpc: ls.rejectProvider,
    toRpc: ({ params, body, actor }) => ({ actor, providerId: params.providerId, reason: body.reason }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/providers/:providerId/api-keys',
    summary: 'Issue an API key for the provider’s own systems',
    description: 'The key (`lsk_…`) is in this response only; it is stored as a hash. Scopes: `catalog`, `bookings`, `webhooks`.',
    tags: providers,
    auth: { roles: 'any-signed-in' },
    params: ProviderParams,
    body: CreateKeyBody,
    response: ls.createApiKey.response,
    status: 201,
    rpc: ls.createApiKey,
    toRpc: ({ params, body, actor }) => ({ actor, providerId: params.providerId, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/providers/:providerId/api-keys',
    summary: 'The provider’s API keys (never the keys themselves)',
    tags: providers,
    auth: { roles: 'any-signed-in' },
    params: ProviderParams,
    response: ls.listApiKeys.response,
    rpc: ls.listApiKeys,
    toRpc: ({ params, actor }) => ({ actor, providerId: params.providerId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/providers/:providerId/api-keys/:keyId/rotate',
    summary: 'Rotate an API key: a new key now, the old one working for the overlap (default one day)',
    tags: providers,
    auth: { roles: 'any-signed-in' },
    params: KeyParams,
    body: RotateBody,
    response: ls.rotateApiKey.response,
    status: 201,
    rpc: ls.rotateApiKey,
    toRpc: ({ params, body, actor }) => ({ actor, providerId: params.providerId, keyId: params.keyId, ...(body ?? {}) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/providers/:providerId/api-keys/:keyId',
    summary: 'Revoke an API key (refused within seconds everywhere)',
    tags: providers,
    auth: { roles: 'any-signed-in' },
    params: KeyParams,
    response: ls.revokeApiKey.response,
    rpc: ls.revokeApiKey,
    toRpc: ({ params, actor }) => ({ actor, providerId: params.providerId, keyId: params.keyId }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/service-offerings',
    summary: 'Local services serving the caller’s compound (or the one named), with upcoming open slots',
    tags: services,
    auth: { roles: ['resident'] },
    query: BrowseQuery,
    response: ls.browseOfferings.response,
    rpc: ls.browseOfferings,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/service-slots/:slotId/bookings',
    summary: 'Book a seat in a slot',
    description:
      'Never over capacity: a full slot answers 409 LOCAL_SERVICES.SLOT_FULL. `points` pay part of the price (at most the offering’s points price); the rest is paid through `payment.clientParams`.',
    tags: services,
    auth: { roles: ['resident'] },
    params: SlotParams,
    body: SlotBookingBody,
    response: ls.createBooking.response,
    status: 201,
    rpc: ls.createBooking,
    toRpc: ({ params, body, actor }) => ({ actor, place: { slotId: params.slotId }, ...(body ?? {}) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/practitioners/:practitionerId/bookings',
    summary: 'Book a practitioner’s time (clinics): any free start inside their working hours',
    description: 'Never two overlapping bookings of one practitioner: a taken time answers 409 LOCAL_SERVICES.PRACTITIONER_BUSY.',
    tags: services,
    auth: { roles: ['resident'] },
    params: PractitionerParams,
    body: PractitionerBookingBody,
    response: ls.createBooking.response,
    status: 201,
    rpc: ls.createBooking,
    toRpc: ({ params, body, actor }) => ({
      actor,
      place: { practitionerId: params.practitionerId, offeringId: body.offeringId, startsAt: body.startsAt },
      points: body.points,
      ...(body.note !== undefined ? { note: body.note } : {}),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/service-bookings',
    summary: 'The caller’s service bookings, newest first',
    tags: services,
    auth: { roles: ['resident'] },
    query: MineQuery,
    response: ls.listMyBookings.response,
    rpc: ls.listMyBookings,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/service-bookings/:bookingId/cancel',
    summary: 'Cancel a booking within the provider’s notice (refunds the cash, returns the points)',
    tags: services,
    auth: { roles: ['resident'] },
    params: BookingParams,
    response: ls.cancelBooking.response,
    rpc: ls.cancelBooking,
    toRpc: ({ params, actor }) => ({ actor, bookingId: params.bookingId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/service-bookings/:bookingId/reschedule',
    summary: 'Move a booking to another slot, or another start with the same practitioner',
    tags: services,
    auth: { roles: ['resident'] },
    params: BookingParams,
    body: RescheduleBody,
    response: ls.rescheduleBooking.response,
    rpc: ls.rescheduleBooking,
    toRpc: ({ params, body, actor }) => ({ actor, bookingId: params.bookingId, ...body }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/service-bookings/:bookingId/review',
    summary: 'Review a completed booking (rating 1–5 and text), once',
    tags: services,
    auth: { roles: ['resident'] },
    params: BookingParams,
    body: ReviewBody,
    response: ls.reviewBooking.response,
    rpc: ls.reviewBooking,
    toRpc: ({ params, body, actor }) => ({ actor, bookingId: params.bookingId, ...body }),
  }),
];
