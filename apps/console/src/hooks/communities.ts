import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';

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

export type Community = Schemas['Community'];
export type Proposal = Schemas['Proposal'];
export const LIST_LIMIT = 200;

/** Every community (ops) or those of one pickup point (its leader's groups). */
export const useCommunityList = (filter: { pickupPointId?: string } = {}) =>
  useQuery({
    queryKey: ['communities', 'list', filter],
    queryFn: async () => unwrap(await api.GET('/v1/communities', { params: { query: { ...filter, limit: LIST_LIMIT } } })),
  });

export function useCreateCommunity() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name: string; description?: string; pickupPointId: string; tags?: string[] }) =>
      unwrap(await api.POST('/v1/communities', { body: { ...body, scope: 'pickup-point' } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['communities'] }),
  });
}

export const useMembers = (communityId: string | undefined) =>
  useQuery({
    queryKey: ['members', communityId],
    enabled: !!communityId,
    queryFn: async () => unwrap(await api.GET('/v1/communities/{communityId}/members', { params: { path: { communityId: communityId! }, query: { limit: LIST_LIMIT } } })),
  });

export function useInviteCustomers() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (communityId: string) =>
      unwrap(await api.POST('/v1/communities/{communityId}/invitations', { params: { path: { communityId } }, body: { segment: 'bound-customers' } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['members'] }),
  });
}

export function useAppointModerator(communityId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (userId: string) => unwrap(await api.PUT('/v1/communities/{communityId}/moderators/{userId}', { params: { path: { communityId, userId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['members', communityId] }),
  });
}

export const useModerationQueue = (communityId: string | undefined) =>
  useQuery({
    queryKey: ['moderation', communityId],
    enabled: !!communityId,
    queryFn: async () => unwrap(await api.GET('/v1/communities/{communityId}/moderation-queue', { params: { path: { communityId: communityId! }, query: { limit: LIST_LIMIT } } })),
  });

export function useModeratePost() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ postId, action, reason }: { postId: string; action: 'hide' | 'restore'; reason?: string }) =>
      unwrap(await api.POST('/v1/posts/{postId}/moderation', { params: { path: { postId } }, body: { action, ...(reason ? { reason } : {}) } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['moderation'] }),
  });
}

export function useBanMember(communityId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { userId: string; until: string; reason: string }) =>
      unwrap(await api.POST('/v1/communities/{communityId}/bans', { params: { path: { communityId } }, body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['moderation', communityId] }),
  });
}

export const useProposals = (status: 'open' | 'launched') =>
  useQuery({
    queryKey: ['proposals', status],
    queryFn: async () => unwrap(await api.GET('/v1/proposals', { params: { query: { status, limit: LIST_LIMIT } } })),
  });

export const useProposalBacking = (proposalId: string | undefined) =>
  useQuery({
    queryKey: ['proposals', 'backing', proposalId],
    enabled: !!proposalId,
    queryFn: async () => unwrap(await api.GET('/v1/proposals/{proposalId}/backing', { params: { path: { proposalId: proposalId! } } })),
  });

export function useOpenFeedbackRound() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (proposalId: string) => unwrap(await api.POST('/v1/ops/proposals/{proposalId}/feedback-rounds', { params: { path: { proposalId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['proposals'] }),
  });
}

export function useLaunchProposal() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ proposalId, skuIds, campaignId }: { proposalId: string; skuIds: string[]; campaignId: string }) =>
      unwrap(await api.POST('/v1/ops/proposals/{proposalId}/launch', { params: { path: { proposalId } }, body: { skuIds, campaignId } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['proposals'] }),
  });
}
