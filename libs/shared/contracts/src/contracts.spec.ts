/**
 * Round-trip spec for every contract in the registry. The list of subjects comes from
 * `rpcContracts`/`eventContracts`, so a new subject is covered as soon as it is exported — and the
 * suite fails until SAMPLES below has a valid payload for it.
 */
import type { z } from 'zod';
import {
  ERROR_CODES,
  ErrorEnvelopeSchema,
  EventEnvelopeSchema,
  LinliError,
  RpcReplySchema,
  SERVICE_NAMES,
  DATA_SERVICES,
  eventContracts,
  fieldIssues,
  isLinliError,
  registry,
  rpcContracts,
  type ErrorEnvelope,
} from './index.js';

// ---------------------------------------------------------------- sample values

const USER = '3f1c2a9e-5b7d-4c1e-9a2b-1c2d3e4f5a6b';
const OTHER_USER = '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';
const OPS_USER = '0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d';
const ID1 = '11111111-2222-4333-8444-555555555555';
const ID2 = '22222222-3333-4444-9555-666666666666';
const ID3 = '33333333-4444-4555-a666-777777777777';
const AT = '2025-06-01T08:30:00.000Z';
const LATER = '2025-06-02T12:00:00.000Z';
const PHONE = '+8613800138000';

const resident = { userId: USER, roles: ['resident'] };
const leader = { userId: USER, roles: ['resident', 'leader'] };
const ops = { userId: OPS_USER, roles: ['ops'] };

// identity
const tokenPair = {
  userId: USER,
  roles: ['resident'],
  accessToken: 'eyJhbGciOiJIUzI1NiJ9.e30.signature',
  refreshToken: 'refresh-token-0123456789abcdef',
  accessTokenExpiresAt: AT,
  refreshTokenExpiresAt: LATER,
  isNewUser: false,
};
const profilePatch = {
  nickname: '王阿姨',
  birthday: '1968-05-01',
  compoundId: 'compound-1',
  building: '3',
  household: { adults: 2, children: [{ birthYear: 2018 }], elderly: 1 },
  dietary: { preferences: ['vegetables'], restrictions: ['peanuts'] },
};
const profile = {
  ...profilePatch,
  userId: USER,
  roles: ['resident'],
  declared: { nickname: AT, household: AT },
  identities: [{ channel: 'phone', value: PHONE, linkedAt: AT }],
  consents: [{ purpose: 'profiling', granted: true, changedAt: AT }],
  createdAt: AT,
};

// leader-ops
const compound = { compoundId: 'compound-1', name: '幸福里', city: 'Shanghai', district: 'Xuhui', timeZone: 'Asia/Shanghai' };
const openingHours = [
  { weekday: 1, opens: '08:00', closes: '12:00' },
  { weekday: 1, opens: '14:00', closes: '20:00' },
  { weekday: 6, opens: '09:00', closes: '18:00' },
];
const pickupPoint = {
  pickupPointId: ID1,
  leaderUserId: USER,
  name: '幸福里 3 号楼驿站',
  address: '幸福里 3 号楼 1 层',
  compoundIds: ['compound-1'],
  openingHours,
  capacity: 120,
  timeZone: 'Asia/Shanghai',
  status: 'active',
};
const pickupPointView = { ...pickupPoint, createdAt: AT, updatedAt: LATER };
const application = {
  applicationId: ID2,
  userId: USER,
  compoundId: 'compound-1',
  status: 'pending',
  displayName: '王阿姨',
  phone: PHONE,
  statement: 'I am home every afternoon.',
  decisionReason: null,
  decidedBy: null,
  decidedAt: null,
  createdAt: AT,
};
const binding = { userId: USER, pickupPointId: ID1, compoundId: 'compound-1', boundAt: AT, unboundAt: null, endReason: null };

// communities
const community = {
  communityId: ID1,
  name: '轻食生活圈',
  description: '',
  scope: 'pickup-point',
  compoundId: 'compound-1',
  pickupPointId: ID2,
  tags: ['light-food'],
  memberCount: 12,
  createdBy: USER,
  createdAt: AT,
  myRole: 'owner',
};
const member = { userId: USER, displayName: '王阿姨', role: 'member', joinedAt: AT };
const post = {
  postId: ID2,
  communityId: ID1,
  authorUserId: USER,
  authorName: '王阿姨',
  body: '今天的沙拉配方',
  imageRefs: ['posts/salad.jpg'],
  linkedSkuId: ID3,
  linkedCampaignId: null,
  status: 'visible',
  reactions: { like: 3 },
  commentCount: 1,
  openReports: 0,
  createdAt: AT,
};
const comment = { commentId: ID3, postId: ID2, authorUserId: OTHER_USER, authorName: '李叔', body: '收藏了', createdAt: LATER };
const communityEvent = {
  eventId: ID3,
  communityId: ID1,
  title: '轻食分享会',
  description: '',
  startsAt: AT,
  endsAt: LATER,
  pickupPointId: ID2,
  address: null,
  compoundId: 'compound-1',
  capacity: 10,
  waitlistCapacity: 100,
  confirmed: 10,
  waitlisted: 3,
  organiserUserId: USER,
  checkInCode: '123456',
  createdAt: AT,
};
const rsvp = { eventId: ID3, userId: USER, status: 'waitlisted', waitlistPosition: 2, createdAt: AT, confirmedAt: null, checkedInAt: null };
const conversion = { coCreators: 10, coCreatorBuyers: 4, coCreatorRate: 0.4, members: 40, memberBuyers: 8, memberRate: 0.2, buyers: 11 };
const proposal = {
  proposalId: ID2,
  communityId: ID1,
  proposerUserId: USER,
  kind: 'new-product',
  title: '低糖全麦面包',
  description: '',
  productId: null,
  status: 'open',
  votes: 12,
  feedback: { round: 2, responses: 5, meanTaste: 4.2, medianPriceCents: 1590, packSizes: { '400 g': 3, '800 g': 2 } },
  feedbackRounds: [
    { round: 1, responses: 8, meanTaste: 3.1, medianPriceCents: 1290, packSizes: { '800 g': 8 } },
    { round: 2, responses: 5, meanTaste: 4.2, medianPriceCents: 1590, packSizes: { '400 g': 3, '800 g': 2 } },
  ],
  skuIds: [],
  campaignId: null,
  launchedAt: null,
  conversion: null,
  myVote: false,
  createdAt: AT,
};
const survey = { surveyId: ID1, kind: 'generic', title: '配送时间', question: '您更喜欢几点取货？', scored: false, compoundId: null, createdAt: AT };

// orders
const category = { categoryId: 'fresh-vegetables', name: '新鲜蔬菜', parentId: null };
const sku = { skuId: ID1, code: 'VEG-SPINACH-500', spec: '500 g', priceCents: 1290, active: true };
const product = {
  productId: ID2,
  name: '有机菠菜',
  description: 'Picked the day before delivery.',
  categoryId: 'fresh-vegetables',
  unit: '份',
  imageUrls: ['https://img.example.com/spinach.jpg'],
  healthFlags: ['organic', 'high-fibre'],
  tags: ['leafy'],
  active: true,
  skus: [sku],
  updatedAt: AT,
};
const bundle = {
  bundleId: ID3,
  name: '家庭蔬菜组合',
  description: '',
  priceCents: 2290,
  imageUrls: [],
  tags: ['family'],
  active: true,
  items: [{ skuId: ID1, productId: ID2, name: '有机菠菜', spec: '500 g', quantity: 2, listPriceCents: 1290 }],
  listPriceCents: 2580,
};
const offer = {
  offerId: ID3,
  kind: 'sku',
  skuId: ID1,
  bundleId: null,
  productId: ID2,
  categoryId: 'fresh-vegetables',
  name: '有机菠菜',
  spec: '500 g',
  unit: '份',
  imageUrls: [],
  healthFlags: ['organic'],
  priceCents: 990,
  listPriceCents: 1290,
  perCustomerLimit: 5,
  available: 97,
};
const campaign = {
  campaignId: ID1,
  title: '周末鲜蔬团',
  description: '',
  status: 'published',
  startsAt: AT,
  cutoffAt: LATER,
  deliveryDate: '2025-06-03',
  timeZone: 'Asia/Shanghai',
  local: { timeZone: 'Asia/Shanghai', startsAt: '2025-06-01 16:30', cutoffAt: '2025-06-02 20:00' },
  minGroupSize: 3,
  targets: { compoundIds: ['compound-1'], pickupPointIds: [ID2] },
  offers: [offer],
  stock: [{ skuId: ID1, total: 100, remaining: 97 }],
  publishedAt: AT,
  closedAt: null,
};
const lineItems = [{ skuId: ID1, productId: ID2, categoryId: 'fresh-vegetables', quantity: 2 }];
const orderLine = {
  lineId: ID2,
  offerId: ID3,
  kind: 'sku',
  skuId: ID1,
  bundleId: null,
  productId: ID2,
  categoryId: 'fresh-vegetables',
  name: '有机菠菜',
  quantity: 2,
  unitPriceCents: 990,
  amountCents: 1980,
  refundedCents: 0,
  items: lineItems,
};
const order = {
  orderId: ID3,
  userId: USER,
  campaignId: ID1,
  pickupPointId: ID2,
  compoundId: 'compound-1',
  status: 'paid',
  totalCents: 1980,
  paidCents: 1680,
  refundedCents: 0,
  pointsSpent: 300,
  pointsDiscountCents: 300,
  payableCents: 1680,
  lines: [orderLine],
  placedAt: AT,
  expiresAt: LATER,
  updatedAt: AT,
  transitions: [
    { from: null, to: 'pending_payment', actor: { kind: 'resident', userId: USER }, reason: null, at: AT },
    { from: 'pending_payment', to: 'paid', actor: { kind: 'payment', userId: null }, reason: null, at: AT },
  ],
};
const refund = {
  refundId: ID1,
  orderId: ID3,
  refundKey: 'refund-0001',
  reason: 'quality',
  amountCents: 990,
  status: 'succeeded',
  description: 'Leaves were wilted.',
  photoUrls: ['https://img.example.com/complaint.jpg'],
  lines: [{ lineId: ID2, quantity: 1, amountCents: 990 }],
  createdAt: AT,
  autoApproved: true,
  review: null,
};
const reviewedRefund = {
  ...refund,
  amountCents: 12_800,
  status: 'pending_review',
  autoApproved: false,
  review: { reason: 'over the instant-refund limit of 5000 cents per order', decidedBy: null, decidedAt: null, decisionReason: null },
};
const orderEvent = {
  orderId: ID3,
  userId: USER,
  campaignId: ID1,
  pickupPointId: ID2,
  compoundId: 'compound-1',
  status: 'paid',
  totalCents: 1980,
  lines: [
    {
      lineId: ID2,
      kind: 'sku',
      skuId: ID1,
      bundleId: null,
      productId: ID2,
      categoryId: 'fresh-vegetables',
      quantity: 2,
      unitPriceCents: 990,
      amountCents: 1980,
      items: lineItems,
    },
  ],
  placedAt: AT,
  at: LATER,
  actor: { kind: 'system', userId: null },
};

const recommendationSegment = {
  segmentId: ID1,
  name: 'Young families at risk',
  description: '',
  rule: { all: [{ tag: 'has_children', eq: true }, { stage: ['at_risk'] }] },
  pickupPointId: ID2,
  createdBy: USER,
  createdAt: AT,
  updatedAt: LATER,
};
const recommendationBacktest = {
  backtestId: ID1,
  ranAt: LATER,
  status: 'ok',
  calibrationEnd: '2025-03-31',
  holdoutEnd: '2025-06-30',
  customers: 2_357,
  predictedPurchases: 1_653.4,
  actualPurchases: 1_882,
  mae: 0.786,
  correlation: 0.626,
  calibration: [{ bucket: '0', customers: 1_411, predicted: 0.21, actual: 0.25 }],
  model: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  reason: null,
};

// leader-ops: customers, messages, settlement
const customerSummary = {
  userId: OTHER_USER,
  nickname: '王阿姨',
  pickupPointId: ID1,
  compoundId: 'compound-1',
  boundAt: AT,
  stage: 'at_risk',
  churnRisk: 0.7,
  riskBand: 'high',
  clvCents: 48_000,
  tier: null,
  journeyStep: null,
  completedOrders: 3,
  spentCents: 15_900,
  lastOrderAt: AT,
};
const customerDetail = {
  ...customerSummary,
  birthday: '1960-06-03',
  building: '3',
  marketingConsent: true,
  profilingConsent: false,
  tags: [{ tag: 'elderly', value: true, source: 'declared', confidence: 1 }],
  tagCompleteness: 0.4,
  purchases: { completedOrders: 3, spentCents: 15_900, averageOrderCents: 5_300, categories: [{ categoryId: 'rice', spentCents: 9_000, orders: 2 }] },
  lastOrder: { orderId: ID3, status: 'completed', totalCents: 5_300, placedAt: AT },
  notes: '',
  interactions: [{ interactionId: ID2, kind: 'message', summary: 'birthday greeting sent', at: AT }],
};
const reminder = { reminderId: ID1, userId: OTHER_USER, kind: 'custom', text: 'Call about the rice', dueAt: LATER, source: 'leader', status: 'open', createdAt: AT };
const draft = {
  draftId: ID2,
  userId: OTHER_USER,
  kind: 'birthday',
  locale: 'zh-CN',
  text: '王阿姨，生日快乐！',
  inputs: { nickname: '王阿姨', birthday: '06-03' },
  generator: 'template',
  status: 'draft',
  edited: false,
  approvedAt: null,
  messageId: null,
  createdAt: AT,
};
const message = {
  messageId: ID3,
  userId: OTHER_USER,
  senderUserId: USER,
  channel: 'in-app',
  category: 'care',
  title: '生日祝福',
  body: '王阿姨，生日快乐！',
  deliveryStatus: 'delivered',
  deliveryError: null,
  readAt: null,
  createdAt: AT,
  deliveredAt: AT,
};
const { deliveryError: _deliveryError, ...inboxFields } = message;
const inboxMessage = { ...inboxFields, read: false };
const settlement = {
  settlementId: ID1,
  leaderUserId: USER,
  month: '2025-05',
  status: 'issued',
  rulesVersion: '2026-12-v1',
  score: 55,
  level: { key: 'sprout', name: '成长团长', perks: ['priority pickup slots'] },
  totalCents: 12_500,
  lines: [{ lineId: ID2, kind: 'commission', amountCents: 12_500, explanation: '5% of 2,500.00 completed rice', basis: { categoryId: 'rice' }, createdAt: AT }],
  issuedAt: AT,
  approvedAt: null,
  paidAt: null,
};

// local services
const partner = { providerId: ID1, keyId: ID2 };
const serviceProvider = {
  providerId: ID1,
  ownerUserId: USER,
  companyName: '安心家政 Anxin Housekeeping',
  contactPhone: PHONE,
  licenceRefs: [{ kind: 'business-licence', number: '91310000MA1FL0000X' }],
  categories: ['housekeeping'],
  compoundIds: ['compound-1'],
  cancelNoticeHours: 24,
  status: 'approved',
  decisionReason: null,
  decidedAt: LATER,
  createdAt: AT,
};
const apiKey = { keyId: ID2, providerId: ID1, prefix: 'lsk_AbCd', label: 'booking system', scopes: ['catalog', 'bookings'], createdAt: AT, expiresAt: null, revokedAt: null, lastUsedAt: null };
const serviceSlot = { slotId: ID3, offeringId: ID2, providerId: ID1, practitionerId: null, startsAt: LATER, endsAt: '2025-06-02T14:00:00.000Z', capacity: 10, booked: 1, status: 'open' };
const serviceOffering = {
  offeringId: ID2,
  providerId: ID1,
  providerName: 'Anxin Housekeeping',
  category: 'housekeeping',
  title: '深度保洁 Deep clean, 2 hours',
  description: '',
  priceCents: 19_900,
  durationMinutes: 120,
  compoundIds: ['compound-1'],
  pointsPrice: 19_900,
  mode: 'slots',
  sensitive: false,
  active: true,
  slots: [serviceSlot],
};
const serviceBooking = {
  bookingId: ID3,
  providerId: ID1,
  offeringId: ID2,
  offeringTitle: 'Deep clean, 2 hours',
  category: 'housekeeping',
  slotId: ID3,
  practitionerId: null,
  userId: USER,
  compoundId: 'compound-1',
  startsAt: LATER,
  endsAt: '2025-06-02T14:00:00.000Z',
  status: 'paid',
  priceCents: 19_900,
  pointsUsed: 2_000,
  pointsCents: 2_000,
  cashCents: 17_900,
  sensitiveNote: null,
  payment: { paymentId: ID1, provider: 'dev', status: 'succeeded', amountCents: 17_900, clientParams: { provider: 'dev' } },
  review: null,
  createdAt: AT,
  updatedAt: AT,
};
const bookingEvent = {
  bookingId: ID3,
  providerId: ID1,
  offeringId: ID2,
  userId: USER,
  compoundId: 'compound-1',
  category: null,
  sensitive: true,
  startsAt: LATER,
  endsAt: '2025-06-02T14:00:00.000Z',
  priceCents: 19_900,
  pointsUsed: 0,
  cashCents: 19_900,
  occurredAt: AT,
};
const webhookEndpoint = { endpointId: ID2, url: 'https://provider.example.com/hooks', events: ['booking.created'], active: true, createdAt: AT };
const webhookDelivery = {
  deliveryId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
  endpointId: ID2,
  eventType: 'booking.created',
  payload: { type: 'booking.created', timestamp: AT, data: { bookingId: ID3 } },
  status: 'delivered',
  attempts: 2,
  nextAttemptAt: null,
  deliveredAt: LATER,
  createdAt: AT,
  log: [
    { attempt: 1, at: AT, statusCode: 503, error: null, durationMs: 40 },
    { attempt: 2, at: LATER, statusCode: 204, error: null, durationMs: 12 },
  ],
};

interface RpcSample {
  request: unknown;
  response: unknown;
}
interface EventSample {
  data: unknown;
}

/**
 * One valid payload per subject. Adding a subject to the contracts without an entry here fails
 * this suite, naming the subject.
 */
const mergeRequest = {
  mergeRequestId: ID1,
  status: 'pending',
  requestedBy: USER,
  sourceUserId: OTHER_USER,
  channel: 'member-card',
  maskedValue: '********2345',
  reasons: ['the account holds the role leader'],
  decidedBy: null,
  decisionReason: null,
  createdAt: AT,
  decidedAt: null,
};

const SAMPLES: Record<string, RpcSample | EventSample> = {
  // every service answers its health subject
  ...Object.fromEntries(
    SERVICE_NAMES.map((service) => [
      `rpc.${service}.health.v1`,
      { request: {}, response: { service, status: 'up', version: '0.1.0', uptimeSeconds: 12, checks: { nats: 'up', database: 'up' } } },
    ]),
  ),

  // every service that holds user data answers its personal-data export subject
  ...Object.fromEntries(
    DATA_SERVICES.map((service) => [
      `rpc.${service}.personal-data.export.v1`,
      { request: { actor: resident, userId: USER, userIds: [USER, OTHER_USER] }, response: { service, sections: { example: [{ id: ID1 }] } } },
    ]),
  ),

  // ------------------------------------------------------------ communities
  'communities.member.joined.v1': { data: { communityId: ID1, scope: 'pickup-point', compoundId: 'compound-1', pickupPointId: ID2, userId: USER, role: 'member', joinedAt: AT } },
  'communities.member.left.v1': { data: { communityId: ID1, userId: USER, leftAt: AT } },
  'communities.post.created.v1': { data: { postId: ID2, communityId: ID1, authorUserId: USER, linkedSkuId: null, linkedCampaignId: null, createdAt: AT } },
  'communities.rsvp.confirmed.v1': { data: { eventId: ID2, communityId: ID1, compoundId: 'compound-1', pickupPointId: null, organiserUserId: OTHER_USER, userId: USER, promotedFromWaitlist: true, confirmedAt: AT } },
  'communities.event.checked-in.v1': { data: { eventId: ID2, communityId: null, compoundId: 'compound-1', pickupPointId: ID1, organiserUserId: OTHER_USER, userId: USER, checkedInAt: AT } },
  'communities.proposal.created.v1': { data: { proposalId: ID2, communityId: ID1, proposerUserId: USER, title: '低糖全麦面包 Low-sugar wholewheat bread', createdAt: AT } },
  'communities.proposal.voted.v1': { data: { proposalId: ID2, userId: USER, weight: 2, votedAt: AT } },
  'communities.proposal.launched.v1': { data: { proposalId: ID2, communityId: ID1, proposerUserId: USER, skuIds: [ID1], campaignId: ID2, launchedAt: AT } },
  'communities.survey.answered.v1': { data: { surveyId: ID1, responseId: ID2, userId: USER, kind: 'nps', score: 9, trigger: 'pickup', compoundId: 'compound-1', pickupPointId: ID1, leaderUserId: OTHER_USER, answeredAt: AT } },
  'rpc.communities.community.create.v1': {
    request: { actor: leader, name: '轻食生活圈', scope: 'pickup-point', pickupPointId: ID2, tags: ['light-food'] },
    response: community,
  },
  'rpc.communities.community.list.v1': { request: { actor: resident, compoundId: 'compound-1' }, response: { communities: [community] } },
  'rpc.communities.community.get.v1': { request: { actor: resident, communityId: ID1 }, response: community },
  'rpc.communities.member.join.v1': { request: { actor: resident, communityId: ID1 }, response: { community, member } },
  'rpc.communities.member.leave.v1': { request: { actor: resident, communityId: ID1 }, response: { communityId: ID1, left: true } },
  'rpc.communities.member.list.v1': { request: { actor: resident, communityId: ID1, limit: 20 }, response: { members: [member] } },
  'rpc.communities.member.appoint-moderator.v1': { request: { actor: leader, communityId: ID1, userId: OTHER_USER }, response: { ...member, userId: OTHER_USER, role: 'moderator' } },
  'rpc.communities.member.invite.v1': { request: { actor: leader, communityId: ID1, segment: 'bound-customers' }, response: { invited: 12 } },
  'rpc.communities.community.suggest.v1': {
    request: { actor: resident },
    response: { suggestions: [{ community, score: 2, reasons: ['light-food'] }], usedInferredTags: true },
  },
  'rpc.communities.post.create.v1': { request: { actor: resident, communityId: ID1, body: '今天的沙拉配方', imageRefs: ['posts/salad.jpg'], linkedSkuId: ID3 }, response: post },
  'rpc.communities.post.list.v1': { request: { actor: resident, communityId: ID1 }, response: { posts: [post] } },
  'rpc.communities.post.get.v1': { request: { actor: resident, postId: ID2 }, response: { post, comments: [comment] } },
  'rpc.communities.comment.create.v1': { request: { actor: resident, postId: ID2, body: '收藏了' }, response: comment },
  'rpc.communities.reaction.set.v1': { request: { actor: resident, postId: ID2, kind: 'like' }, response: { postId: ID2, reactions: { like: 4 } } },
  'rpc.communities.post.report.v1': { request: { actor: resident, postId: ID2, reason: 'advertising' }, response: { reportId: ID3, postId: ID2, openReports: 1 } },
  'rpc.communities.moderation.queue.v1': { request: { actor: leader, communityId: ID1 }, response: { items: [{ post, reasons: ['advertising'] }] } },
  'rpc.communities.moderation.post.v1': { request: { actor: leader, postId: ID2, action: 'hide', reason: 'advertising' }, response: { ...post, status: 'hidden' } },
  'rpc.communities.moderation.ban.v1': {
    request: { actor: leader, communityId: ID1, userId: OTHER_USER, until: LATER, reason: 'spam' },
    response: { communityId: ID1, userId: OTHER_USER, until: LATER },
  },
  'rpc.communities.moderation.audit.v1': {
    request: { actor: leader, communityId: ID1 },
    response: { entries: [{ auditId: ID3, communityId: ID1, actorUserId: USER, action: 'ban', targetKind: 'member', targetId: OTHER_USER, reason: 'spam', at: AT }] },
  },
  'rpc.communities.event.create.v1': {
    request: { actor: leader, communityId: ID1, title: '轻食分享会', startsAt: AT, endsAt: LATER, pickupPointId: ID2, capacity: 10 },
    response: communityEvent,
  },
  'rpc.communities.event.list.v1': { request: { actor: resident, communityId: ID1 }, response: { events: [{ ...communityEvent, checkInCode: null }] } },
  'rpc.communities.event.get.v1': { request: { actor: resident, eventId: ID3 }, response: { event: { ...communityEvent, checkInCode: null }, myRsvp: rsvp } },
  'rpc.communities.rsvp.create.v1': { request: { actor: resident, eventId: ID3 }, response: rsvp },
  'rpc.communities.rsvp.cancel.v1': { request: { actor: resident, eventId: ID3 }, response: { rsvp: { ...rsvp, status: 'cancelled' }, promotedUserId: OTHER_USER } },
  'rpc.communities.event.check-in.v1': { request: { actor: resident, eventId: ID3, code: '123456' }, response: { ...rsvp, checkedInAt: LATER } },
  'rpc.communities.rsvp.list.v1': { request: { actor: leader, eventId: ID3 }, response: { rsvps: [{ ...rsvp, displayName: '王阿姨' }] } },
  'rpc.communities.rsvp.mine.v1': { request: { actor: resident }, response: { rsvps: [{ ...rsvp, title: '轻食分享会', startsAt: AT }] } },
  'rpc.communities.proposal.create.v1': { request: { actor: resident, communityId: ID1, title: '低糖全麦面包' }, response: proposal },
  'rpc.communities.proposal.list.v1': { request: { actor: resident, status: 'open' }, response: { proposals: [proposal] } },
  'rpc.communities.proposal.get.v1': { request: { actor: resident, proposalId: ID2 }, response: proposal },
  'rpc.communities.proposal.vote.v1': { request: { actor: resident, proposalId: ID2 }, response: { ...proposal, votes: 13, myVote: true } },
  'rpc.communities.proposal.feedback.v1': { request: { actor: resident, proposalId: ID2, taste: 4, priceCents: 1590, packSize: '400 g' }, response: proposal },
  'rpc.communities.proposal.next-round.v1': { request: { actor: ops, proposalId: ID2 }, response: proposal },
  'rpc.communities.proposal.launch.v1': {
    request: { actor: ops, proposalId: ID2, skuIds: [ID1], campaignId: ID3 },
    response: { ...proposal, status: 'launched', skuIds: [ID1], campaignId: ID3, launchedAt: LATER, conversion },
  },
  'rpc.communities.survey.create.v1': { request: { actor: ops, title: '配送时间', question: '您更喜欢几点取货？' }, response: survey },
  'rpc.communities.survey.pending.v1': { request: { actor: resident }, response: { surveys: [{ ...survey, trigger: 'ops', offeredAt: AT }] } },
  'rpc.communities.survey.answer.v1': {
    request: { actor: resident, surveyId: ID1, score: 9, reason: '团长很热心' },
    response: { responseId: ID2, surveyId: ID1, score: 9, reason: '团长很热心', trigger: 'pickup', answeredAt: AT },
  },

  // ------------------------------------------------------------ growth (communities service)
  'rpc.communities.points.statement.v1': {
    request: { actor: resident, limit: 20 },
    response: {
      userId: USER,
      balance: 120,
      held: 30,
      entries: [
        { entryId: ID1, kind: 'earn', delta: 150, heldDelta: 0, description: 'Order picked up', expiresAt: '2026-12-31T15:59:59.999Z', rulesVersion: '2026-12-01', at: AT },
        { entryId: ID2, kind: 'reserve', delta: -30, heldDelta: 30, description: 'Held for order', expiresAt: null, rulesVersion: null, at: LATER },
      ],
    },
  },
  'rpc.communities.points.reserve.v1': {
    request: { actor: resident, points: 30, reference: { kind: 'order', id: ID3 }, idempotencyKey: 'order-discount-1' },
    response: { reservationId: ID1, userId: USER, points: 30, reference: { kind: 'order', id: ID3 }, status: 'held', balance: 90, createdAt: AT, settledAt: null },
  },
  'rpc.communities.points.commit.v1': {
    request: { actor: resident, reservationId: ID1 },
    response: { reservationId: ID1, userId: USER, points: 30, reference: { kind: 'order', id: ID3 }, status: 'committed', balance: 90, createdAt: AT, settledAt: LATER },
  },
  'rpc.communities.points.release.v1': {
    request: { actor: resident, reservationId: ID1 },
    response: { reservationId: ID1, userId: USER, points: 30, reference: { kind: 'order', id: ID3 }, status: 'released', balance: 120, createdAt: AT, settledAt: LATER },
  },
  'rpc.communities.points.rewards.v1': { request: { actor: resident }, response: { rewards: [{ rewardId: 'coupon-5-yuan', title: '5元优惠券 5-yuan coupon', cost: 500, perMemberLimit: null }] } },
  'rpc.communities.points.redeem.v1': {
    request: { actor: resident, rewardId: 'coupon-5-yuan', idempotencyKey: 'redeem-000001' },
    response: { redemptionId: ID2, rewardId: 'coupon-5-yuan', cost: 500, balance: 20, redeemedAt: AT },
  },
  'rpc.communities.points.adjust.v1': {
    request: { actor: ops, userId: USER, delta: -20, reason: 'duplicate goodwill credit', idempotencyKey: 'adjust-000001' },
    response: { entryId: ID3, balance: 100 },
  },
  'rpc.communities.tier.get.v1': {
    request: { actor: resident },
    response: {
      userId: USER,
      tier: 'regular',
      tierName: '常客',
      since: AT,
      perks: { pointsMultiplier: 1.2, voteWeight: 2, earlyAccessHours: 2, canBackProposals: true },
      progress: {
        score: 14,
        windowDays: 90,
        next: { tier: 'co-builder', tierName: '共建者', minScore: 30, missing: [{ requirement: 'score', have: 14, need: 30 }] },
        activity: { pickup: 3, 'event-check-in': 1 },
      },
      rulesVersion: '2026-12-01',
    },
  },
  'rpc.communities.tier.grant.v1': {
    request: { actor: ops, userId: USER, tier: 'co-builder', reason: 'founder of the baking community' },
    response: {
      userId: USER,
      tier: 'co-builder',
      tierName: '共建者',
      since: AT,
      perks: { pointsMultiplier: 1.5, voteWeight: 3, earlyAccessHours: 12, canBackProposals: true },
      progress: { score: 2, windowDays: 90, next: null, activity: {} },
      rulesVersion: '2026-12-01',
    },
  },
  'rpc.communities.tier.review.v1': { request: { actor: ops, month: '2025-06' }, response: { month: '2025-06', reviewed: 120, downgraded: 4, alreadyRun: false } },
  'rpc.communities.badge.list.v1': {
    request: { actor: resident, userId: OTHER_USER },
    response: { userId: OTHER_USER, badges: [{ badgeId: 'first-order', title: '第一单 First order', description: 'Picked up a first order', awardedAt: AT }] },
  },
  'rpc.communities.journey.mine.v1': {
    request: { actor: resident },
    response: {
      journeys: [
        {
          journeyId: 'seven-day',
          title: '7天体验计划 7-day plan',
          startedAt: AT,
          endsAt: LATER,
          day: 2,
          completed: false,
          steps: [{ stepId: 'first-order', title: 'Place a first order', stage: null, dueDay: 1, completedAt: AT }],
        },
      ],
    },
  },
  'rpc.communities.journey.funnel.v1': {
    request: { actor: ops, journeyId: 'seven-day', from: '2025-06-01', to: '2025-06-30' },
    response: {
      journeyId: 'seven-day',
      title: '7天体验计划 7-day plan',
      from: '2025-06-01',
      to: '2025-06-30',
      enrolled: 40,
      steps: [{ stepId: 'first-order', title: 'Place a first order', completed: 30, conversion: 0.75, fromPrevious: 0.75, medianDays: 1 }],
    },
  },
  'rpc.communities.referral.invite.v1': {
    request: { actor: resident },
    response: { code: 'K7M2Q9XA', link: 'https://linli.app/i/K7M2Q9XA', invitesSent: 3, signedUp: 2, converted: 1, invitedBy: null },
  },
  'rpc.communities.referral.share.v1': {
    request: { actor: resident, channel: 'wechat' },
    response: { code: 'K7M2Q9XA', link: 'https://linli.app/i/K7M2Q9XA', invitesSent: 4, signedUp: 2, converted: 1, invitedBy: OTHER_USER },
  },
  'rpc.communities.referral.claim.v1': { request: { actor: resident, code: 'K7M2Q9XA' }, response: { inviterUserId: OTHER_USER, attributedAt: AT } },
  'rpc.communities.proposal.back.v1': {
    request: { actor: resident, proposalId: ID2, points: 50, idempotencyKey: 'back-proposal-1' },
    response: {
      proposalId: ID2,
      totalPoints: 50,
      backers: [{ userId: USER, points: 50, tier: 'regular', backedAt: AT }],
      votes: { count: 3, weighted: 6, byTier: { newcomer: 1, regular: 1, 'co-builder': 1 } },
    },
  },
  'rpc.communities.proposal.backing.v1': {
    request: { actor: resident, proposalId: ID2 },
    response: { proposalId: ID2, totalPoints: 0, backers: [], votes: { count: 0, weighted: 0, byTier: {} } },
  },
  'communities.points.changed.v1': { data: { userId: USER, entryId: ID1, kind: 'earn', delta: 150, heldDelta: 0, balance: 150, held: 0, reference: `order:${ID3}`, at: AT } },
  'communities.tier.changed.v1': {
    data: {
      userId: USER,
      from: 'newcomer',
      to: 'regular',
      direction: 'up',
      reason: 'activity',
      perks: { pointsMultiplier: 1.2, voteWeight: 2, earlyAccessHours: 2, canBackProposals: true },
      rulesVersion: '2026-12-01',
      changedAt: AT,
    },
  },
  'communities.badge.awarded.v1': { data: { userId: USER, badgeId: 'ten-pickups', title: '十次自提 Ten pickups', awardedAt: AT } },
  'communities.journey.step-completed.v1': { data: { userId: USER, journeyId: 'seven-day', stepId: 'first-pickup', day: 2, completedAt: AT } },
  'communities.journey.nudge.v1': { data: { userId: USER, text: '去团长那里取第一单吧 Collect your first order', journeyId: 'seven-day', stepId: 'first-pickup', nudgedAt: AT } },
  'communities.referral.invite-sent.v1': { data: { inviterUserId: USER, channel: 'wechat', compoundId: 'compound-1', pickupPointId: ID1, sentAt: AT } },
  'communities.referral.attributed.v1': { data: { inviterUserId: USER, inviteeUserId: OTHER_USER, code: 'K7M2Q9XA', compoundId: 'compound-1', pickupPointId: null, attributedAt: AT } },
  'communities.referral.converted.v1': {
    data: { inviterUserId: USER, inviteeUserId: OTHER_USER, orderId: ID3, pointsAwarded: 200, compoundId: 'compound-1', pickupPointId: ID1, convertedAt: LATER },
  },
  'communities.proposal.backed.v1': { data: { proposalId: ID2, userId: USER, points: 50, totalPoints: 120, backedAt: AT } },

  // ------------------------------------------------------------ identity
  'rpc.identity.otp.request.v1': { request: { phone: '138 0013 8000' }, response: { expiresAt: AT, resendAfterSeconds: 60 } },
  'rpc.identity.otp.verify.v1': { request: { phone: PHONE, code: '123456', device: 'iPhone 15' }, response: tokenPair },
  'rpc.identity.wechat.sign-in.v1': { request: { app: 'mini-program', loginCode: 'wx-login-code-1234' }, response: { ...tokenPair, isNewUser: true } },
  'rpc.identity.token.refresh.v1': { request: { refreshToken: 'refresh-token-0123456789abcdef' }, response: tokenPair },
  'rpc.identity.token.revoke.v1': { request: { actor: resident, refreshToken: 'refresh-token-0123456789abcdef' }, response: { revoked: true } },
  'rpc.identity.member-card.code.request.v1': {
    request: { actor: resident, cardNumber: 'LL-0001-2345' },
    response: { delivery: 'sms', maskedPhone: '+86138****8000', expiresAt: AT, resendAfterSeconds: 60 },
  },
  'rpc.identity.member-card.code.issue.v1': { request: { actor: { userId: OTHER_USER, roles: ['leader'] }, cardNumber: 'LL-0001-2345' }, response: { cardNumber: 'LL-0001-2345', oneTimeCode: '123456', expiresAt: AT } },
  'rpc.identity.merge-request.list.v1': { request: { actor: { userId: OTHER_USER, roles: ['ops'] }, status: 'pending' }, response: { mergeRequests: [mergeRequest] } },
  'rpc.identity.merge-request.decide.v1': {
    request: { actor: { userId: OTHER_USER, roles: ['ops'] }, mergeRequestId: ID1, decision: 'approve', reason: 'Same person, confirmed by phone.' },
    response: { ...mergeRequest, status: 'approved', decidedBy: OTHER_USER, decisionReason: 'Same person, confirmed by phone.', decidedAt: AT },
  },
  'rpc.identity.identity.link.v1': {
    request: { actor: resident, proof: { channel: 'phone', phone: PHONE, code: '654321' } },
    response: { userId: USER, linked: ['phone', 'wechat-unionid'], mergedFromUserId: OTHER_USER },
  },
  'rpc.identity.user.merge.v1': {
    request: { actor: ops, sourceUserId: OTHER_USER, targetUserId: USER, reason: 'same person, two phones' },
    response: { mergeId: ID1, targetUserId: USER, sourceUserId: OTHER_USER, alreadyMerged: false },
  },
  'rpc.identity.profile.get.v1': { request: { actor: resident, userId: USER }, response: profile },
  'rpc.identity.profile.update.v1': { request: { actor: resident, userId: USER, patch: profilePatch }, response: profile },
  'rpc.identity.consent.set.v1': {
    request: { actor: resident, userId: USER, purpose: 'marketing', granted: false },
    response: { consents: [{ purpose: 'marketing', granted: false, changedAt: AT }] },
  },
  'rpc.identity.user.export.v1': {
    request: { actor: resident, userId: USER },
    response: { exportedAt: AT, userId: USER, data: { profile: { nickname: '王阿姨' }, consents: [] } },
  },
  'rpc.identity.user.erase.v1': { request: { actor: ops, userId: USER }, response: { userId: USER, erasedAt: AT } },
  'rpc.identity.role.grant.v1': { request: { actor: ops, userId: USER, role: 'leader' }, response: { userId: USER, roles: ['resident', 'leader'] } },
  'rpc.identity.dev.sign-in.v1': { request: { phone: PHONE, device: 'demo loader' }, response: tokenPair },
  'rpc.identity.dev.sms-outbox.v1': { request: { phone: PHONE }, response: { messages: [{ phone: PHONE, code: '123456', sentAt: AT }] } },
  'identity.user.registered.v1': { data: { userId: USER, channel: 'phone', registeredAt: AT } },
  'identity.user.merged.v1': { data: { mergeId: ID1, sourceUserId: OTHER_USER, targetUserId: USER, mergedAt: AT } },
  'identity.profile.updated.v1': { data: { userId: USER, profile: profilePatch, declared: { nickname: AT } } },
  'identity.consent.changed.v1': { data: { userId: USER, purpose: 'profiling', granted: true, changedAt: AT } },
  'identity.user.erased.v1': { data: { userId: USER, erasedAt: AT } },
  'identity.role.granted.v1': { data: { userId: USER, role: 'leader', grantedAt: AT } },
  'identity.session.revoked.v1': { data: { sessionId: ID1, userId: USER, reason: 'signed-out', revokedAt: AT, accessTokenExpiresAt: AT } },

  // ------------------------------------------------------------ leader-ops
  'rpc.leader-ops.compound.upsert.v1': { request: { actor: ops, compound }, response: { ...compound, created: true } },
  'rpc.leader-ops.compound.list.v1': { request: { actor: ops, city: 'Shanghai', limit: 50 }, response: { compounds: [compound], nextAfter: null } },
  'rpc.leader-ops.application.submit.v1': {
    request: { actor: resident, compoundId: 'compound-1', displayName: '王阿姨', phone: PHONE, statement: 'I am home every afternoon.' },
    response: application,
  },
  'rpc.leader-ops.application.list.v1': { request: { actor: ops, status: 'pending', limit: 20 }, response: { applications: [application], nextAfter: null } },
  'rpc.leader-ops.application.approve.v1': {
    request: { actor: ops, applicationId: ID2 },
    response: { ...application, status: 'approved', decidedBy: OPS_USER, decidedAt: LATER },
  },
  'rpc.leader-ops.application.reject.v1': {
    request: { actor: ops, applicationId: ID2, reason: 'Another leader already serves this building.' },
    response: { ...application, status: 'rejected', decisionReason: 'Another leader already serves this building.', decidedBy: OPS_USER, decidedAt: LATER },
  },
  'rpc.leader-ops.pickup-point.create.v1': {
    request: { actor: leader, name: pickupPoint.name, address: pickupPoint.address, compoundIds: ['compound-1'], openingHours, capacity: 120 },
    response: pickupPointView,
  },
  'rpc.leader-ops.pickup-point.update.v1': {
    request: { actor: leader, pickupPointId: ID1, patch: { capacity: 150, status: 'suspended' } },
    response: { ...pickupPointView, capacity: 150, status: 'suspended' },
  },
  'rpc.leader-ops.pickup-point.get.v1': { request: { actor: resident, pickupPointId: ID1 }, response: pickupPointView },
  'rpc.leader-ops.pickup-point.list.v1': { request: { actor: resident, compoundId: 'compound-1' }, response: { pickupPoints: [pickupPointView] } },
  'rpc.leader-ops.binding.bind.v1': {
    request: { actor: resident, pickupPointId: ID1, compoundId: 'compound-1' },
    response: { binding, previousPickupPointId: null, changed: true },
  },
  'rpc.leader-ops.binding.get.v1': {
    request: { actor: resident },
    response: { userId: USER, current: binding, history: [binding, { ...binding, pickupPointId: ID2, unboundAt: AT, endReason: 'rebound' }] },
  },
  'leader-ops.compound.upserted.v1': { data: compound },
  'leader-ops.pickup-point.upserted.v1': { data: pickupPoint },
  'leader-ops.resident.bound.v1': { data: { userId: USER, pickupPointId: ID1, compoundId: 'compound-1', previousPickupPointId: ID2, boundAt: AT } },
  'leader-ops.leader.approved.v1': { data: { applicationId: ID2, userId: USER, compoundId: 'compound-1', approvedAt: AT } },
  'leader-ops.leader.rejected.v1': { data: { applicationId: ID2, userId: USER, reason: 'Outside the service area.', rejectedAt: AT } },

  // ------------------------------------------------------------ leader-ops: customers, messages, settlement
  'rpc.leader-ops.calendar.festivals.v1': {
    request: { year: 2025 },
    response: { year: 2025, festivals: [{ key: 'spring-festival', name: '春节', date: '2025-01-29' }], solarTerms: [{ key: 'minor-cold', name: '小寒', date: '2025-01-05' }] },
  },
  'rpc.leader-ops.customer.list.v1': { request: { actor: leader, risk: 'high', limit: 20 }, response: { customers: [customerSummary], nextAfter: null } },
  'rpc.leader-ops.customer.get.v1': { request: { actor: leader, userId: OTHER_USER }, response: customerDetail },
  'rpc.leader-ops.customer.notes.v1': { request: { actor: leader, userId: OTHER_USER, notes: '老两口，孙子周末来' }, response: { userId: OTHER_USER, notes: '老两口，孙子周末来', updatedAt: AT } },
  'rpc.leader-ops.customer.attention.v1': {
    request: { actor: leader, days: 7 },
    response: { asOf: '2025-06-01', items: [{ kind: 'birthday', userId: OTHER_USER, nickname: '王阿姨', date: '2025-06-03', reason: 'birthday in 2 days', details: { inDays: 2 } }] },
  },
  'rpc.leader-ops.reminder.create.v1': { request: { actor: leader, userId: OTHER_USER, text: 'Call about the rice', dueAt: LATER }, response: reminder },
  'rpc.leader-ops.reminder.list.v1': { request: { actor: leader }, response: { reminders: [reminder], proposed: [{ userId: OTHER_USER, kind: 'birthday', text: 'birthday on 06-03', dueAt: LATER }] } },
  'rpc.leader-ops.reminder.close.v1': { request: { actor: leader, reminderId: ID1, status: 'done' }, response: { ...reminder, status: 'done' } },
  'rpc.leader-ops.draft.create.v1': { request: { actor: leader, kind: 'birthday', userId: OTHER_USER }, response: { drafts: [draft] } },
  'rpc.leader-ops.draft.list.v1': { request: { actor: leader, status: 'draft' }, response: { drafts: [draft] } },
  'rpc.leader-ops.draft.edit.v1': { request: { actor: leader, draftId: ID2, text: '王阿姨生日快乐！' }, response: { ...draft, text: '王阿姨生日快乐！', edited: true } },
  'rpc.leader-ops.draft.approve.v1': { request: { actor: leader, draftId: ID2 }, response: { ...draft, status: 'approved', approvedAt: AT } },
  'rpc.leader-ops.draft.send.v1': { request: { actor: leader, draftId: ID2 }, response: { draft: { ...draft, status: 'sent', approvedAt: AT, messageId: ID3 }, message } },
  'rpc.leader-ops.message.list.v1': { request: { actor: leader }, response: { messages: [message] } },
  'rpc.leader-ops.inbox.list.v1': { request: { actor: resident, unreadOnly: true }, response: { messages: [inboxMessage], unread: 1 } },
  'rpc.leader-ops.inbox.read.v1': { request: { actor: resident, messageId: ID3 }, response: { ...inboxMessage, read: true, readAt: LATER } },
  'rpc.leader-ops.settlement.get.v1': { request: { actor: leader, month: '2025-05' }, response: settlement },
  'rpc.leader-ops.settlement.issue.v1': { request: { actor: ops, month: '2025-05' }, response: { statements: [settlement] } },
  'rpc.leader-ops.settlement.adjust.v1': { request: { actor: ops, month: '2025-05', leaderUserId: USER, amountCents: -500, reason: 'order refunded after issue' }, response: settlement },
  'rpc.leader-ops.settlement.approve.v1': { request: { actor: ops, month: '2025-05', leaderUserId: USER }, response: { ...settlement, status: 'approved', approvedAt: LATER } },
  'rpc.leader-ops.settlement.mark-paid.v1': { request: { actor: ops, month: '2025-05', leaderUserId: USER }, response: { ...settlement, status: 'paid', approvedAt: LATER, paidAt: LATER } },
  'rpc.leader-ops.dashboard.get.v1': {
    request: { actor: leader },
    response: {
      month: '2025-06',
      customers: 40,
      activeRate: 0.5,
      repurchaseRate: 0.25,
      nps: 40,
      averageClvCents: 52_000,
      tagCompleteness: 0.6,
      score: 62.5,
      level: settlement.level,
      income: { soFarCents: 12_000, forecastCents: 36_000, lines: [{ kind: 'commission', amountCents: 12_000, explanation: '5% of 2,400.00', basis: {} }] },
    },
  },
  // ------------------------------------------------------------ local-services
  'rpc.local-services.provider.apply.v1': {
    request: { actor: resident, companyName: 'Anxin Housekeeping', contactPhone: '138 0013 8000', licenceRefs: [{ kind: 'business-licence', number: '91310000MA1FL0000X' }], categories: ['housekeeping'], compoundIds: ['compound-1'] },
    response: { ...serviceProvider, status: 'pending', decidedAt: null },
  },
  'rpc.local-services.provider.list.v1': { request: { actor: ops, status: 'pending' }, response: { providers: [serviceProvider] } },
  'rpc.local-services.provider.approve.v1': { request: { actor: ops, providerId: ID1 }, response: serviceProvider },
  'rpc.local-services.provider.reject.v1': {
    request: { actor: ops, providerId: ID1, reason: 'The licence number does not match the company.' },
    response: { ...serviceProvider, status: 'rejected', decisionReason: 'The licence number does not match the company.' },
  },
  'rpc.local-services.api-key.create.v1': { request: { actor: resident, providerId: ID1, scopes: ['catalog', 'bookings'], label: 'booking system' }, response: { ...apiKey, key: 'lsk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg' } },
  'rpc.local-services.api-key.list.v1': { request: { actor: resident, providerId: ID1 }, response: { keys: [apiKey] } },
  'rpc.local-services.api-key.rotate.v1': {
    request: { actor: resident, providerId: ID1, keyId: ID2, overlapSeconds: 3600 },
    response: { issued: { ...apiKey, keyId: ID3, key: 'lsk_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zyxwvut' }, previous: { ...apiKey, expiresAt: LATER } },
  },
  'rpc.local-services.api-key.revoke.v1': { request: { actor: resident, providerId: ID1, keyId: ID2 }, response: { ...apiKey, revokedAt: LATER } },
  'rpc.local-services.api-key.verify.v1': { request: { key: 'lsk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg' }, response: { providerId: ID1, keyId: ID2, scopes: ['catalog'] } },
  'rpc.local-services.offering.create.v1': {
    request: { partner, offering: { category: 'housekeeping', title: 'Deep clean, 2 hours', priceCents: 19_900, durationMinutes: 120, compoundIds: ['compound-1'], pointsPrice: 19_900 } },
    response: { ...serviceOffering, slots: [] },
  },
  'rpc.local-services.practitioner.create.v1': {
    request: { partner, name: 'Dr. Li', availability: [{ startsAt: AT, endsAt: LATER }] },
    response: { practitionerId: ID3, providerId: ID1, name: 'Dr. Li', availability: [{ startsAt: AT, endsAt: LATER }] },
  },
  'rpc.local-services.slot.create.v1': { request: { partner, offeringId: ID2, slots: [{ startsAt: LATER, capacity: 10 }] }, response: { slots: [serviceSlot] } },
  'rpc.local-services.partner-booking.list.v1': { request: { partner, status: 'paid' }, response: { bookings: [serviceBooking] } },
  'rpc.local-services.partner-booking.transition.v1': { request: { partner, bookingId: ID3, action: 'complete' }, response: { ...serviceBooking, status: 'completed' } },
  'rpc.local-services.webhook.create.v1': {
    request: { partner, url: 'https://provider.example.com/hooks', events: ['booking.created'] },
    response: { ...webhookEndpoint, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  },
  'rpc.local-services.webhook.list.v1': { request: { partner }, response: { endpoints: [webhookEndpoint] } },
  'rpc.local-services.webhook-delivery.list.v1': { request: { partner, status: 'delivered' }, response: { deliveries: [webhookDelivery] } },
  'rpc.local-services.webhook-delivery.replay.v1': { request: { partner, deliveryId: webhookDelivery.deliveryId }, response: { ...webhookDelivery, status: 'pending', nextAttemptAt: LATER } },
  'rpc.local-services.audit.list.v1': {
    request: { partner },
    response: { entries: [{ at: AT, keyId: ID2, actorUserId: null, action: 'booking.complete', target: ID3, outcome: 'ok', code: null }] },
  },
  'rpc.local-services.offering.browse.v1': { request: { actor: resident, category: 'housekeeping' }, response: { offerings: [serviceOffering] } },
  'rpc.local-services.booking.create.v1': { request: { actor: resident, place: { slotId: ID3 }, points: 2_000 }, response: serviceBooking },
  'rpc.local-services.booking.list.v1': { request: { actor: resident }, response: { bookings: [serviceBooking] } },
  'rpc.local-services.booking.cancel.v1': { request: { actor: resident, bookingId: ID3 }, response: { ...serviceBooking, status: 'cancelled' } },
  'rpc.local-services.booking.reschedule.v1': { request: { actor: resident, bookingId: ID3, slotId: ID2 }, response: serviceBooking },
  'rpc.local-services.booking.review.v1': {
    request: { actor: resident, bookingId: ID3, rating: 5, text: '准时，干净 On time and thorough' },
    response: { ...serviceBooking, status: 'completed', review: { rating: 5, text: '准时，干净 On time and thorough', createdAt: LATER } },
  },
  'rpc.local-services.payment.callback.v1': {
    request: { provider: 'dev', notification: { notificationId: 'devn_1', providerPaymentId: 'dev_1', merchantPaymentId: ID1, status: 'succeeded', amountCents: 17_900, occurredAt: AT }, signature: 'ab12' },
    response: { outcome: 'paid' },
  },
  'local-services.booking.created.v1': { data: bookingEvent },
  'local-services.booking.cancelled.v1': { data: { ...bookingEvent, cancelledBy: 'resident' } },
  'local-services.booking.rescheduled.v1': { data: { ...bookingEvent, previousStartsAt: AT, previousEndsAt: LATER } },
  'local-services.booking.completed.v1': { data: { ...bookingEvent, leaderUserId: OTHER_USER, leaderFeeBps: 500, leaderFeeCents: 995, completedAt: LATER } },
  'local-services.booking.reviewed.v1': { data: { ...bookingEvent, rating: 4 } },

  // ------------------------------------------------------------ orders
  'rpc.orders.category.upsert.v1': { request: { actor: ops, categoryId: 'fresh-vegetables', name: '新鲜蔬菜' }, response: category },
  'rpc.orders.category.list.v1': { request: { actor: resident }, response: { categories: [category, { categoryId: 'leafy-greens', name: '叶菜', parentId: 'fresh-vegetables' }] } },
  'rpc.orders.product.upsert.v1': {
    request: {
      actor: ops,
      product: {
        name: '有机菠菜',
        categoryId: 'fresh-vegetables',
        unit: '份',
        healthFlags: ['organic', 'high-fibre'],
        skus: [{ code: 'VEG-SPINACH-500', spec: '500 g', priceCents: 1290 }],
      },
    },
    response: product,
  },
  'rpc.orders.product.get.v1': { request: { actor: resident, productId: ID2 }, response: product },
  'rpc.orders.product.list.v1': { request: { actor: resident, categoryId: 'fresh-vegetables', healthFlag: 'organic', limit: 20 }, response: { products: [product], total: 1 } },
  'rpc.orders.bundle.upsert.v1': {
    request: { actor: ops, bundle: { name: '家庭蔬菜组合', priceCents: 2290, tags: ['family'], items: [{ skuId: ID1, quantity: 2 }] } },
    response: bundle,
  },
  'rpc.orders.bundle.list.v1': { request: { actor: resident }, response: { bundles: [bundle], total: 1 } },
  'rpc.orders.campaign.create.v1': {
    request: {
      actor: ops,
      campaign: {
        title: '周末鲜蔬团',
        startsAt: AT,
        cutoffAt: LATER,
        deliveryDate: '2025-06-03',
        minGroupSize: 3,
        targets: { compoundIds: ['compound-1'], pickupPointIds: [ID2] },
        offers: [
          { kind: 'sku', skuId: ID1, priceCents: 990, perCustomerLimit: 5 },
          { kind: 'bundle', bundleId: ID3, priceCents: 1990 },
        ],
        stock: [{ skuId: ID1, quantity: 100 }],
      },
    },
    response: { ...campaign, status: 'draft', publishedAt: null },
  },
  'rpc.orders.campaign.publish.v1': { request: { actor: ops, campaignId: ID1 }, response: campaign },
  'rpc.orders.campaign.get.v1': { request: { actor: resident, campaignId: ID1 }, response: campaign },
  'rpc.orders.campaign.list.v1': { request: { actor: ops, status: 'published', limit: 10, offset: 0 }, response: { campaigns: [campaign] } },
  'rpc.orders.campaign.ship.v1': { request: { actor: ops, campaignId: ID1, pickupPointIds: [ID2] }, response: { campaignId: ID1, shippedOrders: 12 } },
  'rpc.orders.campaign.sorting-list.v1': {
    request: { actor: leader, campaignId: ID1, pickupPointId: ID2 },
    response: {
      campaignId: ID1,
      pickupPointId: ID2,
      pickupPointName: '幸福里 3 号楼驿站',
      deliveryDate: '2025-06-03',
      campaignStatus: 'closed',
      preview: false,
      residents: [
        { userId: USER, displayName: '王阿姨', building: '3', orderIds: [ID3], pickupCodes: ['483920'], items: [{ skuId: ID1, productId: ID2, name: '有机菠菜', spec: '500 g', quantity: 2 }] },
      ],
      totals: [{ skuId: ID1, name: '有机菠菜', spec: '500 g', quantity: 2 }],
    },
  },
  'rpc.orders.campaign.purchase-summary.v1': {
    request: { actor: ops, campaignId: ID1, format: 'csv' },
    response: {
      campaignId: ID1,
      deliveryDate: '2025-06-03',
      skus: [{ skuId: ID1, code: 'VEG-SPINACH-500', productId: ID2, name: '有机菠菜', spec: '500 g', quantity: 40, pickupPoints: 3 }],
      csv: 'code,name,spec,quantity,pickup_points\nVEG-SPINACH-500,有机菠菜,500 g,40,3\n',
    },
  },
  'rpc.orders.order.place.v1': {
    request: { actor: resident, campaignId: ID1, idempotencyKey: 'place-order-0001', lines: [{ offerId: ID3, quantity: 2 }], expectedTotalCents: 1980, pointsToSpend: 300 },
    response: { ...order, status: 'pending_payment', paidCents: 0, transitions: order.transitions.slice(0, 1) },
  },
  'rpc.orders.order.place.batch.v1': {
    request: { items: [{ actor: resident, campaignId: ID1, idempotencyKey: 'place-order-0001', lines: [{ offerId: ID3, quantity: 2 }], expectedTotalCents: 1980 }, { actor: resident, campaignId: ID1, idempotencyKey: 'place-order-0002', lines: [{ offerId: ID3, quantity: 1 }] }] },
    response: { results: [{ ok: true, data: { ...order, status: 'pending_payment', paidCents: 0, transitions: order.transitions.slice(0, 1) } }, { ok: false, error: { code: 'ORDERS.STOCK_EXHAUSTED', message: 'sold out', traceId: 't' } }] },
  },
  'rpc.orders.merge-check.v1': { request: { actor: resident, sourceUserId: OTHER_USER, targetUserId: USER }, response: { openOrders: 2, openOrdersElsewhere: 1, pickupPointIds: [ID1] } },
  'rpc.orders.order.get.v1': { request: { actor: resident, orderId: ID3 }, response: order },
  'rpc.orders.order.list.v1': { request: { actor: leader, campaignId: ID1, pickupPointId: ID2, status: 'paid' }, response: { orders: [order], total: 1 } },
  'rpc.orders.order.cancel.v1': { request: { actor: resident, orderId: ID3, reason: 'ordered twice' }, response: { ...order, status: 'cancelled' } },
  'rpc.orders.order.pay.v1': {
    request: { actor: resident, orderId: ID3 },
    response: { paymentId: ID1, orderId: ID3, provider: 'fake-pay', providerPaymentId: 'fp_0001', amountCents: 1980, status: 'created', clientParams: { prepayId: 'wx0001' } },
  },
  'rpc.orders.order.pickup-code.v1': { request: { actor: resident, orderId: ID3 }, response: { orderId: ID3, code: '7K2M9Q', pickupPointId: ID2 } },
  'rpc.orders.pickup.scan.v1': { request: { actor: leader, code: '7K2M9Q' }, response: { ...order, status: 'picked_up' } },
  'rpc.orders.receipt.confirm.v1': {
    request: { actor: leader, campaignId: ID1, pickupPointId: ID2, shortages: [{ skuId: ID1, quantity: 1 }] },
    response: { campaignId: ID1, pickupPointId: ID2, receivedOrders: 12, refunds: [{ orderId: ID3, refundId: ID1, amountCents: 990 }], unallocated: [] },
  },
  'rpc.orders.refund.request.v1': {
    request: {
      actor: resident,
      orderId: ID3,
      refundKey: 'refund-0001',
      lines: [{ lineId: ID2, quantity: 1 }],
      description: 'Leaves were wilted.',
      photoUrls: ['https://img.example.com/complaint.jpg'],
    },
    response: refund,
  },
  'rpc.orders.refund-review.list.v1': {
    request: { actor: { userId: OTHER_USER, roles: ['leader'] }, status: 'pending_review', limit: 50, offset: 0 },
    response: { refunds: [{ ...reviewedRefund, pickupPointId: ID2, userId: USER }] },
  },
  'rpc.orders.refund-review.decide.v1': {
    request: { actor: { userId: OTHER_USER, roles: ['leader'] }, refundId: ID1, decision: 'approve', reason: 'Photos show the damage.' },
    response: { ...reviewedRefund, status: 'succeeded', review: { ...reviewedRefund.review, decidedBy: OTHER_USER, decidedAt: AT, decisionReason: 'Photos show the damage.' } },
  },
  'rpc.orders.refund.issue.v1': {
    request: { actor: ops, orderId: ID3, refundKey: 'ops-refund-0001', reason: 'cancellation' },
    response: { ...refund, refundKey: 'ops-refund-0001', reason: 'cancellation', amountCents: 1980, description: null, photoUrls: [], lines: [] },
  },
  'rpc.orders.refund.list.v1': { request: { actor: resident, orderId: ID3 }, response: { refunds: [refund] } },
  'rpc.orders.payment.callback.v1': {
    request: {
      provider: 'fake-pay',
      notification: { notificationId: 'notif-0001', providerPaymentId: 'fp_0001', merchantOrderId: ID3, status: 'succeeded', amountCents: 1980, occurredAt: AT },
      signature: 'a1'.repeat(32),
    },
    response: { accepted: true, outcome: 'paid' },
  },
  'orders.order.placed.v1': { data: { ...orderEvent, status: 'pending_payment', actor: { kind: 'resident', userId: USER }, expiresAt: LATER } },
  'orders.order.paid.v1': { data: { ...orderEvent, actor: { kind: 'payment', userId: null }, paymentId: ID1, paidCents: 1980 } },
  'orders.order.cancelled.v1': { data: { ...orderEvent, status: 'cancelled', reason: 'ordered twice' } },
  'orders.order.expired.v1': { data: { ...orderEvent, status: 'expired' } },
  'orders.order.locked.v1': { data: { ...orderEvent, status: 'locked' } },
  'orders.order.shipped.v1': { data: { ...orderEvent, status: 'shipped', actor: { kind: 'ops', userId: OPS_USER } } },
  'orders.order.received.v1': { data: { ...orderEvent, status: 'received', actor: { kind: 'leader', userId: USER }, shortages: [{ skuId: ID1, quantity: 1 }] } },
  'orders.order.picked-up.v1': { data: { ...orderEvent, status: 'picked_up', actor: { kind: 'leader', userId: USER } } },
  'orders.order.completed.v1': { data: { ...orderEvent, status: 'completed' } },
  'orders.order.refunded.v1': {
    data: { ...orderEvent, status: 'picked_up', refundId: ID1, reason: 'quality', amountCents: 990, refundedCents: 990, refundLines: [{ lineId: ID2, quantity: 1, amountCents: 990 }], pointsDiscountCents: 300 },
  },
  'orders.campaign.published.v1': {
    data: {
      campaignId: ID1,
      title: '周末鲜蔬团',
      startsAt: AT,
      cutoffAt: LATER,
      deliveryDate: '2025-06-03',
      compoundIds: ['compound-1'],
      pickupPointIds: [ID2],
      offers: [{ offerId: ID3, kind: 'sku', skuId: ID1, bundleId: null, productId: ID2, categoryId: 'fresh-vegetables', priceCents: 990, items: lineItems }],
      publishedAt: AT,
    },
  },
  'orders.campaign.closed.v1': {
    data: { campaignId: ID1, closedAt: LATER, lockedOrders: 12, cancelledOrders: 2, pickupPoints: [{ pickupPointId: ID2, customers: 12, minimumMet: true }] },
  },
  'orders.product.upserted.v1': {
    data: {
      productId: ID2,
      name: '有机菠菜',
      categoryId: 'fresh-vegetables',
      unit: '份',
      healthFlags: ['organic'],
      tags: ['leafy'],
      imageUrls: [],
      active: true,
      skus: [sku],
      updatedAt: AT,
    },
  },

  // ------------------------------------------------------------ recommendations
  'rpc.recommendations.behaviour.record.v1': {
    request: {
      actor: resident,
      events: [
        { eventId: ID1, kind: 'view', occurredAt: AT, productId: ID2, skuId: ID1, campaignId: ID3 },
        { eventId: ID2, kind: 'search', occurredAt: AT, query: '有机菠菜' },
        { eventId: ID3, kind: 'recommendation_click', occurredAt: LATER, skuId: ID1, position: 2, reason: 'repurchase' },
      ],
    },
    response: { accepted: 2, duplicates: 1, parked: 0 },
  },
  'rpc.recommendations.recommendation.list.v1': {
    request: { actor: resident, campaignId: ID1, limit: 10 },
    response: {
      userId: USER,
      personalised: true,
      campaignId: ID1,
      items: [
        { itemId: ID1, skuId: ID1, bundleId: null, productId: ID2, offerId: ID3, name: '有机菠菜 500 g', score: 1.2, reason: { kind: 'repurchase', text: 'you buy this every ~2 weeks' } },
        { itemId: `bundle:${ID3}`, skuId: null, bundleId: ID3, productId: null, offerId: null, name: null, score: 0.4, reason: { kind: 'bought_with', text: 'often bought with 鸡蛋', relatedItemId: ID2 } },
      ],
      modelFittedAt: AT,
      generatedAt: LATER,
    },
  },
  'rpc.recommendations.customer.assets.v1': {
    request: { actor: leader, userId: OTHER_USER },
    response: {
      userId: OTHER_USER,
      compoundId: 'compound-1',
      pickupPointId: ID2,
      consent: { profiling: true, marketing: null },
      rfm: { recencyDays: 3, frequency: 12, monetaryCents: 48_900, R: 5, F: 4, M: 4 },
      lifecycle: { stage: 'active', expectedGapDays: 7, gapRatio: 0.43 },
      predictions: { pAlive: 0.93, expectedPurchases90d: 8.2, clvCents: 152_000, churnRisk: 0.07, model: { fittedAt: AT, latestStatus: 'converged' } },
      tags: [
        { tag: 'has_infant', value: true, source: 'inferred', confidence: 0.82, evidence: [{ term: '奶粉', field: 'name', text: '婴儿奶粉 900g', productId: ID2, orders: 3, lines: 3 }] },
        { tag: 'elderly', value: false, source: 'declared', confidence: 1, evidence: [] },
      ],
      completeness: 0.29,
      computedAt: LATER,
    },
  },
  'rpc.recommendations.segment.create.v1': {
    request: { actor: leader, segment: { name: 'Young families at risk', rule: { all: [{ tag: 'has_children', eq: true }, { stage: ['at_risk'] }] } } },
    response: recommendationSegment,
  },
  'rpc.recommendations.segment.update.v1': {
    request: { actor: leader, segmentId: ID1, segment: { name: 'Young families at risk', description: 'win back', rule: { tag: 'has_children', eq: true } } },
    response: recommendationSegment,
  },
  'rpc.recommendations.segment.delete.v1': { request: { actor: ops, segmentId: ID1 }, response: { segmentId: ID1, deleted: true } },
  'rpc.recommendations.segment.get.v1': { request: { actor: leader, segmentId: ID1 }, response: recommendationSegment },
  'rpc.recommendations.segment.list.v1': { request: { actor: ops }, response: { segments: [recommendationSegment] } },
  'rpc.recommendations.segment.members.v1': {
    request: { actor: leader, segmentId: ID1, limit: 50, offset: 0 },
    response: {
      segmentId: ID1,
      evaluatedAt: LATER,
      total: 1,
      members: [{ userId: OTHER_USER, compoundId: 'compound-1', pickupPointId: ID2, stage: 'at_risk', clvCents: 52_000, churnRisk: 0.41 }],
    },
  },
  'rpc.recommendations.insights.compound.v1': {
    request: { actor: leader, compoundId: 'compound-1', from: '2025-01-01', to: '2025-06-30' },
    response: {
      compoundId: 'compound-1',
      from: '2025-01-01',
      to: '2025-06-30',
      customers: 120,
      tagCompleteness: 0.31,
      household: [{ tag: 'has_infant', declared: 20, inferred: 26, share: 0.38 }],
      categories: [
        { category: 'baby-food', revenueCents: 1_250_000, orders: 310, customers: 44, monthly: [{ month: '2025-05', revenueCents: 200_000, orders: 50 }], monthlyGrowth: 0.12 },
      ],
      boughtTogether: [
        { antecedent: { itemId: ID1, name: '有机菠菜' }, consequent: { itemId: ID2, name: null }, count: 14, support: 0.05, confidence: 0.4, lift: 3.2 },
      ],
      suggestions: [
        {
          kind: 'household_kit',
          title: 'Propose a baby-food kit',
          evidence: '38% of households have children under 3 and baby-food sales grow 12% a month',
          metrics: { householdShare: 0.38, monthlyGrowth: 0.12 },
        },
      ],
    },
  },
  'rpc.recommendations.metrics.assets.v1': {
    request: { actor: leader, pickupPointId: ID2, from: '2025-01-01', to: '2025-06-30' },
    response: {
      scope: { kind: 'pickup-point', id: ID2 },
      from: '2025-01-01',
      to: '2025-06-30',
      customers: 80,
      orders: 420,
      revenueCents: 3_150_000,
      repurchaseRate: 0.71,
      crossPurchaseRate: 0.55,
      arpuCents: 39_375,
      ltv: {
        customers: 80,
        meanCents: 61_000,
        percentilesCents: { p10: 5_000, p25: 15_000, p50: 42_000, p75: 80_000, p90: 150_000 },
        histogram: [
          { fromCents: 0, toCents: 10_000, customers: 14 },
          { fromCents: 10_000, toCents: null, customers: 66 },
        ],
      },
      nps: { value: null, note: 'no survey events yet' },
      kFactor: { value: 0.05, note: null },
      kFactorByMonth: [{ month: '2025-06', invitesSent: 12, signUps: 5, conversions: 4, customers: 80, kFactor: 0.05 }],
      cohorts: [{ cohort: '2025-01', size: 30, retention: [1, 0.6, 0.5] }],
      notes: [],
    },
  },
  'rpc.recommendations.backtest.latest.v1': { request: { actor: ops }, response: { backtest: recommendationBacktest } },
  'rpc.recommendations.backtest.run.v1': { request: { actor: ops, asOf: '2025-06-30', holdoutDays: 90 }, response: { backtest: recommendationBacktest } },
  'rpc.recommendations.assets.refresh.v1': {
    request: { actor: ops },
    response: { customers: 2_357, asOf: '2025-06-30', bgnbd: 'converged', gammaGamma: 'kept-previous', computedAt: LATER },
  },
  'recommendations.customer.assets-changed.v1': {
    data: { userId: USER, stage: 'at_risk', churnRisk: 0.72, clvCents: 48_000, completeness: 0.5, tags: [{ tag: 'has_children', value: true, source: 'inferred', confidence: 0.8 }], asOf: '2025-06-30' },
  },
};

// ---------------------------------------------------------------- helpers

const SAMPLES_FILE = 'libs/shared/contracts/src/contracts.spec.ts';

/** Parses `value`, sends the result through JSON as it travels over NATS, and parses it again on the other side. */
function roundTrip(schema: z.ZodType, value: unknown): { sent: unknown; received: unknown } {
  const sent = schema.parse(value);
  const wire = JSON.stringify(sent);
  return { sent, received: schema.parse(JSON.parse(wire)) };
}

/** A value of the wrong JSON type for the given one (string ↔ number, object ↔ string, …). */
function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'not a number';
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return { not: 'an array' };
  if (value === null) return 12345;
  return 'not an object';
}

/** Top-level fields of `sample` that, given a value of the wrong type, are still accepted. */
function acceptedWrongTypes(schema: z.ZodType, sample: unknown): string[] {
  if (!sample || typeof sample !== 'object' || Array.isArray(sample)) return [];
  return Object.entries(sample as Record<string, unknown>)
    .filter(([key, value]) => schema.safeParse({ ...(sample as object), [key]: wrongType(value) }).success)
    .map(([key]) => key);
}

/**
 * Keys of the sample that parsing dropped (paths like `lines.0.sku`): a sample field the schema does
 * not know, so the sample no longer says what it seems to (usually a renamed field).
 */
function droppedKeys(sample: unknown, parsed: unknown, path = ''): string[] {
  if (Array.isArray(sample) && Array.isArray(parsed)) {
    return sample.flatMap((item, i) => droppedKeys(item, parsed[i], `${path}${i}.`));
  }
  if (!sample || typeof sample !== 'object' || !parsed || typeof parsed !== 'object') return [];
  return Object.entries(sample as Record<string, unknown>).flatMap(([key, value]) =>
    key in (parsed as object) ? droppedKeys(value, (parsed as Record<string, unknown>)[key], `${path}${key}.`) : [`${path}${key}`],
  );
}

function isRpcSample(sample: RpcSample | EventSample | undefined): sample is RpcSample {
  return !!sample && 'request' in sample && 'response' in sample;
}
function isEventSample(sample: RpcSample | EventSample | undefined): sample is EventSample {
  return !!sample && 'data' in sample;
}

const rpcSubjects = rpcContracts.map((c) => c.subject);
const eventSubjects = eventContracts.map((c) => c.subject);
const allSubjects = [...rpcSubjects, ...eventSubjects];

// ---------------------------------------------------------------- the registry

describe('contract registry', () => {
  it('has a sample payload for every subject', () => {
    const missing = allSubjects.filter((subject) => !(subject in SAMPLES));
    if (missing.length > 0) {
      throw new Error(
        `${missing.length} subject(s) have no sample payload. Add a valid one for each to SAMPLES in ${SAMPLES_FILE}:\n` +
          missing.map((subject) => `  - ${subject} (${rpcSubjects.includes(subject) ? "RPC: { request, response }" : 'event: { data }'})`).join('\n'),
      );
    }
  });

  it('has no samples for subjects that no longer exist', () => {
    const stale = Object.keys(SAMPLES).filter((subject) => !allSubjects.includes(subject));
    if (stale.length > 0) {
      throw new Error(`SAMPLES in ${SAMPLES_FILE} has entries for subjects the registry does not know (renamed or removed?):\n${stale.map((s) => `  - ${s}`).join('\n')}`);
    }
  });

  it('holds each subject once, across RPC and events', () => {
    const seen = new Map<string, number>();
    for (const subject of allSubjects) seen.set(subject, (seen.get(subject) ?? 0) + 1);
    expect([...seen].filter(([, count]) => count > 1).map(([subject]) => subject)).toEqual([]);
    expect(registry.rpc.size).toBe(rpcContracts.length);
    expect(registry.event.size).toBe(eventContracts.length);
  });

  it('keeps RPC and event contracts apart and indexes each by its subject', () => {
    for (const contract of rpcContracts) {
      expect(contract.kind).toBe('rpc');
      expect(registry.rpc.get(contract.subject)).toBe(contract);
    }
    for (const contract of eventContracts) {
      expect(contract.kind).toBe('event');
      expect(registry.event.get(contract.subject)).toBe(contract);
    }
  });

  it('names RPC subjects rpc.<service>.<entity>.<action>.vN after a known service', () => {
    const bad = rpcSubjects.filter((subject) => {
      const match = /^rpc\.([a-z-]+)\.[a-z-]+(\.[a-z-]+)*\.v[1-9]\d*$/.exec(subject);
      return !match || !(SERVICE_NAMES as readonly string[]).includes(match[1]!);
    });
    expect(bad).toEqual([]);
  });

  it('names event subjects <domain>.<entity>.<event>.vN after the publishing service', () => {
    const bad = eventSubjects.filter((subject) => {
      const match = /^([a-z-]+)\.[a-z-]+\.[a-z-]+\.v[1-9]\d*$/.exec(subject);
      return !match || !(SERVICE_NAMES as readonly string[]).includes(match[1]!) || match[1] === 'gateway';
    });
    expect(bad).toEqual([]);
  });
});

// ---------------------------------------------------------------- every RPC subject

describe.each(rpcContracts.map((contract) => [contract.subject, contract] as const))('%s', (subject, contract) => {
  const sample = SAMPLES[subject];

  it('has an RPC sample ({ request, response })', () => {
    if (!isRpcSample(sample)) throw new Error(`add { request, response } for ${subject} to SAMPLES in ${SAMPLES_FILE}`);
  });

  if (!isRpcSample(sample)) return;

  it('accepts the sample request and it survives the JSON round trip unchanged', () => {
    const { sent, received } = roundTrip(contract.request, sample.request);
    expect(droppedKeys(sample.request, sent)).toEqual([]);
    expect(JSON.parse(JSON.stringify(sent))).toStrictEqual(sent);
    expect(received).toStrictEqual(sent);
  });

  it('accepts the sample response and it survives the JSON round trip unchanged', () => {
    const { sent, received } = roundTrip(contract.response, sample.response);
    expect(droppedKeys(sample.response, sent)).toEqual([]);
    expect(JSON.parse(JSON.stringify(sent))).toStrictEqual(sent);
    expect(received).toStrictEqual(sent);
  });

  it('rejects invalid requests and responses', () => {
    for (const schema of [contract.request, contract.response]) {
      expect(schema.safeParse(null).success).toBe(false);
      expect(schema.safeParse('a string').success).toBe(false);
    }
    expect(acceptedWrongTypes(contract.request, sample.request)).toEqual([]);
    expect(acceptedWrongTypes(contract.response, sample.response)).toEqual([]);
  });
});

// ---------------------------------------------------------------- every event subject

describe.each(eventContracts.map((contract) => [contract.subject, contract] as const))('%s', (subject, contract) => {
  const sample = SAMPLES[subject];

  it('has an event sample ({ data })', () => {
    if (!isEventSample(sample)) throw new Error(`add { data } for ${subject} to SAMPLES in ${SAMPLES_FILE}`);
  });

  if (!isEventSample(sample)) return;

  it('accepts the sample and it survives the outbox → JetStream → consumer round trip unchanged', () => {
    const { sent, received } = roundTrip(contract.data, sample.data);
    expect(droppedKeys(sample.data, sent)).toEqual([]);
    expect(JSON.parse(JSON.stringify(sent))).toStrictEqual(sent);
    expect(received).toStrictEqual(sent);
    const envelope = { id: ID1, subject, occurredAt: AT, source: subject.split('.')[0], data: sent };
    const delivered = EventEnvelopeSchema.parse(JSON.parse(JSON.stringify(envelope)));
    expect(contract.data.parse(delivered.data)).toStrictEqual(sent);
  });

  it('rejects invalid payloads', () => {
    expect(contract.data.safeParse(null).success).toBe(false);
    expect(contract.data.safeParse([]).success).toBe(false);
    expect(acceptedWrongTypes(contract.data, sample.data)).toEqual([]);
  });
});

// ---------------------------------------------------------------- envelopes and errors

describe('error codes', () => {
  it('are unique and look like AREA.NAME', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES.filter((code) => !/^[A-Z][A-Z_]*\.[A-Z][A-Z_]*$/.test(code))).toEqual([]);
  });
});

describe('ErrorEnvelopeSchema', () => {
  const envelope: ErrorEnvelope = { code: 'ORDERS.STOCK_EXHAUSTED', message: 'sold out', details: { skuId: ID1, remaining: 0 }, traceId: 'a'.repeat(32) };

  it('accepts every error code', () => {
    for (const code of ERROR_CODES) expect(ErrorEnvelopeSchema.safeParse({ code, message: 'm', traceId: 't' }).success).toBe(true);
  });

  it('round-trips through JSON with and without details', () => {
    expect(ErrorEnvelopeSchema.parse(JSON.parse(JSON.stringify(envelope)))).toStrictEqual(envelope);
    const { details: _details, ...bare } = envelope;
    const parsed = ErrorEnvelopeSchema.parse(JSON.parse(JSON.stringify(bare)));
    expect(parsed).toStrictEqual(bare);
    expect('details' in parsed).toBe(false);
  });

  it('rejects unknown codes and missing fields', () => {
    expect(ErrorEnvelopeSchema.safeParse({ ...envelope, code: 'ORDERS.NO_SUCH_CODE' }).success).toBe(false);
    expect(ErrorEnvelopeSchema.safeParse({ ...envelope, code: 'COMMON.internal' }).success).toBe(false);
    for (const key of ['code', 'message', 'traceId'] as const) {
      const { [key]: _omitted, ...rest } = envelope;
      expect(ErrorEnvelopeSchema.safeParse(rest).success).toBe(false);
    }
    expect(ErrorEnvelopeSchema.safeParse({ ...envelope, message: 42 }).success).toBe(false);
  });
});

describe('RpcReplySchema', () => {
  it('carries data on success and the envelope on failure', () => {
    const ok = { ok: true, data: { revoked: true } };
    const failed = { ok: false, error: { code: 'AUTH.FORBIDDEN', message: 'no', traceId: 'abc' } };
    expect(RpcReplySchema.parse(JSON.parse(JSON.stringify(ok)))).toStrictEqual(ok);
    expect(RpcReplySchema.parse(JSON.parse(JSON.stringify(failed)))).toStrictEqual(failed);
  });

  it('rejects a failure without a valid envelope and a reply without ok', () => {
    expect(RpcReplySchema.safeParse({ ok: false, error: { code: 'NOPE', message: 'x', traceId: 't' } }).success).toBe(false);
    expect(RpcReplySchema.safeParse({ ok: false }).success).toBe(false);
    expect(RpcReplySchema.safeParse({ data: 1 }).success).toBe(false);
  });
});

describe('EventEnvelopeSchema', () => {
  const envelope = { id: ID1, subject: 'identity.user.erased.v1', occurredAt: AT, source: 'identity', data: { userId: USER, erasedAt: AT } };

  it('round-trips through JSON', () => {
    expect(EventEnvelopeSchema.parse(JSON.parse(JSON.stringify(envelope)))).toStrictEqual(envelope);
  });

  it('needs a uuid id (the JetStream message id) and an ISO time', () => {
    expect(EventEnvelopeSchema.safeParse({ ...envelope, id: 'event-1' }).success).toBe(false);
    expect(EventEnvelopeSchema.safeParse({ ...envelope, occurredAt: '2025-06-01 08:30' }).success).toBe(false);
    expect(EventEnvelopeSchema.safeParse({ ...envelope, occurredAt: '2025-06-01T16:30:00+08:00' }).success).toBe(true);
  });
});

describe('LinliError', () => {
  it('survives error → envelope → JSON → envelope → error with code, message, details and trace id', () => {
    const original = new LinliError('ORDERS.LIMIT_EXCEEDED', 'at most 5 per customer', { offerId: ID3, limit: 5 });
    const envelope = original.toEnvelope('f'.repeat(32));
    const received = LinliError.fromEnvelope(ErrorEnvelopeSchema.parse(JSON.parse(JSON.stringify(envelope))));
    expect(received).toBeInstanceOf(LinliError);
    expect(received).toBeInstanceOf(Error);
    expect(isLinliError(received)).toBe(true);
    expect(received.name).toBe('LinliError');
    expect(received.code).toBe('ORDERS.LIMIT_EXCEEDED');
    expect(received.message).toBe('at most 5 per customer');
    expect(received.details).toStrictEqual({ offerId: ID3, limit: 5 });
    expect(received.traceId).toBe('f'.repeat(32));
    // Passed on again, it keeps the trace it came from.
    expect(received.toEnvelope('0'.repeat(32))).toStrictEqual(envelope);
  });

  it('leaves details out of the envelope when there are none', () => {
    const envelope = new LinliError('AUTH.FORBIDDEN', 'ops only').toEnvelope('abc');
    expect(envelope).toStrictEqual({ code: 'AUTH.FORBIDDEN', message: 'ops only', traceId: 'abc' });
    expect(ErrorEnvelopeSchema.safeParse(envelope).success).toBe(true);
  });

  it('is told apart from other errors', () => {
    expect(isLinliError(new Error('x'))).toBe(false);
    expect(isLinliError({ code: 'AUTH.FORBIDDEN', message: 'x' })).toBe(false);
  });
});

describe('fieldIssues', () => {
  it('reports dotted paths, and (root) for the value itself', () => {
    const actorRequest = rpcContracts.find((c) => c.subject === 'rpc.identity.role.grant.v1')!.request;
    const result = actorRequest.safeParse({ actor: { userId: 'nope', roles: [] }, userId: USER, role: 'king' });
    expect(result.success).toBe(false);
    const paths = fieldIssues(result.error!).map((issue) => issue.path).sort();
    expect(paths).toEqual(['actor.roles', 'actor.userId', 'role']);
    const root = actorRequest.safeParse('x');
    expect(fieldIssues(root.error!)).toEqual([{ path: '(root)', message: expect.any(String) }]);
  });
});
