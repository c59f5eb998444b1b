import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, unwrap, type Schemas } from '../api/client';
import { requestKey } from '../components/format';

export type Order = Schemas['Order'];
export const PAGE_SIZE = 10;

/**
 * Open campaigns at the resident's pickup point, once they have one. Right after choosing it the
 * orders service may not have heard of the binding yet (ORDERS.NOT_BOUND): asked again each second.
 */
export const useCampaigns = (bound: boolean) =>
  useQuery({
    queryKey: ['campaigns', 'open'],
    enabled: bound,
    queryFn: async () => unwrap(await api.GET('/v1/campaigns', { params: { query: { limit: 50 } } })),
    refetchInterval: (query) => (query.state.error instanceof ApiError && query.state.error.code === 'ORDERS.NOT_BOUND' ? 1000 : false),
  });

export const useCampaign = (campaignId: string) =>
  useQuery({ queryKey: ['campaign', campaignId], queryFn: async () => unwrap(await api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } })) });

export const useMyOrders = (page: number) =>
  useQuery({
    queryKey: ['orders', 'mine', page],
    queryFn: async () => unwrap(await api.GET('/v1/orders', { params: { query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } } })),
  });

/** One order; polled while a payment is on its way. */
export const useOrder = (orderId: string, polling = false) =>
  useQuery({
    queryKey: ['order', orderId],
    queryFn: async () => unwrap(await api.GET('/v1/orders/{orderId}', { params: { path: { orderId } } })),
    refetchInterval: polling ? 700 : false,
  });

const CODE_STATUSES: Order['status'][] = ['paid', 'locked', 'shipped', 'received'];
export const hasPickupCode = (order: Order) => CODE_STATUSES.includes(order.status);

export const usePickupCode = (order: Order | undefined) =>
  useQuery({
    queryKey: ['pickup-code', order?.orderId],
    enabled: !!order && hasPickupCode(order),
    queryFn: async () => unwrap(await api.GET('/v1/orders/{orderId}/pickup-code', { params: { path: { orderId: order!.orderId } } })),
  });

export const useRefunds = (orderId: string) =>
  useQuery({ queryKey: ['refunds', orderId], queryFn: async () => unwrap(await api.GET('/v1/orders/{orderId}/refunds', { params: { path: { orderId } } })) });

export function usePlaceOrder() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { campaignId: string; lines: { offerId: string; quantity: number }[]; expectedTotalCents: number }) =>
      unwrap(await api.POST('/v1/orders', { body: { ...input, idempotencyKey: requestKey('console') } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['orders'] }),
  });
}

export function usePay(orderId: string) {
  return useMutation({ mutationFn: async () => unwrap(await api.POST('/v1/orders/{orderId}/pay', { params: { path: { orderId } } })) });
}

export function useCancelOrder(orderId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/v1/orders/{orderId}/cancel', { params: { path: { orderId } }, body: {} })),
    onSuccess: (order) => client.setQueryData(['order', orderId], order),
  });
}

export function useRequestRefund(orderId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { lines: { lineId: string; quantity: number }[]; description: string; photoUrls: string[] }) =>
      unwrap(await api.POST('/v1/orders/{orderId}/refunds', { params: { path: { orderId } }, body: { ...input, refundKey: requestKey('refund') } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['refunds', orderId] });
      void client.invalidateQueries({ queryKey: ['order', orderId] });
    },
  });
}

export const useRecommendations = () =>
  useQuery({ queryKey: ['recommendations'], queryFn: async () => unwrap(await api.GET('/v1/me/recommendations', { params: { query: { limit: 10 } } })) });

export const useProfile = () => useQuery({ queryKey: ['profile'], queryFn: async () => unwrap(await api.GET('/v1/me/profile')) });

export const useMyPickupPoint = () => useQuery({ queryKey: ['my-pickup-point'], queryFn: async () => unwrap(await api.GET('/v1/me/pickup-point')) });

export function useUpdateProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { nickname?: string; building?: string }) => unwrap(await api.PATCH('/v1/me/profile', { body })),
    onSuccess: (profile) => client.setQueryData(['profile'], profile),
  });
}

export function useSetConsent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ purpose, granted }: { purpose: 'profiling' | 'marketing'; granted: boolean }) =>
      unwrap(await api.PUT('/v1/me/consents/{purpose}', { params: { path: { purpose } }, body: { granted } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['profile'] }),
  });
}

export function useExport() {
  return useMutation({ mutationFn: async () => unwrap(await api.GET('/v1/me/export')) });
}

export function useErase() {
  return useMutation({ mutationFn: async () => unwrap(await api.POST('/v1/me/erasure')) });
}

export const useCompoundList = () =>
  useQuery({ queryKey: ['compounds'], queryFn: async () => unwrap(await api.GET('/v1/compounds', { params: { query: { limit: 200 } } })) });

export const useServingPoints = (compoundId: string | undefined) =>
  useQuery({
    queryKey: ['points', compoundId],
    enabled: !!compoundId,
    queryFn: async () => unwrap(await api.GET('/v1/pickup-points', { params: { query: { compoundId: compoundId! } } })),
  });

/** Where the resident lives (profile) and collects (binding). */
export function useChoosePickupPoint() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ compoundId, pickupPointId }: { compoundId: string; pickupPointId: string }) => {
      unwrap(await api.PATCH('/v1/me/profile', { body: { compoundId } }));
      return unwrap(await api.PUT('/v1/me/pickup-point', { body: { compoundId, pickupPointId } }));
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['my-pickup-point'] });
      void client.invalidateQueries({ queryKey: ['profile'] });
      void client.invalidateQueries({ queryKey: ['campaigns'] });
    },
  });
}
