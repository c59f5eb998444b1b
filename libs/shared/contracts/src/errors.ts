import { z } from 'zod';

/**
 * Every error code that may cross a service boundary. The gateway maps each one to an HTTP
 * status in one exhaustive switch, so adding a code here without a status fails the build.
 */
export const ERROR_CODES = [
  // Common
  'COMMON.VALIDATION_FAILED',
  'COMMON.MALFORMED_JSON',
  'COMMON.PAYLOAD_TOO_LARGE',
  'COMMON.HEADERS_TOO_LARGE',
  'COMMON.NOT_FOUND',
  'COMMON.ROUTE_NOT_FOUND',
  'COMMON.CONFLICT',
  'COMMON.RATE_LIMITED',
  'COMMON.UNAVAILABLE',
  'COMMON.TIMEOUT',
  'COMMON.INTERNAL',
  // Authentication and authorisation
  'AUTH.UNAUTHENTICATED',
  'AUTH.TOKEN_EXPIRED',
  'AUTH.TOKEN_INVALID',
  'AUTH.SESSION_REVOKED',
  'AUTH.FORBIDDEN',
  // Identity
  'IDENTITY.OTP_INVALID',
  'IDENTITY.OTP_EXPIRED',
  'IDENTITY.OTP_ALREADY_USED',
  'IDENTITY.OTP_TOO_MANY_ATTEMPTS',
  'IDENTITY.OTP_RATE_LIMITED',
  'IDENTITY.SMS_BUDGET_EXHAUSTED',
  'IDENTITY.REFRESH_TOKEN_INVALID',
  'IDENTITY.WECHAT_CODE_INVALID',
  'IDENTITY.USER_NOT_FOUND',
  'IDENTITY.USER_ERASED',
  'IDENTITY.MERGE_SELF',
  'IDENTITY.IDENTITY_CONFLICT',
  'IDENTITY.CONSENT_UNKNOWN',
  'IDENTITY.MEMBER_CARD_UNPROVABLE',
  'IDENTITY.MERGE_APPROVAL_REQUIRED',
  'IDENTITY.MERGE_REQUEST_NOT_FOUND',
  'IDENTITY.MERGE_REQUEST_DECIDED',
  // Leader ops
  'LEADER_OPS.COMPOUND_NOT_FOUND',
  'LEADER_OPS.COMPOUND_IN_USE',
  'LEADER_OPS.APPLICATION_NOT_FOUND',
  'LEADER_OPS.APPLICATION_PENDING',
  'LEADER_OPS.APPLICATION_DECIDED',
  'LEADER_OPS.ALREADY_LEADER',
  'LEADER_OPS.NOT_APPROVED_LEADER',
  'LEADER_OPS.PICKUP_POINT_NOT_FOUND',
  'LEADER_OPS.NOT_POINT_OWNER',
  'LEADER_OPS.POINT_NOT_SERVING_COMPOUND',
  'LEADER_OPS.POINT_SUSPENDED',
  'LEADER_OPS.YEAR_OUT_OF_RANGE',
  'LEADER_OPS.NOT_YOUR_CUSTOMER',
  'LEADER_OPS.CUSTOMER_NOT_FOUND',
  'LEADER_OPS.REMINDER_NOT_FOUND',
  'LEADER_OPS.DRAFT_NOT_FOUND',
  'LEADER_OPS.DRAFT_NOT_EDITABLE',
  'LEADER_OPS.DRAFT_NOT_APPROVED',
  'LEADER_OPS.NO_MARKETING_CONSENT',
  'LEADER_OPS.QUIET_HOURS',
  'LEADER_OPS.CHANNEL_UNAVAILABLE',
  'LEADER_OPS.MESSAGE_NOT_FOUND',
  'LEADER_OPS.SETTLEMENT_NOT_FOUND',
  'LEADER_OPS.SETTLEMENT_ALREADY_ISSUED',
  'LEADER_OPS.SETTLEMENT_MONTH_OPEN',
  'LEADER_OPS.SETTLEMENT_INVALID_TRANSITION',
  'LEADER_OPS.NEGATIVE_PAYOUT',
  // Orders
  'ORDERS.NOT_BOUND',
  'ORDERS.NOT_SERVED',
  'ORDERS.CAMPAIGN_NOT_FOUND',
  'ORDERS.CAMPAIGN_NOT_STARTED',
  'ORDERS.CAMPAIGN_CLOSED',
  'ORDERS.CAMPAIGN_INVALID',
  'ORDERS.CATALOG_INVALID',
  'ORDERS.SKU_CODE_TAKEN',
  'ORDERS.OFFER_NOT_FOUND',
  'ORDERS.PRICE_MISMATCH',
  'ORDERS.STOCK_EXHAUSTED',
  'ORDERS.LIMIT_EXCEEDED',
  'ORDERS.PICKUP_POINT_FULL',
  'ORDERS.IDEMPOTENCY_KEY_REUSED',
  'ORDERS.ORDER_NOT_FOUND',
  'ORDERS.INVALID_TRANSITION',
  'ORDERS.PICKUP_CODE_INVALID',
  'ORDERS.ALREADY_PICKED_UP',
  'ORDERS.PAYMENT_SIGNATURE_INVALID',
  'ORDERS.REFUND_NOT_ALLOWED',
  'ORDERS.REFUND_EXCEEDS_PAID',
  'ORDERS.REFUND_WINDOW_CLOSED',
  'ORDERS.REFUND_NOT_FOUND',
  'ORDERS.REFUND_ALREADY_DECIDED',
  'ORDERS.REFUND_UNDER_REVIEW',
  // Communities
  'COMMUNITIES.COMMUNITY_NOT_FOUND',
  'COMMUNITIES.NOT_MEMBER',
  'COMMUNITIES.ALREADY_MEMBER',
  'COMMUNITIES.OUT_OF_REACH',
  'COMMUNITIES.OWNER_CANNOT_LEAVE',
  'COMMUNITIES.NOT_MODERATOR',
  'COMMUNITIES.NOT_POINT_LEADER',
  'COMMUNITIES.PICKUP_POINT_UNKNOWN',
  'COMMUNITIES.BANNED',
  'COMMUNITIES.POST_RATE_LIMITED',
  'COMMUNITIES.POST_NOT_FOUND',
  'COMMUNITIES.ALREADY_REPORTED',
  'COMMUNITIES.EVENT_NOT_FOUND',
  'COMMUNITIES.EVENT_PAST',
  'COMMUNITIES.EVENT_FULL',
  'COMMUNITIES.ALREADY_RSVPED',
  'COMMUNITIES.RSVP_NOT_FOUND',
  'COMMUNITIES.NOT_CONFIRMED',
  'COMMUNITIES.CHECK_IN_CODE_INVALID',
  'COMMUNITIES.CHECK_IN_CLOSED',
  'COMMUNITIES.ALREADY_CHECKED_IN',
  'COMMUNITIES.PROPOSAL_NOT_FOUND',
  'COMMUNITIES.PROPOSAL_CLOSED',
  'COMMUNITIES.ALREADY_VOTED',
  'COMMUNITIES.FEEDBACK_ALREADY_GIVEN',
  'COMMUNITIES.SURVEY_NOT_FOUND',
  'COMMUNITIES.SURVEY_NOT_OFFERED',
  'COMMUNITIES.SCORE_REQUIRED',
  'COMMUNITIES.ALREADY_ANSWERED',
  // Recommendations
  'RECOMMENDATIONS.CUSTOMER_NOT_FOUND',
  'RECOMMENDATIONS.CAMPAIGN_NOT_FOUND',
  'RECOMMENDATIONS.SEGMENT_NOT_FOUND',
  'RECOMMENDATIONS.SEGMENT_NAME_TAKEN',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
export const ErrorCodeSchema = z.enum(ERROR_CODES);

/** The one error shape that crosses NATS and HTTP: `{code, message, details?, traceId}`. */
export const ErrorEnvelopeSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
  traceId: z.string(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** Offending field reported with `COMMON.VALIDATION_FAILED`. */
export const FieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/** Turns zod issues into `{path, message}` pairs for the `details.fields` of a validation error. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * A domain error with a code. Services throw it (never HTTP exceptions); the RPC layer turns it
 * into an {@link ErrorEnvelope}, and RPC clients turn an envelope back into one.
 */
export class LinliError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly traceId?: string,
  ) {
    super(message);
    this.name = 'LinliError';
  }

  toEnvelope(traceId: string): ErrorEnvelope {
    const envelope: ErrorEnvelope = { code: this.code, message: this.message, traceId: this.traceId ?? traceId };
    if (this.details !== undefined) envelope.details = this.details;
    return envelope;
  }

  static fromEnvelope(envelope: ErrorEnvelope): LinliError {
    return new LinliError(envelope.code, envelope.message, envelope.details, envelope.traceId);
  }
}

export function isLinliError(value: unknown): value is LinliError {
  return value instanceof LinliError;
}
