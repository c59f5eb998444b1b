import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { session } from '../api/session';

export const LEADER_PAGE_SIZE = 20;

/** The pickup points the signed-in leader runs. */
export const useMyPoints = () =>
  useQuery({
    queryKey: ['leader', 'points'],
    queryFn: async () => unwrap(await api.GET('/v1/pickup-points', { params: { query: { leaderUserId: session.get()!.userId } } })),
  });

export const usePointOrders = (pickupPointId: string | undefined, page: number, status?: string) =>
  useQuery({
    queryKey: ['leader', 'orders', pickupPointId, page, status],
    enabled: !!pickupPointId,
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/leader/pickup-points/{pickupPointId}/orders', {
          params: {
            path: { pickupPointId: pickupPointId! },
            query: { limit: LEADER_PAGE_SIZE, offset: (page - 1) * LEADER_PAGE_SIZE, ...(status ? { status: status as never } : {}) },
          },
        }),
      ),
  });

/** The campaigns with orders at the point (newest first), from the point's latest orders. */
export const usePointCampaigns = (pickupPointId: string | undefined) =>
  useQuery({
    queryKey: ['leader', 'campaigns', pickupPointId],
    enabled: !!pickupPointId,
    queryFn: async () => {
      const { orders } = unwrap(await api.GET('/v1/leader/pickup-points/{pickupPointId}/orders', { params: { path: { pickupPointId: pickupPointId! }, query: { limit: 200 } } }));
      const ids = [...new Set(orders.map((o) => o.campaignId))];
      return Promise.all(ids.map(async (campaignId) => unwrap(await api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } }))));
    },
  });

/** The JSON shape of the sorting list (the route also answers `text/csv`). */
export type SortingList = Exclude<paths['/v1/leader/pickup-points/{pickupPointId}/campaigns/{campaignId}/sorting-list']['get']['responses'][200]['content']['application/json'], string>;

export const useSortingList = (pickupPointId: string | undefined, campaignId: string | undefined) =>
  useQuery<SortingList>({
    queryKey: ['leader', 'sorting', pickupPointId, campaignId],
    enabled: !!pickupPointId && !!campaignId,
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/leader/pickup-points/{pickupPointId}/campaigns/{campaignId}/sorting-list', {
          params: { path: { pickupPointId: pickupPointId!, campaignId: campaignId! } },
        }),
      ) as SortingList,
  });

export async function sortingListCsv(pickupPointId: string, campaignId: string): Promise<string> {
  const result = await api.GET('/v1/leader/pickup-points/{pickupPointId}/campaigns/{campaignId}/sorting-list', {
    params: { path: { pickupPointId, campaignId }, query: { format: 'csv' } },
    parseAs: 'text',
  });
  return unwrap(result) as unknown as string;
}

export function useConfirmReceipt(pickupPointId: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (campaignId: string) =>
      unwrap(
        await api.POST('/v1/leader/pickup-points/{pickupPointId}/campaigns/{campaignId}/receipt', {
          params: { path: { pickupPointId: pickupPointId!, campaignId } },
          body: {},
        }),
      ),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['leader'] }),
  });
}

export function useScanPickup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (code: string) => unwrap(await api.POST('/v1/leader/pickups', { body: { code } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['leader'] }),
  });
}
