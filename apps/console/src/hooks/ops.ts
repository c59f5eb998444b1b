import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

export const OPS_PAGE_SIZE = 10;
type CampaignStatus = 'draft' | 'published' | 'closing' | 'closed' | 'cancelled';

export const useOpsCampaigns = (status: CampaignStatus, page: number) =>
  useQuery({
    queryKey: ['ops', 'campaigns', status, page],
    queryFn: async () => unwrap(await api.GET('/v1/campaigns', { params: { query: { status, limit: OPS_PAGE_SIZE, offset: (page - 1) * OPS_PAGE_SIZE } } })),
  });

export function usePublishCampaign() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (campaignId: string) => unwrap(await api.POST('/v1/ops/campaigns/{campaignId}/publish', { params: { path: { campaignId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['ops', 'campaigns'] }),
  });
}

export function useShipCampaign() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (campaignId: string) => unwrap(await api.POST('/v1/ops/campaigns/{campaignId}/ship', { params: { path: { campaignId } }, body: {} })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['ops', 'campaigns'] }),
  });
}

export const useCategories = () => useQuery({ queryKey: ['categories'], queryFn: async () => unwrap(await api.GET('/v1/categories')) });

export const useProducts = (page: number) =>
  useQuery({
    queryKey: ['ops', 'products', page],
    queryFn: async () => unwrap(await api.GET('/v1/products', { params: { query: { includeInactive: 'true', limit: OPS_PAGE_SIZE, offset: (page - 1) * OPS_PAGE_SIZE } } })),
  });

export const useApplications = (status: 'pending' | 'approved' | 'rejected', after: string | undefined) =>
  useQuery({
    queryKey: ['ops', 'applications', status, after],
    queryFn: async () => unwrap(await api.GET('/v1/ops/leader-applications', { params: { query: { status, limit: OPS_PAGE_SIZE, ...(after ? { after } : {}) } } })),
  });

export function useDecideApplication() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ applicationId, reject }: { applicationId: string; reject?: string }) =>
      reject
        ? unwrap(await api.POST('/v1/ops/leader-applications/{applicationId}/reject', { params: { path: { applicationId } }, body: { reason: reject } }))
        : unwrap(await api.POST('/v1/ops/leader-applications/{applicationId}/approve', { params: { path: { applicationId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['ops', 'applications'] }),
  });
}

export const useCompounds = () =>
  useQuery({ queryKey: ['compounds'], queryFn: async () => unwrap(await api.GET('/v1/compounds', { params: { query: { limit: 200 } } })) });

export const usePointsOfCompound = (compoundId: string | undefined) =>
  useQuery({
    queryKey: ['points', compoundId],
    enabled: !!compoundId,
    queryFn: async () => unwrap(await api.GET('/v1/pickup-points', { params: { query: { compoundId: compoundId! } } })),
  });

export interface AssetScope {
  compoundId?: string;
  pickupPointId?: string;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The metrics over a range of days (the API's default, the last 90 days, without one) and over each
 * of the 8 weeks up to the range's end (or today).
 */
export function useAssetMetrics(scope: AssetScope, days?: { from: string; to: string }) {
  const summary = useQuery({
    queryKey: ['asset-metrics', scope, 'summary', days],
    queryFn: async () => unwrap(await api.GET('/v1/asset-metrics', { params: { query: { ...scope, ...days } } })),
  });
  const today = days ? new Date(`${days.to}T12:00:00Z`) : new Date();
  const weeks = Array.from({ length: 8 }, (_, i) => {
    const to = new Date(today.getTime() - (7 - i) * 7 * 86_400_000);
    const from = new Date(to.getTime() - 6 * 86_400_000);
    return { from: day(from), to: day(to) };
  });
  const weekly = useQueries({
    queries: weeks.map((range) => ({
      queryKey: ['asset-metrics', scope, range],
      queryFn: async () => unwrap(await api.GET('/v1/asset-metrics', { params: { query: { ...scope, ...range } } })),
    })),
  });
  return { summary, weeks, weekly };
}

export function useRefreshAssets() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/v1/ops/recommendations/assets/refresh', { body: {} })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['asset-metrics'] }),
  });
}

export const useInsights = (compoundId: string | undefined) =>
  useQuery({
    queryKey: ['insights', compoundId],
    enabled: !!compoundId,
    queryFn: async () => unwrap(await api.GET('/v1/compounds/{compoundId}/insights', { params: { path: { compoundId: compoundId! } } })),
  });
