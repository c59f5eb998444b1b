import { LinliError } from '@linli/contracts';

/** Local-services' error constructors; each carries a code from the contracts. */
export const LocalServicesErrors = {
  opsOnly: () => new LinliError('AUTH.FORBIDDEN', 'only ops may do this'),
  notOwner: () => new LinliError('AUTH.FORBIDDEN', 'only the provider’s owner may manage its keys'),
  providerNotFound: (providerId: string) => new LinliError('LOCAL_SERVICES.PROVIDER_NOT_FOUND', 'no such provider', { providerId }),
  providerNotApproved: (providerId: string, status: string) =>
    new LinliError('LOCAL_SERVICES.PROVIDER_NOT_APPROVED', `the provider is ${status}; only an approved provider has API keys`, { providerId, status }),
  providerDecided: (providerId: string, status: string) =>
    new LinliError('LOCAL_SERVICES.PROVIDER_DECIDED', `the application was already ${status}`, { providerId, status }),
  keyMissing: () => new LinliError('LOCAL_SERVICES.API_KEY_MISSING', 'this route needs an "X-Api-Key: <key>" header with one of your API keys'),
  keyInvalid: () => new LinliError('LOCAL_SERVICES.API_KEY_INVALID', 'the API key is not valid'),
  keyRevoked: (why: 'revoked' | 'expired' | 'provider suspended') => new LinliError('LOCAL_SERVICES.API_KEY_REVOKED', `the API key no longer works (${why})`),
  keyScope: (scope: string) => new LinliError('LOCAL_SERVICES.API_KEY_SCOPE', `the API key lacks the "${scope}" scope`, { scope }),
  keyNotFound: (keyId: string) => new LinliError('LOCAL_SERVICES.API_KEY_NOT_FOUND', 'no such API key', { keyId }),
  offeringNotFound: (offeringId: string) => new LinliError('LOCAL_SERVICES.OFFERING_NOT_FOUND', 'no such offering', { offeringId }),
  offeringInvalid: (message: string, fields: { path: string; message: string }[]) => new LinliError('LOCAL_SERVICES.OFFERING_INVALID', message, { fields }),
  practitionerNotFound: (practitionerId: string) => new LinliError('LOCAL_SERVICES.PRACTITIONER_NOT_FOUND', 'no such practitioner', { practitionerId }),
  slotNotFound: (slotId: string) => new LinliError('LOCAL_SERVICES.SLOT_NOT_FOUND', 'no such slot', { slotId }),
  slotOverlap: () => new LinliError('LOCAL_SERVICES.SLOT_OVERLAP', 'a practitioner’s slots may not overlap'),
  slotFull: (slotId: string) => new LinliError('LOCAL_SERVICES.SLOT_FULL', 'the slot is fully booked', { slotId }),
  practitionerBusy: (practitionerId: string) =>
    new LinliError('LOCAL_SERVICES.PRACTITIONER_BUSY', 'the practitioner already has a booking at that time', { practitionerId }),
  outsideAvailability: () => new LinliError('LOCAL_SERVICES.OUTSIDE_AVAILABILITY', 'the time is outside the practitioner’s working hours or in the past'),
  outsideServiceArea: (compoundId: string) =>
    new LinliError('LOCAL_SERVICES.OUTSIDE_SERVICE_AREA', 'this offering does not serve your compound', { compoundId }),
  notBound: () => new LinliError('LOCAL_SERVICES.RESIDENT_NOT_BOUND', 'choose your pickup point (and so your compound) first'),
  alreadyBooked: () => new LinliError('LOCAL_SERVICES.ALREADY_BOOKED', 'you already have a booking in this slot'),
  bookingNotFound: (bookingId: string) => new LinliError('LOCAL_SERVICES.BOOKING_NOT_FOUND', 'no such booking', { bookingId }),
  invalidTransition: (from: string, to: string) => new LinliError('LOCAL_SERVICES.INVALID_TRANSITION', `a ${from} booking cannot become ${to}`, { from, to }),
  policyWindowClosed: (hours: number) =>
    new LinliError('LOCAL_SERVICES.POLICY_WINDOW_CLOSED', `the provider accepts changes until ${hours} hour(s) before the start`, { cancelNoticeHours: hours }),
  notCompleted: (status: string) => new LinliError('LOCAL_SERVICES.BOOKING_NOT_COMPLETED', 'only a completed booking can be reviewed', { status }),
  alreadyReviewed: () => new LinliError('LOCAL_SERVICES.ALREADY_REVIEWED', 'this booking is already reviewed'),
  pointsNotRedeemable: (max: number | null) =>
    new LinliError('LOCAL_SERVICES.POINTS_NOT_REDEEMABLE', max === null ? 'this offering cannot be paid with points' : `at most ${max} points pay for this offering`, { maxPoints: max }),
  pointsInsufficient: (points: number) => new LinliError('LOCAL_SERVICES.POINTS_INSUFFICIENT', 'you do not have that many points', { points }),
  pointsUnavailable: () => new LinliError('LOCAL_SERVICES.POINTS_UNAVAILABLE', 'the points ledger cannot be reached just now; try again, or pay the whole price'),
  webhookNotFound: (id: string) => new LinliError('LOCAL_SERVICES.WEBHOOK_NOT_FOUND', 'no such webhook delivery or endpoint', { id }),
  invalid: (message: string, fields: { path: string; message: string }[]) => new LinliError('COMMON.VALIDATION_FAILED', message, { fields }),
};

/** PostgreSQL's error code (and constraint) of a failed statement, when it is one. */
export function pgError(error: unknown): { code: string; constraint?: string } | null {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? { code: e.code, constraint: typeof e.constraint === 'string' ? e.constraint : undefined } : null;
}
