import { LinliError, type FieldIssue } from '@linli/contracts';

/** The recommendations service's error constructors; each carries a code from the contracts. */
export const RecommendationsErrors = {
  customerNotFound: (userId: string) => new LinliError('RECOMMENDATIONS.CUSTOMER_NOT_FOUND', 'no such customer', { userId }),
  campaignNotFound: (campaignId: string) => new LinliError('RECOMMENDATIONS.CAMPAIGN_NOT_FOUND', 'no such campaign is known to recommendations', { campaignId }),
  segmentNotFound: (segmentId: string) => new LinliError('RECOMMENDATIONS.SEGMENT_NOT_FOUND', 'no such segment', { segmentId }),
  segmentNameTaken: (name: string) => new LinliError('RECOMMENDATIONS.SEGMENT_NAME_TAKEN', 'a segment with this name exists', { name }),
  invalid: (message: string, fields: FieldIssue[]) => new LinliError('COMMON.VALIDATION_FAILED', message, { fields }),
  forbidden: (message = 'you may not see this') => new LinliError('AUTH.FORBIDDEN', message),
};
