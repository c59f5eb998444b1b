/**
 * What the route table cannot say by itself: whose resource each path parameter names, the routes
 * whose resource every signed-in user may read, and valid bodies for the routes another actor is
 * probed on. A new route with known parameter names needs nothing here.
 */
import type { Role } from '@linli/contracts';
import type { ActorName, SecurityFixtures } from './generate.js';

/** Path parameter → the seeded actor whose resource it names (null: shared, nobody's private data). */
export const PARAM_OWNERS: Record<string, 'residentA' | 'leaderA' | null> = {
  orderId: 'residentA',
  userId: 'residentA',
  applicationId: 'leaderA',
  pickupPointId: 'leaderA',
  segmentId: 'leaderA',
  compoundId: 'leaderA',
  // A merge request is the requesting resident's; only ops decide it, so others are refused by role
  // before any lookup and the tier does not seed one (its value is an id nothing holds).
  mergeRequestId: 'residentA',
  // A refund under review belongs to the order's pickup point (leader A reviews it). Seeding one takes
  // a picked-up order past the auto-approval limit, a whole campaign day: the value is an id nothing
  // holds, so leader B's refusal here shows no data leaks, not that the service checks the point.
  refundId: 'leaderA',
  reminderId: 'leaderA',
  draftId: 'leaderA',
  messageId: 'residentA',
  leaderUserId: 'leaderA',
  // Leader A's pickup-point community (resident A is a member), resident A's post in it, leader A's
  // event in it, resident A's co-creation proposal in it.
  communityId: 'leaderA',
  postId: 'residentA',
  eventId: 'leaderA',
  proposalId: 'residentA',
  // surveys are everyone's (the NPS question, ops' generic surveys); a reaction kind names nothing
  surveyId: null,
  kind: null,
  campaignId: null,
  // a calendar month (YYYY-MM) names nobody; the leader in the path (or the caller) does
  month: null,
  productId: null,
  bundleId: null,
  categoryId: null,
  purpose: null,
  // Local services: provider A is resident A's (they applied), with its API key; resident A's booking
  // at provider A. Slots, practitioners and offerings are published for every resident to book; a
  // webhook delivery id is looked up under the calling key's provider only.
  providerId: 'residentA',
  keyId: 'residentA',
  bookingId: 'residentA',
  slotId: null,
  practitionerId: null,
  offeringId: null,
  deliveryId: null,
  // points held for one of A's spends
  reservationId: 'residentA',
  // a journey is a plan every member follows (seven-day, ninety-day): it names nobody
  journeyId: null,
};

/** Routes that answer every signed-in user about a resource A owns, on purpose. */
export const SHARED_READS: Record<string, string> = {
  'GET /v1/pickup-points/:pickupPointId': 'a pickup point is public: residents choose theirs from the list',
  'GET /v1/communities/:communityId': 'a community (name, scope, tags, size) is shown to residents deciding whether to join; members and posts are not',
  'GET /v1/events/:eventId': 'an event (time, place, seats) is shown to residents deciding whether to come; the check-in code only to its organiser',
  'GET /v1/proposals/:proposalId': 'a co-creation proposal and its vote and feedback summary are public to invite more co-creators; who voted is not shown',
  'GET /v1/members/:userId/badges': "honours are shown on the resident's profile to neighbours",
  'GET /v1/proposals/:proposalId/backing': 'the audit of a proposal\'s support (points backing it, tier-weighted votes) is public like the proposal; backers are ids, no names',
};

export const ROLES: Record<ActorName, readonly Role[]> = {
  residentA: ['resident'],
  residentB: ['resident'],
  leaderA: ['resident', 'leader'],
  leaderB: ['resident', 'leader'],
  ops: ['resident', 'ops'],
};

/** The ids seeded for A, by parameter name. */
export type SeededIds = Record<keyof typeof PARAM_OWNERS, string>;

export function securityFixtures(ids: SeededIds, extra: { orderLineId: string; skuId: string }): SecurityFixtures {
  return {
    params: Object.fromEntries(Object.entries(PARAM_OWNERS).map(([name, ownedBy]) => [name, { ownedBy, value: ids[name]! }])),
    sharedReads: SHARED_READS,
    bodies: {
      'PATCH /v1/pickup-points/:pickupPointId': { name: 'Taken over by another leader' },
      'POST /v1/orders/:orderId/cancel': { reason: 'not mine to cancel' },
      'POST /v1/orders/:orderId/refunds': {
        refundKey: 'security-probe-refund',
        lines: [{ lineId: extra.orderLineId, quantity: 1 }],
        description: 'not my order',
        photoUrls: ['https://example.com/photo.jpg'],
      },
      'POST /v1/leader/pickup-points/:pickupPointId/campaigns/:campaignId/receipt': { shortages: [{ skuId: extra.skuId, quantity: 1 }] },
      'POST /v1/refund-reviews/:refundId/approve': { reason: 'approved by another leader' },
      'POST /v1/refund-reviews/:refundId/reject': { reason: 'rejected by another leader' },
      'PUT /v1/leader/customers/:userId/notes': { notes: 'written by another leader' },
      'POST /v1/leader/reminders/:reminderId/close': { status: 'done' },
      'PATCH /v1/leader/drafts/:draftId': { text: 'rewritten by another leader' },
      'PUT /v1/segments/:segmentId': { name: 'Taken over', rule: { all: [{ tag: 'has_children', eq: true }] } },
      'POST /v1/communities/:communityId/invitations': { segment: 'bound-customers' },
      'POST /v1/communities/:communityId/posts': { body: 'posted by an outsider' },
      'POST /v1/communities/:communityId/bans': { userId: ids.userId!, until: new Date(Date.now() + 86_400_000).toISOString(), reason: 'banned by an outsider' },
      'POST /v1/posts/:postId/comments': { body: 'commented by an outsider' },
      'POST /v1/posts/:postId/reports': { reason: 'reported by an outsider' },
      'POST /v1/posts/:postId/moderation': { action: 'hide', reason: 'hidden by an outsider' },
      'POST /v1/events/:eventId/check-ins': { code: '123456' },
      'POST /v1/proposals/:proposalId/backings': { points: 5, idempotencyKey: 'security-back-by-b' },
      'POST /v1/proposals/:proposalId/feedback': { taste: 3, priceCents: 990, packSize: '200 g' },
      'POST /v1/ops/proposals/:proposalId/launch': { skuIds: [extra.skuId], campaignId: ids.campaignId! },
      'POST /v1/providers/:providerId/api-keys': { scopes: ['catalog'] },
      'POST /v1/providers/:providerId/api-keys/:keyId/rotate': { overlapSeconds: 0 },
      'POST /v1/me/service-bookings/:bookingId/reschedule': { slotId: ids.slotId! },
      'POST /v1/me/service-bookings/:bookingId/review': { rating: 1, text: 'reviewed by another resident' },
    },
    roles: ROLES,
  };
}
