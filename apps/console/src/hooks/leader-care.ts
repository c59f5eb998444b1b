import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';

export type DraftKind = 'birthday' | 'festival' | 'healthy-eating';
type DraftBody = paths['/v1/leader/drafts']['post']['requestBody']['content']['application/json'];

export const useAttention = () => useQuery({ queryKey: ['leader', 'attention'], queryFn: async () => unwrap(await api.GET('/v1/leader/attention', { params: { query: { days: 14 } } })) });

export const useLeaderCustomers = (after: string | undefined, q: string) =>
  useQuery({
    queryKey: ['leader', 'customers', after, q],
    queryFn: async () => unwrap(await api.GET('/v1/leader/customers', { params: { query: { limit: 20, ...(after ? { after } : {}), ...(q ? { q } : {}) } } })),
  });

export const useLeaderCustomer = (userId: string | undefined) =>
  useQuery({
    queryKey: ['leader', 'customer', userId],
    enabled: !!userId,
    queryFn: async () => unwrap(await api.GET('/v1/leader/customers/{userId}', { params: { path: { userId: userId! } } })),
  });

export function useSaveNotes(userId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (notes: string) => unwrap(await api.PUT('/v1/leader/customers/{userId}/notes', { params: { path: { userId } }, body: { notes } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['leader', 'customer', userId] }),
  });
}

export const useDrafts = (status: 'draft' | 'approved' | 'sent') =>
  useQuery({ queryKey: ['leader', 'drafts', status], queryFn: async () => unwrap(await api.GET('/v1/leader/drafts', { params: { query: { status } } })) });

export function useCreateDraft() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: DraftBody) => unwrap(await api.POST('/v1/leader/drafts', { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['leader', 'drafts'] }),
  });
}

export function useApproveDraft() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (draftId: string) => unwrap(await api.POST('/v1/leader/drafts/{draftId}/approve', { params: { path: { draftId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['leader', 'drafts'] }),
  });
}

export function useSendDraft() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (draftId: string) => unwrap(await api.POST('/v1/leader/drafts/{draftId}/send', { params: { path: { draftId } }, body: { channel: 'in-app' } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['leader', 'drafts'] });
      void client.invalidateQueries({ queryKey: ['leader', 'messages'] });
    },
  });
}

export const useSentMessages = () => useQuery({ queryKey: ['leader', 'messages'], queryFn: async () => unwrap(await api.GET('/v1/leader/messages', { params: { query: { limit: 50 } } })) });

export const useReminders = () => useQuery({ queryKey: ['leader', 'reminders'], queryFn: async () => unwrap(await api.GET('/v1/leader/reminders', { params: { query: { status: 'open' } } })) });

export function useCloseReminder() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ reminderId, status }: { reminderId: string; status: 'done' | 'dismissed' }) =>
      unwrap(await api.POST('/v1/leader/reminders/{reminderId}/close', { params: { path: { reminderId } }, body: { status } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['leader', 'reminders'] }),
  });
}

export const useLeaderDashboard = () => useQuery({ queryKey: ['leader', 'dashboard'], queryFn: async () => unwrap(await api.GET('/v1/leader/dashboard')) });

export const useSettlement = (month: string) =>
  useQuery({ queryKey: ['leader', 'settlement', month], queryFn: async () => unwrap(await api.GET('/v1/leader/settlements/{month}', { params: { path: { month } } })) });

export const useInbox = () => useQuery({ queryKey: ['inbox'], queryFn: async () => unwrap(await api.GET('/v1/me/inbox', { params: { query: { limit: 20 } } })) });

export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (messageId: string) => unwrap(await api.POST('/v1/me/inbox/{messageId}/read', { params: { path: { messageId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['inbox'] }),
  });
}
