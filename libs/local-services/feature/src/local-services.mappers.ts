import type { localServices } from '@linli/contracts';
import type { ApiKeyRow, AttemptRow, BookingRow, DeliveryRow, EndpointRow, OfferingRow, ProviderRow, SlotRow } from '@linli/local-services-data-access';

type C = typeof localServices;
const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function toProvider(r: ProviderRow): localServices.Provider {
  return {
    providerId: r.id,
    ownerUserId: r.owner_user_id,
    companyName: r.company_name,
    contactPhone: r.contact_phone,
    licenceRefs: r.licence_refs,
    categories: r.categories as localServices.ServiceCategory[],
    compoundIds: r.compound_ids,
    cancelNoticeHours: r.cancel_notice_hours,
    status: r.status,
    decisionReason: r.decision_reason,
    decidedAt: isoOrNull(r.decided_at),
    createdAt: iso(r.created_at),
  };
}

export function toApiKey(r: ApiKeyRow): localServices.ApiKey {
  return {
    keyId: r.id,
    providerId: r.provider_id,
    prefix: r.prefix,
    label: r.label,
    scopes: r.scopes as localServices.ApiKeyScope[],
    createdAt: iso(r.created_at),
    expiresAt: isoOrNull(r.expires_at),
    revokedAt: isoOrNull(r.revoked_at),
    lastUsedAt: isoOrNull(r.last_used_at),
  };
}

export function toSlot(r: SlotRow): localServices.Slot {
  return {
    slotId: r.id,
    offeringId: r.offering_id,
    providerId: r.provider_id,
    practitionerId: r.practitioner_id,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    capacity: r.capacity,
    booked: r.booked,
    status: r.status,
  };
}

export function toOffering(r: OfferingRow, slots: SlotRow[] = []): localServices.Offering {
  return {
    offeringId: r.id,
    providerId: r.provider_id,
    providerName: r.provider_name,
    category: r.category as localServices.ServiceCategory,
    title: r.title,
    description: r.description,
    priceCents: r.price_cents,
    durationMinutes: r.duration_minutes,
    compoundIds: r.compound_ids,
    pointsPrice: r.points_price,
    mode: r.mode,
    sensitive: r.sensitive,
    active: r.active,
    slots: slots.map(toSlot),
  };
}

export function toBooking(r: BookingRow): localServices.Booking {
  return {
    bookingId: r.id,
    providerId: r.provider_id,
    offeringId: r.offering_id,
    offeringTitle: r.offering_title,
    category: r.category as localServices.ServiceCategory,
    slotId: r.slot_id,
    practitionerId: r.practitioner_id,
    userId: r.user_id,
    compoundId: r.compound_id,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    status: r.status,
    priceCents: r.price_cents,
    pointsUsed: r.points_used,
    pointsCents: r.points_cents,
    cashCents: r.cash_cents,
    sensitiveNote: r.sensitive_note,
    payment:
      r.payment_id && r.payment_provider && r.payment_status && r.payment_amount_cents !== null
        ? { paymentId: r.payment_id, provider: r.payment_provider, status: r.payment_status, amountCents: r.payment_amount_cents, clientParams: r.payment_client_params ?? {} }
        : null,
    review: r.review_rating !== null && r.review_at ? { rating: r.review_rating, text: r.review_text, createdAt: iso(r.review_at) } : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** What every booking event carries: never the note, and no category for a sensitive (health) booking. */
export function bookingEventData(r: BookingRow, occurredAt: Date = new Date()) {
  return {
    bookingId: r.id,
    providerId: r.provider_id,
    offeringId: r.offering_id,
    userId: r.user_id,
    compoundId: r.compound_id,
    category: r.sensitive ? null : (r.category as localServices.ServiceCategory),
    sensitive: r.sensitive,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    priceCents: r.price_cents,
    pointsUsed: r.points_used,
    cashCents: r.cash_cents,
    occurredAt: iso(occurredAt),
  };
}

/** The `data` of a webhook message: the booking as the provider's system needs it (notes are read through the API). */
export function webhookBookingData(r: BookingRow) {
  return {
    bookingId: r.id,
    offeringId: r.offering_id,
    slotId: r.slot_id,
    practitionerId: r.practitioner_id,
    status: r.status,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    priceCents: r.price_cents,
    cashCents: r.cash_cents,
    pointsUsed: r.points_used,
    rating: r.review_rating,
  };
}

export function toEndpoint(r: EndpointRow): Omit<ReturnType<C['createWebhookEndpoint']['response']['parse']>, 'secret'> {
  return { endpointId: r.id, url: r.url, events: r.events as localServices.WebhookEventType[], active: r.active, createdAt: iso(r.created_at) };
}

export function toDelivery(r: DeliveryRow, attempts: AttemptRow[]): localServices.WebhookDelivery {
  return {
    deliveryId: r.id,
    endpointId: r.endpoint_id,
    eventType: r.event_type as localServices.WebhookEventType,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? isoOrNull(r.next_attempt_at) : null,
    deliveredAt: isoOrNull(r.delivered_at),
    createdAt: iso(r.created_at),
    log: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({ attempt: a.attempt, at: iso(a.at), statusCode: a.status_code, error: a.error, durationMs: a.duration_ms })),
  };
}
