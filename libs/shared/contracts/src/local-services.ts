import { z } from 'zod';
import { defineEvent, defineRpc } from './define.js';
import { ActorSchema, CentsSchema, IsoDateTimeSchema, PhoneSchema, UserIdSchema } from './common.js';

// The local-services marketplace: providers (housekeeping, clinics, tutoring, repairs …) onboard,
// get API keys for their own systems, publish offerings with slots or practitioner calendars and
// receive signed webhooks; residents book, pay (cash and/or points), reschedule, cancel and review.

const Id = z.string().uuid();
const CompoundIdSchema = z.string().min(1).max(64);
const Text = (max: number) => z.string().trim().min(1).max(max);

export const SERVICE_CATEGORIES = ['housekeeping', 'clinic', 'health-check', 'tutoring', 'repairs', 'elderly-care', 'other'] as const;
export const ServiceCategorySchema = z.enum(SERVICE_CATEGORIES);
export type ServiceCategory = z.infer<typeof ServiceCategorySchema>;
/** Categories whose bookings are health data: their details never leave the service except to the resident and the provider. */
export const SENSITIVE_CATEGORIES: readonly ServiceCategory[] = ['clinic', 'health-check'];

export const PROVIDER_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;
export const ProviderStatusSchema = z.enum(PROVIDER_STATUSES);

/** What an API key may do. */
export const API_KEY_SCOPES = ['catalog', 'bookings', 'webhooks'] as const;
export const ApiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

/** The provider system calling under `/v1/partner/…`, as the gateway verified its API key. */
export const PartnerSchema = z.object({ providerId: Id, keyId: Id }).strict();
export type Partner = z.infer<typeof PartnerSchema>;

export const LicenceRefSchema = z.object({ kind: Text(40), number: Text(64) }).strict();

export const ProviderSchema = z.object({
  providerId: Id,
  ownerUserId: UserIdSchema,
  companyName: z.string(),
  contactPhone: z.string(),
  licenceRefs: z.array(LicenceRefSchema),
  categories: z.array(ServiceCategorySchema),
  compoundIds: z.array(CompoundIdSchema),
  /** Residents may cancel or reschedule until this many hours before the start. */
  cancelNoticeHours: z.number().int().min(0).max(168),
  status: ProviderStatusSchema,
  decisionReason: z.string().nullable(),
  decidedAt: IsoDateTimeSchema.nullable(),
  createdAt: IsoDateTimeSchema,
});
export type Provider = z.infer<typeof ProviderSchema>;

export const ApiKeySchema = z.object({
  keyId: Id,
  providerId: Id,
  /** The first characters of the key, to tell keys apart; the key itself is never shown again. */
  prefix: z.string(),
  label: z.string().nullable(),
  scopes: z.array(ApiKeyScopeSchema),
  createdAt: IsoDateTimeSchema,
  /** Set when the key was rotated: it keeps working until then (the overlap). */
  expiresAt: IsoDateTimeSchema.nullable(),
  revokedAt: IsoDateTimeSchema.nullable(),
  lastUsedAt: IsoDateTimeSchema.nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;
/** A new key: `key` is shown this once and stored only as a hash. */
export const IssuedApiKeySchema = ApiKeySchema.extend({ key: z.string() });

export const OFFERING_MODES = ['slots', 'calendar'] as const;
export const OfferingModeSchema = z.enum(OFFERING_MODES);

export const OfferingInputSchema = z
  .object({
    category: ServiceCategorySchema,
    title: Text(120),
    description: z.string().trim().max(2000).default(''),
    priceCents: CentsSchema.max(10_000_000),
    durationMinutes: z.number().int().min(5).max(24 * 60),
    compoundIds: z.array(CompoundIdSchema).min(1).max(200),
    /** Points that pay the whole price; a booking may pay part of it in points. Null: not redeemable. */
    pointsPrice: z.number().int().positive().max(10_000_000).nullable().default(null),
    /** `slots`: residents book published slots with a capacity; `calendar`: any free start in a practitioner's hours. */
    mode: OfferingModeSchema.default('slots'),
  })
  .strict();

export const SlotSchema = z.object({
  slotId: Id,
  offeringId: Id,
  providerId: Id,
  practitionerId: Id.nullable(),
  startsAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
  capacity: z.number().int().positive(),
  booked: z.number().int().nonnegative(),
  status: z.enum(['open', 'cancelled']),
});
export type Slot = z.infer<typeof SlotSchema>;

export const OfferingSchema = z.object({
  offeringId: Id,
  providerId: Id,
  providerName: z.string(),
  category: ServiceCategorySchema,
  title: z.string(),
  description: z.string(),
  priceCents: CentsSchema,
  durationMinutes: z.number().int(),
  compoundIds: z.array(CompoundIdSchema),
  pointsPrice: z.number().int().nullable(),
  mode: OfferingModeSchema,
  sensitive: z.boolean(),
  active: z.boolean(),
  /** Upcoming open slots (browse only; empty elsewhere). */
  slots: z.array(SlotSchema),
});
export type Offering = z.infer<typeof OfferingSchema>;

export const AvailabilityWindowSchema = z.object({ startsAt: IsoDateTimeSchema, endsAt: IsoDateTimeSchema }).strict();

export const PractitionerSchema = z.object({
  practitionerId: Id,
  providerId: Id,
  name: z.string(),
  availability: z.array(AvailabilityWindowSchema),
});

export const BOOKING_STATUSES = ['pending_payment', 'paid', 'confirmed', 'completed', 'no_show', 'cancelled'] as const;
export const BookingStatusSchema = z.enum(BOOKING_STATUSES);
export type BookingStatus = z.infer<typeof BookingStatusSchema>;

export const ReviewSchema = z.object({ rating: z.number().int().min(1).max(5), text: z.string().nullable(), createdAt: IsoDateTimeSchema });

export const PaymentViewSchema = z.object({
  paymentId: Id,
  provider: z.string(),
  status: z.enum(['created', 'succeeded', 'failed', 'refunded']),
  amountCents: CentsSchema,
  clientParams: z.record(z.string(), z.string()),
});

export const BookingSchema = z.object({
  bookingId: Id,
  providerId: Id,
  offeringId: Id,
  offeringTitle: z.string(),
  category: ServiceCategorySchema,
  slotId: Id.nullable(),
  practitionerId: Id.nullable(),
  userId: UserIdSchema,
  compoundId: CompoundIdSchema,
  startsAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
  status: BookingStatusSchema,
  priceCents: CentsSchema,
  pointsUsed: z.number().int().nonnegative(),
  /** What the points paid, in cents; `cashCents` is the rest. */
  pointsCents: CentsSchema,
  cashCents: CentsSchema,
  /** Health details for a sensitive booking: seen by the resident and the provider only. */
  sensitiveNote: z.string().nullable(),
  payment: PaymentViewSchema.nullable(),
  review: ReviewSchema.nullable(),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type Booking = z.infer<typeof BookingSchema>;

/** What providers subscribe their webhook endpoints to. */
export const WEBHOOK_EVENT_TYPES = ['booking.created', 'booking.cancelled', 'booking.rescheduled', 'booking.reviewed'] as const;
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

export const WebhookEndpointSchema = z.object({
  endpointId: Id,
  url: z.string(),
  events: z.array(WebhookEventTypeSchema),
  active: z.boolean(),
  createdAt: IsoDateTimeSchema,
});
/** A new endpoint: `secret` (`whsec_…`) is shown this once. */
export const CreatedWebhookEndpointSchema = WebhookEndpointSchema.extend({ secret: z.string() });

export const WebhookDeliverySchema = z.object({
  /** The `webhook-id` header: the same on every attempt and replay of this message. */
  deliveryId: z.string(),
  endpointId: Id,
  eventType: WebhookEventTypeSchema,
  payload: z.record(z.string(), z.unknown()),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: IsoDateTimeSchema.nullable(),
  deliveredAt: IsoDateTimeSchema.nullable(),
  createdAt: IsoDateTimeSchema,
  log: z.array(
    z.object({ attempt: z.number().int(), at: IsoDateTimeSchema, statusCode: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int() }),
  ),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const AuditEntrySchema = z.object({
  at: IsoDateTimeSchema,
  keyId: Id.nullable(),
  actorUserId: UserIdSchema.nullable(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(['ok', 'refused']),
  code: z.string().nullable(),
});

const Limit = z.number().int().min(1).max(200).default(50);

// ---------------------------------------------------------------- onboarding (people, with tokens)

/** A provider applies; the applicant becomes its owner and manages its API keys once approved. */
export const applyAsProvider = defineRpc(
  'rpc.local-services.provider.apply.v1',
  z
    .object({
      actor: ActorSchema,
      companyName: Text(120),
      contactPhone: PhoneSchema,
      licenceRefs: z.array(LicenceRefSchema).min(1).max(10),
      categories: z.array(ServiceCategorySchema).min(1).max(SERVICE_CATEGORIES.length),
      compoundIds: z.array(CompoundIdSchema).min(1).max(200),
      cancelNoticeHours: z.number().int().min(0).max(168).default(24),
    })
    .strict(),
  ProviderSchema,
);

/** Ops see every provider (optionally by status) unless they ask for their own (`mine`); anyone else the providers they own. */
export const listProviders = defineRpc(
  'rpc.local-services.provider.list.v1',
  z.object({ actor: ActorSchema, mine: z.boolean().default(false), status: ProviderStatusSchema.optional(), limit: Limit }).strict(),
  z.object({ providers: z.array(ProviderSchema) }),
);

export const approveProvider = defineRpc('rpc.local-services.provider.approve.v1', z.object({ actor: ActorSchema, providerId: Id }).strict(), ProviderSchema);

export const rejectProvider = defineRpc(
  'rpc.local-services.provider.reject.v1',
  z.object({ actor: ActorSchema, providerId: Id, reason: Text(500) }).strict(),
  ProviderSchema,
);

export const createApiKey = defineRpc(
  'rpc.local-services.api-key.create.v1',
  z.object({ actor: ActorSchema, providerId: Id, scopes: z.array(ApiKeyScopeSchema).min(1).max(API_KEY_SCOPES.length), label: Text(60).optional() }).strict(),
  IssuedApiKeySchema,
);

export const listApiKeys = defineRpc(
  'rpc.local-services.api-key.list.v1',
  z.object({ actor: ActorSchema, providerId: Id }).strict(),
  z.object({ keys: z.array(ApiKeySchema) }),
);

/** A new key with the old one's scopes; the old one keeps working for `overlapSeconds`, then stops. */
export const rotateApiKey = defineRpc(
  'rpc.local-services.api-key.rotate.v1',
  z.object({ actor: ActorSchema, providerId: Id, keyId: Id, overlapSeconds: z.number().int().min(0).max(7 * 86_400).default(86_400) }).strict(),
  z.object({ issued: IssuedApiKeySchema, previous: ApiKeySchema }),
);

export const revokeApiKey = defineRpc('rpc.local-services.api-key.revoke.v1', z.object({ actor: ActorSchema, providerId: Id, keyId: Id }).strict(), ApiKeySchema);

/** The gateway's check of a key under `/v1/partner/…` (it caches the answer briefly). */
export const verifyApiKey = defineRpc(
  'rpc.local-services.api-key.verify.v1',
  z.object({ key: z.string().min(1).max(200) }).strict(),
  z.object({ providerId: Id, keyId: Id, scopes: z.array(ApiKeyScopeSchema) }),
);

// ---------------------------------------------------------------- partner API (provider systems, with API keys)

export const createOffering = defineRpc(
  'rpc.local-services.offering.create.v1',
  z.object({ partner: PartnerSchema, offering: OfferingInputSchema }).strict(),
  OfferingSchema,
);

export const createPractitioner = defineRpc(
  'rpc.local-services.practitioner.create.v1',
  z.object({ partner: PartnerSchema, name: Text(80), availability: z.array(AvailabilityWindowSchema).min(1).max(200) }).strict(),
  PractitionerSchema,
);

/** Publishes slots of an offering; a practitioner's slots may not overlap one another. */
export const createSlots = defineRpc(
  'rpc.local-services.slot.create.v1',
  z
    .object({
      partner: PartnerSchema,
      offeringId: Id,
      slots: z.array(z.object({ startsAt: IsoDateTimeSchema, capacity: z.number().int().min(1).max(1000), practitionerId: Id.optional() }).strict()).min(1).max(200),
    })
    .strict(),
  z.object({ slots: z.array(SlotSchema) }),
);

export const listPartnerBookings = defineRpc(
  'rpc.local-services.partner-booking.list.v1',
  z.object({ partner: PartnerSchema, status: BookingStatusSchema.optional(), limit: Limit }).strict(),
  z.object({ bookings: z.array(BookingSchema) }),
);

export const PARTNER_BOOKING_ACTIONS = ['confirm', 'complete', 'no-show'] as const;
export const transitionPartnerBooking = defineRpc(
  'rpc.local-services.partner-booking.transition.v1',
  z.object({ partner: PartnerSchema, bookingId: Id, action: z.enum(PARTNER_BOOKING_ACTIONS) }).strict(),
  BookingSchema,
);

export const createWebhookEndpoint = defineRpc(
  'rpc.local-services.webhook.create.v1',
  z
    .object({
      partner: PartnerSchema,
      url: z.string().url().max(500).refine((url) => /^https?:\/\//.test(url), 'must be an http(s) URL'),
      events: z.array(WebhookEventTypeSchema).min(1).max(WEBHOOK_EVENT_TYPES.length),
    })
    .strict(),
  CreatedWebhookEndpointSchema,
);

export const listWebhookEndpoints = defineRpc(
  'rpc.local-services.webhook.list.v1',
  z.object({ partner: PartnerSchema }).strict(),
  z.object({ endpoints: z.array(WebhookEndpointSchema) }),
);

export const listWebhookDeliveries = defineRpc(
  'rpc.local-services.webhook-delivery.list.v1',
  z.object({ partner: PartnerSchema, status: z.enum(['pending', 'delivered', 'failed']).optional(), limit: Limit }).strict(),
  z.object({ deliveries: z.array(WebhookDeliverySchema) }),
);

/** Sends a delivery again (same `webhook-id`, fresh timestamp and signature). */
export const replayWebhookDelivery = defineRpc(
  'rpc.local-services.webhook-delivery.replay.v1',
  z.object({ partner: PartnerSchema, deliveryId: z.string().min(1).max(80) }).strict(),
  WebhookDeliverySchema,
);

/** Everything done with the provider's keys (and refused attempts), newest first. */
export const listAudit = defineRpc(
  'rpc.local-services.audit.list.v1',
  z.object({ partner: PartnerSchema, limit: Limit }).strict(),
  z.object({ entries: z.array(AuditEntrySchema) }),
);

// ---------------------------------------------------------------- residents

/** Active offerings serving the resident's compound (or the one named), with upcoming open slots. */
export const browseOfferings = defineRpc(
  'rpc.local-services.offering.browse.v1',
  z.object({ actor: ActorSchema, compoundId: CompoundIdSchema.optional(), category: ServiceCategorySchema.optional() }).strict(),
  z.object({ offerings: z.array(OfferingSchema) }),
);

/** A booking at a practitioner: which offering, starting when. */
export const PractitionerPlaceSchema = z.object({ practitionerId: Id, offeringId: Id, startsAt: IsoDateTimeSchema }).strict();
const BookingPlaceSchema = z.union([z.object({ slotId: Id }).strict(), PractitionerPlaceSchema]);

export const createBooking = defineRpc(
  'rpc.local-services.booking.create.v1',
  z
    .object({
      actor: ActorSchema,
      place: BookingPlaceSchema,
      /** Points to pay part of the price with (at most the offering's points price). */
      points: z.number().int().min(0).max(10_000_000).default(0),
      /** What the provider needs to know (for a clinic: the reason for the visit). Stored as sensitive for clinics. */
      note: z.string().trim().max(500).optional(),
    })
    .strict(),
  BookingSchema,
);

export const listMyBookings = defineRpc(
  'rpc.local-services.booking.list.v1',
  z.object({ actor: ActorSchema, limit: Limit }).strict(),
  z.object({ bookings: z.array(BookingSchema) }),
);

export const cancelBooking = defineRpc('rpc.local-services.booking.cancel.v1', z.object({ actor: ActorSchema, bookingId: Id }).strict(), BookingSchema);

export const rescheduleBooking = defineRpc(
  'rpc.local-services.booking.reschedule.v1',
  z.object({ actor: ActorSchema, bookingId: Id, slotId: Id.optional(), startsAt: IsoDateTimeSchema.optional() }).strict(),
  BookingSchema,
);

export const reviewBooking = defineRpc(
  'rpc.local-services.booking.review.v1',
  z.object({ actor: ActorSchema, bookingId: Id, rating: z.number().int().min(1).max(5), text: z.string().trim().max(1000).optional() }).strict(),
  BookingSchema,
);

// ---------------------------------------------------------------- payments

/** A payment provider's signed notification about a booking's payment (the development provider sends it over NATS). */
export const PaymentNotificationSchema = z
  .object({
    notificationId: z.string().min(1).max(100),
    providerPaymentId: z.string().min(1).max(100),
    /** Our payment id. */
    merchantPaymentId: Id,
    status: z.enum(['succeeded', 'failed']),
    amountCents: CentsSchema,
    occurredAt: IsoDateTimeSchema,
  })
  .strict();
export type PaymentNotification = z.infer<typeof PaymentNotificationSchema>;

export const paymentCallback = defineRpc(
  'rpc.local-services.payment.callback.v1',
  z.object({ provider: z.string().min(1).max(40), notification: PaymentNotificationSchema, signature: z.string().min(1).max(200) }).strict(),
  z.object({ outcome: z.enum(['paid', 'duplicate', 'failed', 'refunded', 'ignored']) }),
);

// ---------------------------------------------------------------- events (no health details: sensitive bookings carry no category)

const BookingEventSchema = z.object({
  bookingId: Id,
  providerId: Id,
  offeringId: Id,
  userId: UserIdSchema,
  compoundId: CompoundIdSchema,
  /** Null for sensitive (health) bookings, so analytics learn only that a service was booked. */
  category: ServiceCategorySchema.nullable(),
  sensitive: z.boolean(),
  startsAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
  priceCents: CentsSchema,
  pointsUsed: z.number().int().nonnegative(),
  cashCents: CentsSchema,
  occurredAt: IsoDateTimeSchema,
});

export const bookingCreated = defineEvent('local-services.booking.created.v1', BookingEventSchema);
export const bookingCancelled = defineEvent('local-services.booking.cancelled.v1', BookingEventSchema.extend({ cancelledBy: z.enum(['resident', 'provider', 'system']) }));
export const bookingRescheduled = defineEvent(
  'local-services.booking.rescheduled.v1',
  BookingEventSchema.extend({ previousStartsAt: IsoDateTimeSchema, previousEndsAt: IsoDateTimeSchema }),
);
/**
 * The provider completed the booking. `leaderFeeCents` is the service-fee share (`leaderFeeBps` of the
 * price) of `leaderUserId`, the leader of the pickup point the resident was bound to at completion
 * (null when unknown); leader ops puts it on that leader's settlement.
 */
export const bookingCompleted = defineEvent(
  'local-services.booking.completed.v1',
  BookingEventSchema.extend({
    leaderUserId: UserIdSchema.nullable(),
    leaderFeeBps: z.number().int().min(0).max(10_000),
    leaderFeeCents: CentsSchema,
    completedAt: IsoDateTimeSchema,
  }),
);
export const bookingReviewed = defineEvent('local-services.booking.reviewed.v1', BookingEventSchema.extend({ rating: z.number().int().min(1).max(5) }));
