import { randomUUID } from 'node:crypto';
import { localServices as ls, type RpcContract } from '@linli/contracts';
import { PARTNER, PARTNER_KEY_ALL, actorOf, fakeVerifyApiKey, http, routeContractSuite, tokenFor, type RouteCase } from '../gateway.test-harness.js';
import { localServicesRoutes } from './local-services.routes.js';
import { partnerRoutes } from './partner.routes.js';

const providerId = randomUUID();
const keyId = randomUUID();
const slotId = randomUUID();
const bookingId = randomUUID();
const offeringId = randomUUID();
const practitionerId = randomUUID();
const now = () => new Date().toISOString();
const later = () => new Date(Date.now() + 86_400_000).toISOString();

const provider = (ownerUserId: string) => ({
  providerId,
  ownerUserId,
  companyName: 'Anxin Housekeeping',
  contactPhone: '+8613800138000',
  licenceRefs: [{ kind: 'business-licence', number: '91310000MA1FL0000X' }],
  categories: ['housekeeping'],
  compoundIds: ['compound-1'],
  cancelNoticeHours: 24,
  status: 'pending',
  decisionReason: null,
  decidedAt: null,
  createdAt: now(),
});
const key = { keyId, providerId, prefix: 'lsk_AbCd', label: null, scopes: ['catalog'], createdAt: now(), expiresAt: null, revokedAt: null, lastUsedAt: null };
const slot = { slotId, offeringId, providerId, practitionerId: null, startsAt: later(), endsAt: later(), capacity: 10, booked: 0, status: 'open' };
const offering = {
  offeringId,
  providerId,
  providerName: 'Anxin',
  category: 'housekeeping',
  title: 'Deep clean',
  description: '',
  priceCents: 19_900,
  durationMinutes: 120,
  compoundIds: ['compound-1'],
  pointsPrice: null,
  mode: 'slots',
  sensitive: false,
  active: true,
  slots: [],
};
const booking = (userId: string) => ({
  bookingId,
  providerId,
  offeringId,
  offeringTitle: 'Deep clean',
  category: 'housekeeping',
  slotId,
  practitionerId: null,
  userId,
  compoundId: 'compound-1',
  startsAt: later(),
  endsAt: later(),
  status: 'pending_payment',
  priceCents: 19_900,
  pointsUsed: 0,
  pointsCents: 0,
  cashCents: 19_900,
  sensitiveNote: null,
  payment: null,
  review: null,
  createdAt: now(),
  updatedAt: now(),
});
const endpoint = { endpointId: randomUUID(), url: 'https://provider.example.com/hooks', events: ['booking.created'], active: true, createdAt: now() };
const delivery = { deliveryId: 'msg_1', endpointId: endpoint.endpointId, eventType: 'booking.created', payload: {}, status: 'pending', attempts: 0, nextAttemptAt: now(), deliveredAt: null, createdAt: now(), log: [] };
const applyBody = { companyName: 'Anxin Housekeeping', contactPhone: '138 0013 8000', licenceRefs: [{ kind: 'business-licence', number: '9131' }], categories: ['housekeeping'], compoundIds: ['compound-1'] };
const offeringBody = { category: 'housekeeping', title: 'Deep clean', priceCents: 19_900, durationMinutes: 120, compoundIds: ['compound-1'] };

const replies: [RpcContract, (req: any) => unknown][] = [
  [ls.verifyApiKey, fakeVerifyApiKey],
  [ls.applyAsProvider, (req) => provider(req.actor.userId)],
  [ls.listProviders, (req) => ({ providers: [provider(req.actor.userId)] })],
  [ls.approveProvider, (req) => ({ ...provider(req.actor.userId), status: 'approved' })],
  [ls.rejectProvider, (req) => ({ ...provider(req.actor.userId), status: 'rejected', decisionReason: req.reason })],
  [ls.createApiKey, () => ({ ...key, key: 'lsk_x' })],
  [ls.listApiKeys, () => ({ keys: [key] })],
  [ls.rotateApiKey, () => ({ issued: { ...key, key: 'lsk_y' }, previous: { ...key, expiresAt: later() } })],
  [ls.revokeApiKey, () => ({ ...key, revokedAt: now() })],
  [ls.browseOfferings, () => ({ offerings: [{ ...offering, slots: [slot] }] })],
  [ls.createBooking, (req) => booking(req.actor.userId)],
  [ls.listMyBookings, (req) => ({ bookings: [booking(req.actor.userId)] })],
  [ls.cancelBooking, (req) => ({ ...booking(req.actor.userId), status: 'cancelled' })],
  [ls.rescheduleBooking, (req) => booking(req.actor.userId)],
  [ls.reviewBooking, (req) => ({ ...booking(req.actor.userId), status: 'completed', review: { rating: req.rating, text: req.text ?? null, createdAt: now() } })],
  [ls.createOffering, () => offering],
  [ls.createPractitioner, (req) => ({ practitionerId, providerId, name: req.name, availability: req.availability })],
  [ls.createSlots, () => ({ slots: [slot] })],
  [ls.listPartnerBookings, () => ({ bookings: [booking(randomUUID())] })],
  [ls.transitionPartnerBooking, (req) => ({ ...booking(randomUUID()), status: req.action === 'confirm' ? 'confirmed' : req.action === 'complete' ? 'completed' : 'no_show' })],
  [ls.createWebhookEndpoint, () => ({ ...endpoint, secret: 'whsec_abc' })],
  [ls.listWebhookEndpoints, () => ({ endpoints: [endpoint] })],
  [ls.listWebhookDeliveries, () => ({ deliveries: [delivery] })],
  [ls.replayWebhookDelivery, () => delivery],
  [ls.listAudit, () => ({ entries: [] })],
];

const cases: Record<string, RouteCase> = {
  'POST /v1/provider-applications': { body: applyBody, bad: { body: { ...applyBody, categories: ['magic'] }, field: 'body.categories.0' } },
  'GET /v1/me/providers': { query: '?status=pending', bad: { query: '?status=maybe', field: 'query.status' } },
  'GET /v1/ops/providers': { query: '?status=pending&limit=10', bad: { query: '?limit=0', field: 'query.limit' } },
  'POST /v1/ops/providers/:providerId/approve': { path: `/v1/ops/providers/${providerId}/approve`, bad: { path: '/v1/ops/providers/42/approve', field: 'params.providerId' } },
  'POST /v1/ops/providers/:providerId/reject': {
    path: `/v1/ops/providers/${providerId}/reject`,
    body: { reason: 'Licence does not match.' },
    bad: { path: `/v1/ops/providers/${providerId}/reject`, body: { reason: ' ' }, field: 'body.reason' },
  },
  'POST /v1/providers/:providerId/api-keys': {
    path: `/v1/providers/${providerId}/api-keys`,
    body: { scopes: ['catalog', 'bookings'] },
    bad: { path: `/v1/providers/${providerId}/api-keys`, body: { scopes: ['admin'] }, field: 'body.scopes.0' },
  },
  'GET /v1/providers/:providerId/api-keys': { path: `/v1/providers/${providerId}/api-keys`, bad: { path: '/v1/providers/x/api-keys', field: 'params.providerId' } },
  'POST /v1/providers/:providerId/api-keys/:keyId/rotate': {
    path: `/v1/providers/${providerId}/api-keys/${keyId}/rotate`,
    body: { overlapSeconds: 3600 },
    bad: { path: `/v1/providers/${providerId}/api-keys/${keyId}/rotate`, body: { overlapSeconds: -1 }, field: 'body.overlapSeconds' },
  },
  'DELETE /v1/providers/:providerId/api-keys/:keyId': { path: `/v1/providers/${providerId}/api-keys/${keyId}`, bad: { path: `/v1/providers/${providerId}/api-keys/k`, field: 'params.keyId' } },
  'GET /v1/service-offerings': { query: '?category=housekeeping', bad: { query: '?category=magic', field: 'query.category' } },
  'POST /v1/service-slots/:slotId/bookings': { path: `/v1/service-slots/${slotId}/bookings`, body: { points: 0 }, bad: { path: `/v1/service-slots/${slotId}/bookings`, body: { points: -5 }, field: 'body.points' } },
  'POST /v1/practitioners/:practitionerId/bookings': {
    path: `/v1/practitioners/${practitionerId}/bookings`,
    body: { offeringId, startsAt: later(), note: 'Blood pressure check' },
    bad: { path: `/v1/practitioners/${practitionerId}/bookings`, body: { offeringId, startsAt: 'tomorrow' }, field: 'body.startsAt' },
  },
  'GET /v1/me/service-bookings': { query: '?limit=5', bad: { query: '?limit=500', field: 'query.limit' } },
  'POST /v1/me/service-bookings/:bookingId/cancel': { path: `/v1/me/service-bookings/${bookingId}/cancel`, bad: { path: '/v1/me/service-bookings/1/cancel', field: 'params.bookingId' } },
  'POST /v1/me/service-bookings/:bookingId/reschedule': {
    path: `/v1/me/service-bookings/${bookingId}/reschedule`,
    body: { slotId },
    bad: { path: `/v1/me/service-bookings/${bookingId}/reschedule`, body: {}, field: 'body.slotId' },
  },
  'POST /v1/me/service-bookings/:bookingId/review': {
    path: `/v1/me/service-bookings/${bookingId}/review`,
    body: { rating: 5, text: 'Great' },
    bad: { path: `/v1/me/service-bookings/${bookingId}/review`, body: { rating: 6 }, field: 'body.rating' },
  },
  'POST /v1/partner/offerings': { body: offeringBody, bad: { body: { ...offeringBody, priceCents: 9.5 }, field: 'body.priceCents' } },
  'POST /v1/partner/practitioners': {
    body: { name: 'Dr. Li', availability: [{ startsAt: later(), endsAt: later() }] },
    bad: { body: { name: 'Dr. Li', availability: [] }, field: 'body.availability' },
  },
  'POST /v1/partner/offerings/:offeringId/slots': {
    path: `/v1/partner/offerings/${offeringId}/slots`,
    body: { slots: [{ startsAt: later(), capacity: 10 }] },
    bad: { path: `/v1/partner/offerings/${offeringId}/slots`, body: { slots: [{ startsAt: later(), capacity: 0 }] }, field: 'body.slots.0.capacity' },
  },
  'GET /v1/partner/bookings': { query: '?status=paid', bad: { query: '?status=lost', field: 'query.status' } },
  'POST /v1/partner/bookings/:bookingId/confirm': { path: `/v1/partner/bookings/${bookingId}/confirm`, bad: { path: '/v1/partner/bookings/b/confirm', field: 'params.bookingId' } },
  'POST /v1/partner/bookings/:bookingId/complete': { path: `/v1/partner/bookings/${bookingId}/complete`, bad: { path: '/v1/partner/bookings/b/complete', field: 'params.bookingId' } },
  'POST /v1/partner/bookings/:bookingId/no-show': { path: `/v1/partner/bookings/${bookingId}/no-show`, bad: { path: '/v1/partner/bookings/b/no-show', field: 'params.bookingId' } },
  'POST /v1/partner/webhooks': {
    body: { url: 'https://provider.example.com/hooks', events: ['booking.created'] },
    bad: { body: { url: 'ftp://provider.example.com', events: ['booking.created'] }, field: 'body.url' },
  },
  'GET /v1/partner/webhooks': { bad: { query: '?all=1', field: 'query.all' } },
  'GET /v1/partner/webhook-deliveries': { query: '?status=failed', bad: { query: '?status=lost', field: 'query.status' } },
  'POST /v1/partner/webhook-deliveries/:deliveryId/replay': { path: '/v1/partner/webhook-deliveries/msg_1/replay', bad: { path: '/v1/partner/webhook-deliveries/msg_1/replay', body: { now: true }, field: 'body.now' } },
  'GET /v1/partner/audit-log': { query: '?limit=20', bad: { query: '?limit=0', field: 'query.limit' } },
};

const suite = routeContractSuite({ name: 'local-services', routes: [...localServicesRoutes, ...partnerRoutes], cases, replies });

describe('local-services route specifics', () => {
  it('books a slot with the slot from the path, the caller as actor, and nothing else', async () => {
    const resident = tokenFor(['resident']);
    const res = await http(suite.running.url, 'POST', `/v1/service-slots/${slotId}/bookings`, { token: resident, body: { points: 500, note: 'Please bring a ladder' } });
    expect(res.status).toBe(201);
    expect(suite.fakes.lastCall(ls.createBooking.subject)?.payload).toEqual({ actor: actorOf(resident), place: { slotId }, points: 500, note: 'Please bring a ladder' });
  });

  it('passes the verified key’s provider on partner calls, never one from the request', async () => {
    const res = await http(suite.running.url, 'POST', `/v1/partner/bookings/${bookingId}/complete`, { headers: { 'x-api-key': PARTNER_KEY_ALL } });
    expect(res.status).toBe(200);
    expect(suite.fakes.lastCall(ls.transitionPartnerBooking.subject)?.payload).toEqual({ partner: PARTNER, bookingId, action: 'complete' });
    const smuggled = await http(suite.running.url, 'GET', `/v1/partner/bookings?providerId=${randomUUID()}`, { headers: { 'x-api-key': PARTNER_KEY_ALL } });
    expect([smuggled.status, smuggled.body.code]).toEqual([400, 'COMMON.VALIDATION_FAILED']);
  });

  it('verifies a key once per cache interval, and an unknown key every time', async () => {
    for (let i = 0; i < 3; i++) await http(suite.running.url, 'GET', '/v1/partner/webhooks', { headers: { 'x-api-key': PARTNER_KEY_ALL } });
    const verifications = suite.fakes.calls.filter((call) => call.subject === ls.verifyApiKey.subject);
    expect(verifications.length).toBeLessThanOrEqual(1);
    for (let i = 0; i < 2; i++) expect((await http(suite.running.url, 'GET', '/v1/partner/webhooks', { headers: { 'x-api-key': 'lsk_nope' } })).status).toBe(401);
    expect(suite.fakes.calls.filter((call) => call.subject === ls.verifyApiKey.subject).length - verifications.length).toBe(2);
  });
});
