import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

export const useCommunities = (compoundId: string | undefined) =>
  useQuery({
    queryKey: ['communities', compoundId],
    enabled: !!compoundId,
    queryFn: async () => unwrap(await api.GET('/v1/communities', { params: { query: { compoundId: compoundId!, limit: 50 } } })),
  });

export function useJoinCommunity() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (communityId: string) => unwrap(await api.POST('/v1/communities/{communityId}/members', { params: { path: { communityId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['communities'] }),
  });
}

export const usePosts = (communityId: string | undefined) =>
  useQuery({
    queryKey: ['posts', communityId],
    enabled: !!communityId,
    queryFn: async () => unwrap(await api.GET('/v1/communities/{communityId}/posts', { params: { path: { communityId: communityId! }, query: { limit: 20 } } })),
  });

export function usePost(communityId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: string) => unwrap(await api.POST('/v1/communities/{communityId}/posts', { params: { path: { communityId } }, body: { body } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['posts', communityId] }),
  });
}

export const useEvents = (compoundId: string | undefined) =>
  useQuery({
    queryKey: ['events', compoundId],
    enabled: !!compoundId,
    queryFn: async () => unwrap(await api.GET('/v1/events', { params: { query: { compoundId: compoundId!, limit: 20 } } })),
  });

export function useRsvp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (eventId: string) => unwrap(await api.POST('/v1/events/{eventId}/rsvps', { params: { path: { eventId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['events'] }),
  });
}
