import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';

export type ServiceCategory = Schemas['ServiceOffering']['category'];
export type Booking = Schemas['ServiceBooking'];
export const BOOKINGS_LIMIT = 200;

/** Local services serving the resident's compound, each with its upcoming open slots. */
export const useOfferings = (category: ServiceCategory | undefined) =>
  useQuery({
    queryKey: ['services', 'offerings', category],
    queryFn: async () => unwrap(await api.GET('/v1/service-offerings', { params: { query: category ? { category } : {} } })),
  });

/** The resident's bookings; asked again each second while a payment is on its way. */
export const useMyBookings = () =>
  useQuery({
    queryKey: ['services', 'bookings'],
    queryFn: async () => unwrap(await api.GET('/v1/me/service-bookings', { params: { query: { limit: BOOKINGS_LIMIT } } })),
    refetchInterval: (query) => (query.state.data?.bookings.some((b) => b.status === 'pending_payment') ? 1000 : false),
  });

function useInvalidateServices() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ['services'] });
    void client.invalidateQueries({ queryKey: ['growth', 'points'] });
  };
}

export function useBookSlot() {
  const onSuccess = useInvalidateServices();
  return useMutation({
    mutationFn: async ({ slotId, points, note }: { slotId: string; points?: number; note?: string }) =>
      unwrap(await api.POST('/v1/service-slots/{slotId}/bookings', { params: { path: { slotId } }, body: { ...(points ? { points } : {}), ...(note ? { note } : {}) } })),
    onSuccess,
  });
}

export function useCancelBooking() {
  const onSuccess = useInvalidateServices();
  return useMutation({
    mutationFn: async (bookingId: string) => unwrap(await api.POST('/v1/me/service-bookings/{bookingId}/cancel', { params: { path: { bookingId } } })),
    onSuccess,
  });
}

export function useReviewBooking() {
  const onSuccess = useInvalidateServices();
  return useMutation({
    mutationFn: async ({ bookingId, rating, text }: { bookingId: string; rating: number; text?: string }) =>
      unwrap(await api.POST('/v1/me/service-bookings/{bookingId}/review', { params: { path: { bookingId } }, body: { rating, ...(text ? { text } : {}) } })),
    onSuccess,
  });
}

export type ProviderStatus = 'pending' | 'approved' | 'rejected' | 'suspended';
export const PROVIDERS_LIMIT = 200;

/** Provider (partner) applications and accounts, newest first (ops). */
export const useProviders = (status: ProviderStatus) =>
  useQuery({
    queryKey: ['ops', 'providers', status],
    queryFn: async () => unwrap(await api.GET('/v1/ops/providers', { params: { query: { status, limit: PROVIDERS_LIMIT } } })),
  });

export function useDecideProvider() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ providerId, reject }: { providerId: string; reject?: string }) =>
      reject
        ? unwrap(await api.POST('/v1/ops/providers/{providerId}/reject', { params: { path: { providerId } }, body: { reason: reject } }))
        : unwrap(await api.POST('/v1/ops/providers/{providerId}/approve', { params: { path: { providerId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['ops', 'providers'] }),
  });
}
