import { randomUUID } from 'node:crypto';
import { LinliError, communities as c, type RpcContract } from '@linli/contracts';
import { actorOf, http, routeContractSuite, tokenFor, type RouteCase } from '../gateway.test-harness.js';
import { communitiesRoutes } from './communities.routes.js';

const [communityId, postId, eventId, proposalId, surveyId, someone] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const now = () => new Date().toISOString();
const later = (hours = 1) => new Date(Date.now() + hours * 3_600_000).toISOString();

const community = (userId: string) => ({
  communityId,
  name: '轻食生活圈',
  description: '',
  scope: 'city',
  compoundId: null,
  pickupPointId: null,
  tags: ['light-food'],
  memberCount: 3,
  createdBy: userId,
  createdAt: now(),
  myRole: 'member',
});
const member = (userId: string) => ({ userId, displayName: '王阿姨', role: 'member', joinedAt: now() });
const post = (userId: string) => ({
  postId,
  communityId,
  authorUserId: userId,
  authorName: '王阿姨',
  body: 'hello',
  imageRefs: [],
  linkedSkuId: null,
  linkedCampaignId: null,
  status: 'visible',
  reactions: {},
  commentCount: 0,
  openReports: 0,
  createdAt: now(),
});
const event = (userId: string) => ({
  eventId,
  communityId: null,
  title: '轻食分享会',
  description: '',
  startsAt: later(),
  endsAt: later(),
  pickupPointId: null,
  address: 'Gate 2',
  compoundId: null,
  capacity: 10,
  waitlistCapacity: 100,
  confirmed: 0,
  waitlisted: 0,
  organiserUserId: userId,
  checkInCode: null,
  createdAt: now(),
});
const rsvp = (userId: string, status = 'confirmed') => ({ eventId, userId, status, waitlistPosition: null, createdAt: now(), confirmedAt: now(), checkedInAt: null });
const proposal = (userId: string) => ({
  proposalId,
  communityId: null,
  proposerUserId: userId,
  kind: 'new-product',
  title: '低糖全麦面包',
  description: '',
  productId: null,
  status: 'open',
  votes: 0,
  feedback: { round: 1, responses: 0, meanTaste: null, medianPriceCents: null, packSizes: {} },
  feedbackRounds: [{ round: 1, responses: 0, meanTaste: null, medianPriceCents: null, packSizes: {} }],
  skuIds: [],
  campaignId: null,
  launchedAt: null,
  conversion: null,
  myVote: false,
  createdAt: now(),
});
const survey = { surveyId, kind: 'generic', title: 't', question: 'q', scored: false, compoundId: null, createdAt: now() };

const replies: [RpcContract, (req: any) => unknown][] = [
  [c.createCommunity, (req) => community(req.actor.userId)],
  [c.listCommunities, (req) => ({ communities: [community(req.actor.userId)] })],
  [c.getCommunity, (req) => community(req.actor.userId)],
  [c.joinCommunity, (req) => ({ community: community(someone), member: member(req.actor.userId) })],
  [c.leaveCommunity, (req) => ({ communityId: req.communityId, left: true })],
  [c.listMembers, (req) => ({ members: [member(req.actor.userId)] })],
  [c.appointModerator, (req) => ({ ...member(req.userId), role: 'moderator' })],
  [c.inviteMembers, () => ({ invited: 2 })],
  [c.suggestCommunities, () => ({ suggestions: [{ community: community(someone), score: 2, reasons: ['you told us: light-food'] }], usedInferredTags: false })],
  [c.createPost, (req) => post(req.actor.userId)],
  [c.listPosts, () => ({ posts: [post(someone)] })],
  [c.getPost, () => ({ post: post(someone), comments: [] })],
  [c.addComment, (req) => ({ commentId: randomUUID(), postId: req.postId, authorUserId: req.actor.userId, authorName: '李叔', body: req.body, createdAt: now() })],
  [c.react, (req) => ({ postId: req.postId, reactions: { [req.kind]: 1 } })],
  [c.reportPost, (req) => ({ reportId: randomUUID(), postId: req.postId, openReports: 1 })],
  [c.moderationQueue, () => ({ items: [{ post: post(someone), reasons: ['spam'] }] })],
  [c.moderatePost, (req) => ({ ...post(someone), status: req.action === 'hide' ? 'hidden' : 'visible' })],
  [c.banMember, (req) => ({ communityId: req.communityId, userId: req.userId, until: req.until })],
  [c.moderationAudit, () => ({ entries: [] })],
  [c.createEvent, (req) => ({ ...event(req.actor.userId), checkInCode: '123456' })],
  [c.listEvents, () => ({ events: [event(someone)] })],
  [c.getEvent, (req) => ({ event: event(someone), myRsvp: rsvp(req.actor.userId) })],
  [c.rsvp, (req) => rsvp(req.actor.userId)],
  [c.cancelRsvp, (req) => ({ rsvp: rsvp(req.actor.userId, 'cancelled'), promotedUserId: null })],
  [c.checkIn, (req) => ({ ...rsvp(req.actor.userId), checkedInAt: now() })],
  [c.listRsvps, (req) => ({ rsvps: [{ ...rsvp(req.actor.userId), displayName: '王阿姨' }] })],
  [c.myEvents, (req) => ({ rsvps: [{ ...rsvp(req.actor.userId), title: 'x', startsAt: now() }] })],
  [c.createProposal, (req) => proposal(req.actor.userId)],
  [c.listProposals, () => ({ proposals: [proposal(someone)] })],
  [c.getProposal, () => proposal(someone)],
  [c.voteProposal, () => ({ ...proposal(someone), votes: 1, myVote: true })],
  [c.giveFeedback, () => proposal(someone)],
  [c.nextFeedbackRound, () => proposal(someone)],
  [c.launchProposal, (req) => ({ ...proposal(someone), status: 'launched', skuIds: req.skuIds, campaignId: req.campaignId, launchedAt: now() })],
  [c.createSurvey, () => survey],
  [c.pendingSurveys, () => ({ surveys: [{ ...survey, trigger: 'ops', offeredAt: now() }] })],
  [c.answerSurvey, (req) => ({ responseId: randomUUID(), surveyId: req.surveyId, score: req.score ?? null, reason: req.reason ?? null, trigger: 'pickup', answeredAt: now() })],
];

const cp = `/v1/communities/${communityId}`;
const cases: Record<string, RouteCase> = {
  'POST /v1/communities': { body: { name: '轻食生活圈', scope: 'city', tags: ['light-food'] }, bad: { body: { name: '轻食生活圈', scope: 'street' }, field: 'body.scope' } },
  'GET /v1/communities': { query: '?compoundId=compound-1&limit=5', bad: { query: '?limit=0', field: 'query.limit' } },
  'GET /v1/communities/:communityId': { path: cp, bad: { path: '/v1/communities/nope', field: 'params.communityId' } },
  'POST /v1/communities/:communityId/members': { path: `${cp}/members`, bad: { path: '/v1/communities/nope/members', field: 'params.communityId' } },
  'DELETE /v1/communities/:communityId/members/me': { path: `${cp}/members/me`, bad: { path: '/v1/communities/nope/members/me', field: 'params.communityId' } },
  'GET /v1/communities/:communityId/members': { path: `${cp}/members`, query: '?limit=10', bad: { path: `${cp}/members`, query: '?phone=1', field: 'query.phone' } },
  'PUT /v1/communities/:communityId/moderators/:userId': { path: `${cp}/moderators/${someone}`, bad: { path: `${cp}/moderators/42`, field: 'params.userId' } },
  'POST /v1/communities/:communityId/invitations': { path: `${cp}/invitations`, body: { segment: 'bound-customers' }, bad: { path: `${cp}/invitations`, body: { segment: 'everyone' }, field: 'body.segment' } },
  'GET /v1/me/community-suggestions': { query: '?limit=5', bad: { query: '?limit=99', field: 'query.limit' } },
  'POST /v1/communities/:communityId/posts': { path: `${cp}/posts`, body: { body: '今天的沙拉', imageRefs: ['posts/a.jpg'] }, bad: { path: `${cp}/posts`, body: { body: '  ' }, field: 'body.body' } },
  'GET /v1/communities/:communityId/posts': { path: `${cp}/posts`, bad: { path: `${cp}/posts`, query: '?limit=-1', field: 'query.limit' } },
  'GET /v1/posts/:postId': { path: `/v1/posts/${postId}`, bad: { path: '/v1/posts/1', field: 'params.postId' } },
  'POST /v1/posts/:postId/comments': { path: `/v1/posts/${postId}/comments`, body: { body: '收藏' }, bad: { path: `/v1/posts/${postId}/comments`, body: {}, field: 'body.body' } },
  'PUT /v1/posts/:postId/reactions/:kind': { path: `/v1/posts/${postId}/reactions/like`, bad: { path: `/v1/posts/${postId}/reactions/hate`, field: 'params.kind' } },
  'POST /v1/posts/:postId/reports': { path: `/v1/posts/${postId}/reports`, body: { reason: 'spam' }, bad: { path: `/v1/posts/${postId}/reports`, body: { reason: '' }, field: 'body.reason' } },
  'GET /v1/communities/:communityId/moderation-queue': { path: `${cp}/moderation-queue`, bad: { path: '/v1/communities/x/moderation-queue', field: 'params.communityId' } },
  'POST /v1/posts/:postId/moderation': { path: `/v1/posts/${postId}/moderation`, body: { action: 'hide', reason: 'spam' }, bad: { path: `/v1/posts/${postId}/moderation`, body: { action: 'delete' }, field: 'body.action' } },
  'POST /v1/communities/:communityId/bans': {
    path: `${cp}/bans`,
    body: { userId: someone, until: later(), reason: 'spam' },
    bad: { path: `${cp}/bans`, body: { userId: someone, until: 'tomorrow', reason: 'spam' }, field: 'body.until' },
  },
  'GET /v1/communities/:communityId/audit': { path: `${cp}/audit`, bad: { path: '/v1/communities/x/audit', field: 'params.communityId' } },
  'POST /v1/events': {
    body: { title: '轻食分享会', startsAt: later(), endsAt: later(2), address: 'Gate 2', capacity: 10 },
    bad: { body: { title: '轻食分享会', startsAt: later(), endsAt: later(), address: 'Gate 2', capacity: 0 }, field: 'body.capacity' },
  },
  'GET /v1/events': { query: `?communityId=${communityId}&upcoming=false`, bad: { query: '?upcoming=maybe', field: 'query.upcoming' } },
  'GET /v1/events/:eventId': { path: `/v1/events/${eventId}`, bad: { path: '/v1/events/1', field: 'params.eventId' } },
  'POST /v1/events/:eventId/rsvps': { path: `/v1/events/${eventId}/rsvps`, bad: { path: '/v1/events/1/rsvps', field: 'params.eventId' } },
  'DELETE /v1/events/:eventId/rsvps/me': { path: `/v1/events/${eventId}/rsvps/me`, bad: { path: '/v1/events/1/rsvps/me', field: 'params.eventId' } },
  'POST /v1/events/:eventId/check-ins': { path: `/v1/events/${eventId}/check-ins`, body: { code: '123456' }, bad: { path: `/v1/events/${eventId}/check-ins`, body: { code: '12ab' }, field: 'body.code' } },
  'GET /v1/events/:eventId/rsvps': { path: `/v1/events/${eventId}/rsvps`, query: '?limit=50', bad: { path: `/v1/events/${eventId}/rsvps`, query: '?limit=0', field: 'query.limit' } },
  'GET /v1/me/events': { query: '?limit=3', bad: { query: '?limit=x', field: 'query.limit' } },
  'POST /v1/proposals': { body: { title: '低糖全麦面包' }, bad: { body: { title: '' }, field: 'body.title' } },
  'GET /v1/proposals': { query: '?status=open', bad: { query: '?status=closed', field: 'query.status' } },
  'GET /v1/proposals/:proposalId': { path: `/v1/proposals/${proposalId}`, bad: { path: '/v1/proposals/1', field: 'params.proposalId' } },
  'POST /v1/proposals/:proposalId/votes': { path: `/v1/proposals/${proposalId}/votes`, bad: { path: '/v1/proposals/1/votes', field: 'params.proposalId' } },
  'POST /v1/proposals/:proposalId/feedback': {
    path: `/v1/proposals/${proposalId}/feedback`,
    body: { taste: 4, priceCents: 1590, packSize: '400 g' },
    bad: { path: `/v1/proposals/${proposalId}/feedback`, body: { taste: 6, priceCents: 1590, packSize: '400 g' }, field: 'body.taste' },
  },
  'POST /v1/ops/proposals/:proposalId/feedback-rounds': { path: `/v1/ops/proposals/${proposalId}/feedback-rounds`, bad: { path: '/v1/ops/proposals/1/feedback-rounds', field: 'params.proposalId' } },
  'POST /v1/ops/proposals/:proposalId/launch': {
    path: `/v1/ops/proposals/${proposalId}/launch`,
    body: { skuIds: [randomUUID()], campaignId: randomUUID() },
    bad: { path: `/v1/ops/proposals/${proposalId}/launch`, body: { skuIds: [], campaignId: randomUUID() }, field: 'body.skuIds' },
  },
  'POST /v1/ops/surveys': { body: { title: '取货时间', question: '几点？' }, bad: { body: { title: '取货时间' }, field: 'body.question' } },
  'GET /v1/me/surveys': { bad: { query: '?all=1', field: 'query.all' } },
  'POST /v1/surveys/:surveyId/responses': { path: `/v1/surveys/${surveyId}/responses`, body: { score: 9, reason: '好' }, bad: { path: `/v1/surveys/${surveyId}/responses`, body: { score: 11 }, field: 'body.score' } },
};

const suite = routeContractSuite({ name: 'communities', routes: communitiesRoutes, cases, replies, replyMayCarryCode: true });

describe('route specifics', () => {
  it('answers an RSVP with 201 and its status, and a second RSVP with 409 and its code', async () => {
    const resident = tokenFor(['resident']);
    const first = await http(suite.running.url, 'POST', `/v1/events/${eventId}/rsvps`, { token: resident });
    expect([first.status, first.body.status]).toEqual([201, 'confirmed']);
    expect(suite.fakes.lastCall(c.rsvp.subject)?.payload).toEqual({ actor: actorOf(resident), eventId });
    suite.fakes.override(c.rsvp, () => {
      throw new LinliError('COMMUNITIES.ALREADY_RSVPED', 'you already RSVPed (confirmed)', { eventId, status: 'confirmed' });
    });
    const second = await http(suite.running.url, 'POST', `/v1/events/${eventId}/rsvps`, { token: resident });
    expect([second.status, second.body.code]).toEqual([409, 'COMMUNITIES.ALREADY_RSVPED']);
  });

  it('refuses an event ending before it starts and a community of the wrong shape with 400, not a failed call', async () => {
    const ev = await http(suite.running.url, 'POST', '/v1/events', { token: tokenFor(['resident']), body: { title: 'x', startsAt: later(2), endsAt: later(1), address: 'Gate 2', capacity: 3 } });
    expect([ev.status, ev.body.details.fields.map((f: { path: string }) => f.path)]).toEqual([400, ['body.endsAt']]);
    const cm = await http(suite.running.url, 'POST', '/v1/communities', { token: tokenFor(['ops']), body: { name: 'x', scope: 'compound' } });
    expect([cm.status, cm.body.details.fields.map((f: { path: string }) => f.path)]).toEqual([400, ['body.compoundId']]);
    expect(suite.fakes.calls).toHaveLength(0);
  });

  it('refuses an NPS score out of range with 400 and a code before calling the service', async () => {
    for (const score of [-1, 11, 7.5]) {
      const res = await http(suite.running.url, 'POST', `/v1/surveys/${c.NPS_SURVEY_ID}/responses`, { token: tokenFor(['resident']), body: { score } });
      expect([score, res.status, res.body.code]).toEqual([score, 400, 'COMMON.VALIDATION_FAILED']);
    }
    expect(suite.fakes.calls).toHaveLength(0);
  });

  it("maps the communities' error codes to HTTP statuses", async () => {
    const expectations: [string, number][] = [
      ['COMMUNITIES.EVENT_FULL', 409],
      ['COMMUNITIES.EVENT_PAST', 409],
      ['COMMUNITIES.BANNED', 403],
      ['COMMUNITIES.EVENT_NOT_FOUND', 404],
    ];
    for (const [code, status] of expectations) {
      suite.fakes.override(c.rsvp, () => {
        throw new LinliError(code as 'COMMUNITIES.EVENT_FULL', 'refused', { eventId });
      });
      const res = await http(suite.running.url, 'POST', `/v1/events/${eventId}/rsvps`, { token: tokenFor(['resident']) });
      expect([code, res.status, res.body.code]).toEqual([code, status, code]);
    }
    for (const [code, status] of [
      ['COMMUNITIES.POST_RATE_LIMITED', 429],
      ['COMMUNITIES.NOT_MEMBER', 403],
    ] as const) {
      suite.fakes.override(c.createPost, () => {
        throw new LinliError(code, 'refused');
      });
      const res = await http(suite.running.url, 'POST', `${cp}/posts`, { token: tokenFor(['resident']), body: { body: 'hi' } });
      expect([code, res.status]).toEqual([code, status]);
    }
    suite.fakes.override(c.checkIn, () => {
      throw new LinliError('COMMUNITIES.CHECK_IN_CODE_INVALID', 'wrong check-in code');
    });
    const res = await http(suite.running.url, 'POST', `/v1/events/${eventId}/check-ins`, { token: tokenFor(['resident']), body: { code: '000000' } });
    expect([res.status, res.body.code]).toEqual([400, 'COMMUNITIES.CHECK_IN_CODE_INVALID']);
  });
});
