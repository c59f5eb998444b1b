import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

/** The newest statement entries the points page pages through (the API's limit, newest first). */
export const STATEMENT_LIMIT = 200;

export const usePointsStatement = () =>
  useQuery({ queryKey: ['growth', 'points'], queryFn: async () => unwrap(await api.GET('/v1/me/points', { params: { query: { limit: STATEMENT_LIMIT } } })) });

/** Only the balance (one statement entry): what the cart may offer to spend. */
export const usePointsBalance = () =>
  useQuery({ queryKey: ['growth', 'points', 'balance'], queryFn: async () => unwrap(await api.GET('/v1/me/points', { params: { query: { limit: 1 } } })).balance });

export const useMyTier = () => useQuery({ queryKey: ['growth', 'tier'], queryFn: async () => unwrap(await api.GET('/v1/me/tier')) });

export const useMyBadges = () => useQuery({ queryKey: ['growth', 'badges'], queryFn: async () => unwrap(await api.GET('/v1/me/badges')) });

export const useMyJourney = () => useQuery({ queryKey: ['growth', 'journey'], queryFn: async () => unwrap(await api.GET('/v1/me/journey')) });

export interface DayRange {
  from: string;
  to: string;
}

/** A journey's per-step conversion over the members who started it in the range (all of them without one). */
export const useJourneyFunnel = (journeyId: string, range: DayRange | undefined) =>
  useQuery({
    queryKey: ['ops', 'funnel', journeyId, range],
    queryFn: async () => unwrap(await api.GET('/v1/ops/journeys/{journeyId}/funnel', { params: { path: { journeyId }, query: { ...range } } })),
  });
