import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

export const REVIEW_PAGE_SIZE = 10;
export type ReviewStatus = 'pending_review' | 'succeeded' | 'rejected';

/** Quality complaints above the instant-refund limits: a leader's own points, or all (ops). */
export const useRefundReviews = (status: ReviewStatus, page: number) =>
  useQuery({
    queryKey: ['refund-reviews', status, page],
    queryFn: async () =>
      unwrap(await api.GET('/v1/refund-reviews', { params: { query: { status, limit: REVIEW_PAGE_SIZE + 1, offset: (page - 1) * REVIEW_PAGE_SIZE } } })),
  });

export function useDecideRefund() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ refundId, approve, reason }: { refundId: string; approve: boolean; reason: string }) =>
      approve
        ? unwrap(await api.POST('/v1/refund-reviews/{refundId}/approve', { params: { path: { refundId } }, body: { reason } }))
        : unwrap(await api.POST('/v1/refund-reviews/{refundId}/reject', { params: { path: { refundId } }, body: { reason } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['refund-reviews'] }),
  });
}
