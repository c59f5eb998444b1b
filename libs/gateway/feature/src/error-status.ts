import type { ErrorCode } from '@linli/contracts';

export function assertUnreachable(value: never): never {
  throw new Error(`unhandled value: ${String(value)}`);
}

/**
 * The HTTP status of every error code. Exhaustive: a code added to the contracts without a status
 * here fails the build.
 *
 * 401 means "your session credentials are not valid: refresh or sign in again" and is kept for
 * tokens; a wrong one-time code or WeChat code on a sign-in route is a bad request (400), so a
 * client that refreshes on 401 never loops on a mistyped code.
 */
export function errorStatus(code: ErrorCode): number {
  switch (code) {
    case 'COMMON.VALIDATION_FAILED':
    case 'COMMON.MALFORMED_JSON':
      return 400;
    case 'COMMON.PAYLOAD_TOO_LARGE':
      return 413;
    case 'COMMON.HEADERS_TOO_LARGE':
      return 431;
    case 'COMMON.NOT_FOUND':
    case 'COMMON.ROUTE_NOT_FOUND':
      return 404;
    case 'COMMON.CONFLICT':
      return 409;
    case 'COMMON.RATE_LIMITED':
      return 429;
    case 'COMMON.UNAVAILABLE':
      return 503;
    case 'COMMON.TIMEOUT':
      return 504;
    case 'COMMON.INTERNAL':
      return 500;
    case 'AUTH.UNAUTHENTICATED':
    case 'AUTH.TOKEN_EXPIRED':
    case 'AUTH.TOKEN_INVALID':
    case 'AUTH.SESSION_REVOKED':
      return 401;
    case 'AUTH.FORBIDDEN':
      return 403;
    case 'IDENTITY.OTP_INVALID':
    case 'IDENTITY.OTP_EXPIRED':
    case 'IDENTITY.OTP_ALREADY_USED':
    case 'IDENTITY.WECHAT_CODE_INVALID':
    case 'IDENTITY.MERGE_SELF':
    case 'IDENTITY.CONSENT_UNKNOWN':
      return 400;
    case 'IDENTITY.OTP_TOO_MANY_ATTEMPTS':
    case 'IDENTITY.OTP_RATE_LIMITED':
    case 'IDENTITY.SMS_BUDGET_EXHAUSTED':
      return 429;
    case 'IDENTITY.REFRESH_TOKEN_INVALID':
      return 401;
    case 'IDENTITY.USER_NOT_FOUND':
      return 404;
    case 'IDENTITY.USER_ERASED':
      return 410;
    case 'IDENTITY.IDENTITY_CONFLICT':
    case 'IDENTITY.MEMBER_CARD_UNPROVABLE':
    case 'IDENTITY.MERGE_APPROVAL_REQUIRED':
    case 'IDENTITY.MERGE_REQUEST_DECIDED':
      return 409;
    case 'IDENTITY.MERGE_REQUEST_NOT_FOUND':
      return 404;
    case 'LEADER_OPS.COMPOUND_NOT_FOUND':
    case 'LEADER_OPS.APPLICATION_NOT_FOUND':
    case 'LEADER_OPS.PICKUP_POINT_NOT_FOUND':
      return 404;
    case 'LEADER_OPS.NOT_APPROVED_LEADER':
    case 'LEADER_OPS.NOT_POINT_OWNER':
      return 403;
    case 'LEADER_OPS.COMPOUND_IN_USE':
    case 'LEADER_OPS.APPLICATION_PENDING':
    case 'LEADER_OPS.APPLICATION_DECIDED':
    case 'LEADER_OPS.ALREADY_LEADER':
    case 'LEADER_OPS.POINT_NOT_SERVING_COMPOUND':
    case 'LEADER_OPS.POINT_SUSPENDED':
      return 409;
    case 'LEADER_OPS.YEAR_OUT_OF_RANGE':
    case 'LEADER_OPS.NEGATIVE_PAYOUT':
      return 400;
    case 'LEADER_OPS.NOT_YOUR_CUSTOMER':
      return 403;
    case 'LEADER_OPS.CUSTOMER_NOT_FOUND':
    case 'LEADER_OPS.REMINDER_NOT_FOUND':
    case 'LEADER_OPS.DRAFT_NOT_FOUND':
    case 'LEADER_OPS.MESSAGE_NOT_FOUND':
    case 'LEADER_OPS.SETTLEMENT_NOT_FOUND':
      return 404;
    case 'LEADER_OPS.DRAFT_NOT_EDITABLE':
    case 'LEADER_OPS.DRAFT_NOT_APPROVED':
    case 'LEADER_OPS.NO_MARKETING_CONSENT':
    case 'LEADER_OPS.QUIET_HOURS':
    case 'LEADER_OPS.SETTLEMENT_ALREADY_ISSUED':
    case 'LEADER_OPS.SETTLEMENT_MONTH_OPEN':
    case 'LEADER_OPS.SETTLEMENT_INVALID_TRANSITION':
      return 409;
    case 'LEADER_OPS.CHANNEL_UNAVAILABLE':
      return 503;
    case 'ORDERS.CAMPAIGN_INVALID':
    case 'ORDERS.CATALOG_INVALID':
    case 'ORDERS.OFFER_NOT_FOUND':
    case 'ORDERS.PICKUP_CODE_INVALID':
    case 'ORDERS.PAYMENT_SIGNATURE_INVALID':
      return 400;
    case 'ORDERS.CAMPAIGN_NOT_FOUND':
    case 'ORDERS.ORDER_NOT_FOUND':
      return 404;
    case 'ORDERS.NOT_BOUND':
    case 'ORDERS.NOT_SERVED':
    case 'ORDERS.CAMPAIGN_NOT_STARTED':
    case 'ORDERS.CAMPAIGN_CLOSED':
    case 'ORDERS.SKU_CODE_TAKEN':
    case 'ORDERS.PRICE_MISMATCH':
    case 'ORDERS.STOCK_EXHAUSTED':
    case 'ORDERS.LIMIT_EXCEEDED':
    case 'ORDERS.PICKUP_POINT_FULL':
    case 'ORDERS.IDEMPOTENCY_KEY_REUSED':
    case 'ORDERS.INVALID_TRANSITION':
    case 'ORDERS.ALREADY_PICKED_UP':
    case 'ORDERS.REFUND_NOT_ALLOWED':
    case 'ORDERS.REFUND_EXCEEDS_PAID':
    case 'ORDERS.REFUND_WINDOW_CLOSED':
    case 'ORDERS.REFUND_ALREADY_DECIDED':
    case 'ORDERS.REFUND_UNDER_REVIEW':
      return 409;
    case 'ORDERS.REFUND_NOT_FOUND':
      return 404;
    case 'COMMUNITIES.CHECK_IN_CODE_INVALID':
    case 'COMMUNITIES.SCORE_REQUIRED':
      return 400;
    case 'COMMUNITIES.NOT_MEMBER':
    case 'COMMUNITIES.OUT_OF_REACH':
    case 'COMMUNITIES.NOT_MODERATOR':
    case 'COMMUNITIES.NOT_POINT_LEADER':
    case 'COMMUNITIES.BANNED':
      return 403;
    case 'COMMUNITIES.COMMUNITY_NOT_FOUND':
    case 'COMMUNITIES.PICKUP_POINT_UNKNOWN':
    case 'COMMUNITIES.POST_NOT_FOUND':
    case 'COMMUNITIES.EVENT_NOT_FOUND':
    case 'COMMUNITIES.RSVP_NOT_FOUND':
    case 'COMMUNITIES.PROPOSAL_NOT_FOUND':
    case 'COMMUNITIES.SURVEY_NOT_FOUND':
      return 404;
    case 'COMMUNITIES.ALREADY_MEMBER':
    case 'COMMUNITIES.OWNER_CANNOT_LEAVE':
    case 'COMMUNITIES.ALREADY_REPORTED':
    case 'COMMUNITIES.EVENT_PAST':
    case 'COMMUNITIES.EVENT_FULL':
    case 'COMMUNITIES.ALREADY_RSVPED':
    case 'COMMUNITIES.NOT_CONFIRMED':
    case 'COMMUNITIES.CHECK_IN_CLOSED':
    case 'COMMUNITIES.ALREADY_CHECKED_IN':
    case 'COMMUNITIES.PROPOSAL_CLOSED':
    case 'COMMUNITIES.ALREADY_VOTED':
    case 'COMMUNITIES.FEEDBACK_ALREADY_GIVEN':
    case 'COMMUNITIES.SURVEY_NOT_OFFERED':
    case 'COMMUNITIES.ALREADY_ANSWERED':
      return 409;
    case 'COMMUNITIES.POST_RATE_LIMITED':
      return 429;
    case 'RECOMMENDATIONS.CUSTOMER_NOT_FOUND':
    case 'RECOMMENDATIONS.CAMPAIGN_NOT_FOUND':
    case 'RECOMMENDATIONS.SEGMENT_NOT_FOUND':
      return 404;
    case 'RECOMMENDATIONS.SEGMENT_NAME_TAKEN':
      return 409;
    default:
      return assertUnreachable(code);
  }
}
