import { randomUUID } from 'node:crypto';
import { LinliError, leaderCustomers as lc, type RpcContract } from '@linli/contracts';
import { actorOf, http, routeContractSuite, tokenFor, type RouteCase } from '../gateway.test-harness.js';
import { leaderCustomersRoutes } from './leader-customers.routes.js';

const userId = randomUUID();
const leaderId = randomUUID();
const draftId = randomUUID();
const reminderId = randomUUID();
const messageId = randomUUID();
const at = () => new Date().toISOString();

const cases: Record<string, RouteCase> = {
  'GET /v1/calendar/festivals': { query: '?year=2026', bad: { query: '?year=next', field: 'query.year' } },
  'GET /v1/leader/customers': { query: '?risk=high&stage=at_risk&limit=20', bad: { query: '?risk=extreme', field: 'query.risk' } },
  'GET /v1/leader/customers/:userId': { path: `/v1/leader/customers/${userId}`, bad: { path: '/v1/leader/customers/42', field: 'params.userId' } },
  'PUT /v1/leader/customers/:userId/notes': {
    path: `/v1/leader/customers/${userId}/notes`,
    body: { notes: 'Grandson visits on weekends' },
    bad: { path: `/v1/leader/customers/${userId}/notes`, body: { notes: 'x'.repeat(2001) }, field: 'body.notes' },
  },
  'GET /v1/leader/attention': { query: '?days=7', bad: { query: '?days=0', field: 'query.days' } },
  'POST /v1/leader/reminders': {
    body: { userId, kind: 'custom', text: 'Ask about rice', dueAt: '2026-12-04T02:00:00.000Z' },
    bad: { body: { userId, text: '', dueAt: '2026-12-04T02:00:00.000Z' }, field: 'body.text' },
  },
  'GET /v1/leader/reminders': { query: '?status=done', bad: { query: '?status=later', field: 'query.status' } },
  'POST /v1/leader/reminders/:reminderId/close': {
    path: `/v1/leader/reminders/${reminderId}/close`,
    body: { status: 'done' },
    bad: { path: `/v1/leader/reminders/${reminderId}/close`, body: { status: 'open' }, field: 'body.status' },
  },
  'POST /v1/leader/drafts': { body: { kind: 'birthday', userId }, bad: { body: { kind: 'birthday' }, field: 'body.userId' } },
  'GET /v1/leader/drafts': { query: '?status=draft', bad: { query: '?status=lost', field: 'query.status' } },
  'PATCH /v1/leader/drafts/:draftId': { path: `/v1/leader/drafts/${draftId}`, body: { text: '生日快乐！' }, bad: { path: `/v1/leader/drafts/${draftId}`, body: { text: ' ' }, field: 'body.text' } },
  'POST /v1/leader/drafts/:draftId/approve': { path: `/v1/leader/drafts/${draftId}/approve`, bad: { path: '/v1/leader/drafts/7/approve', field: 'params.draftId' } },
  'POST /v1/leader/drafts/:draftId/send': {
    path: `/v1/leader/drafts/${draftId}/send`,
    body: { channel: 'in-app' },
    bad: { path: `/v1/leader/drafts/${draftId}/send`, body: { channel: 'sms' }, field: 'body.channel' },
  },
  'GET /v1/leader/messages': { query: '?limit=10', bad: { query: '?limit=1000', field: 'query.limit' } },
  'GET /v1/leader/dashboard': { bad: { query: `?leaderUserId=${leaderId}`, field: 'query.leaderUserId' } },
  'GET /v1/leader/settlements/:month': { path: '/v1/leader/settlements/2026-11', bad: { path: '/v1/leader/settlements/2026-13', field: 'params.month' } },
  'GET /v1/me/inbox': { query: '?unreadOnly=true', bad: { query: '?unreadOnly=yes', field: 'query.unreadOnly' } },
  'POST /v1/me/inbox/:messageId/read': { path: `/v1/me/inbox/${messageId}/read`, bad: { path: '/v1/me/inbox/m1/read', field: 'params.messageId' } },
  'POST /v1/ops/leader-settlements/:month/issue': { path: '/v1/ops/leader-settlements/2026-11/issue', bad: { path: '/v1/ops/leader-settlements/11-2026/issue', field: 'params.month' } },
  'GET /v1/ops/leader-settlements/:month/:leaderUserId': {
    path: `/v1/ops/leader-settlements/2026-11/${leaderId}`,
    bad: { path: '/v1/ops/leader-settlements/2026-11/someone', field: 'params.leaderUserId' },
  },
  'POST /v1/ops/leader-settlements/:month/:leaderUserId/adjustments': {
    path: `/v1/ops/leader-settlements/2026-11/${leaderId}/adjustments`,
    body: { amountCents: -500, reason: 'refunded after issue' },
    bad: { path: `/v1/ops/leader-settlements/2026-11/${leaderId}/adjustments`, body: { amountCents: 0, reason: 'nothing' }, field: 'body.amountCents' },
  },
  'POST /v1/ops/leader-settlements/:month/:leaderUserId/approve': {
    path: `/v1/ops/leader-settlements/2026-11/${leaderId}/approve`,
    bad: { path: '/v1/ops/leader-settlements/2026-1/x/approve', field: 'params.month' },
  },
  'POST /v1/ops/leader-settlements/:month/:leaderUserId/paid': {
    path: `/v1/ops/leader-settlements/2026-11/${leaderId}/paid`,
    bad: { path: `/v1/ops/leader-settlements/2026-11/${leaderId.slice(0, 8)}/paid`, field: 'params.leaderUserId' },
  },
};

const summary = () => ({
  userId,
  nickname: '王阿姨',
  pickupPointId: randomUUID(),
  compoundId: 'compound-1',
  boundAt: at(),
  stage: null,
  churnRisk: null,
  riskBand: null,
  clvCents: null,
  tier: null,
  journeyStep: null,
  completedOrders: 0,
  spentCents: 0,
  lastOrderAt: null,
});
const detail = () => ({
  ...summary(),
  birthday: null,
  building: null,
  marketingConsent: false,
  profilingConsent: false,
  tags: [],
  tagCompleteness: null,
  purchases: { completedOrders: 0, spentCents: 0, averageOrderCents: 0, categories: [] },
  lastOrder: null,
  notes: '',
  interactions: [],
});
const reminder = (req: any) => ({ reminderId, userId, kind: 'custom', text: 'Ask about rice', dueAt: at(), source: 'leader', status: req.status ?? 'open', createdAt: at() });
const draft = (status = 'draft') => ({
  draftId,
  userId,
  kind: 'birthday',
  locale: 'zh-CN',
  text: '生日快乐！',
  inputs: {},
  generator: 'template',
  status,
  edited: false,
  approvedAt: status === 'draft' ? null : at(),
  messageId: status === 'sent' ? messageId : null,
  createdAt: at(),
});
const message = () => ({
  messageId,
  userId,
  senderUserId: leaderId,
  channel: 'in-app',
  category: 'care',
  title: '生日祝福',
  body: '生日快乐！',
  deliveryStatus: 'delivered',
  deliveryError: null,
  readAt: null,
  createdAt: at(),
  deliveredAt: at(),
});
const inboxMessage = (read = false) => {
  const { deliveryError: _omitted, ...rest } = message();
  return { ...rest, read, readAt: read ? at() : null };
};
const settlement = (req: any) => ({
  settlementId: randomUUID(),
  leaderUserId: req.leaderUserId ?? req.actor.userId,
  month: req.month,
  status: 'issued',
  rulesVersion: '2026-12-v1',
  score: 50,
  level: { key: 'seedling', name: '新芽团长', perks: [] },
  totalCents: 0,
  lines: [],
  issuedAt: at(),
  approvedAt: null,
  paidAt: null,
});

const replies: [RpcContract, (req: any) => unknown][] = [
  [lc.festivals, (req) => ({ year: req.year, festivals: [], solarTerms: [] })],
  [lc.listCustomers, () => ({ customers: [summary()], nextAfter: null })],
  [lc.getCustomer, () => detail()],
  [lc.setCustomerNotes, (req) => ({ userId: req.userId, notes: req.notes, updatedAt: at() })],
  [lc.attentionList, () => ({ asOf: '2026-12-03', items: [] })],
  [lc.createReminder, reminder],
  [lc.listReminders, () => ({ reminders: [], proposed: [] })],
  [lc.closeReminder, reminder],
  [lc.createDrafts, () => ({ drafts: [draft()] })],
  [lc.listDrafts, () => ({ drafts: [draft()] })],
  [lc.editDraft, () => draft()],
  [lc.approveDraft, () => draft('approved')],
  [lc.sendDraft, () => ({ draft: draft('sent'), message: message() })],
  [lc.listSentMessages, () => ({ messages: [message()] })],
  [lc.inbox, () => ({ messages: [inboxMessage()], unread: 1 })],
  [lc.markRead, () => inboxMessage(true)],
  [lc.getSettlement, settlement],
  [lc.issueSettlements, (req) => ({ statements: [settlement(req)] })],
  [lc.adjustSettlement, settlement],
  [lc.approveSettlement, settlement],
  [lc.markSettlementPaid, settlement],
  [
    lc.dashboard,
    () => ({
      month: '2026-12',
      customers: 0,
      activeRate: 0,
      repurchaseRate: 0,
      nps: null,
      averageClvCents: null,
      tagCompleteness: null,
      score: 25,
      level: { key: 'seedling', name: '新芽团长', perks: [] },
      income: { soFarCents: 0, forecastCents: 0, lines: [] },
    }),
  ],
];

const suite = routeContractSuite({ name: 'leader-customers', routes: leaderCustomersRoutes, cases, replies });

describe('route specifics', () => {
  it('passes the path, query and body on as the contract expects', async () => {
    const leader = tokenFor(['leader']);
    await http(suite.running.url, 'GET', '/v1/leader/customers?q=%E7%8E%8B&risk=high', { token: leader });
    expect(suite.fakes.lastCall(lc.listCustomers.subject)?.payload).toEqual({ actor: actorOf(leader), q: '王', risk: 'high', limit: 50 });
    await http(suite.running.url, 'GET', '/v1/me/inbox?unreadOnly=true', { token: leader });
    expect(suite.fakes.lastCall(lc.inbox.subject)?.payload).toEqual({ actor: actorOf(leader), unreadOnly: true, limit: 50 });
    await http(suite.running.url, 'POST', `/v1/leader/drafts/${draftId}/send`, { token: leader });
    expect(suite.fakes.lastCall(lc.sendDraft.subject)?.payload).toEqual({ actor: actorOf(leader), draftId, channel: 'in-app' });
    const ops = tokenFor(['ops']);
    await http(suite.running.url, 'POST', '/v1/ops/leader-settlements/2026-11/issue', { token: ops, body: { leaderUserId: leaderId } });
    expect(suite.fakes.lastCall(lc.issueSettlements.subject)?.payload).toEqual({ actor: actorOf(ops), month: '2026-11', leaderUserId: leaderId });
  });

  it('maps the customer-operator error codes to HTTP statuses', async () => {
    const leader = tokenFor(['leader']);
    const expectations: [string, number][] = [
      ['LEADER_OPS.NOT_YOUR_CUSTOMER', 403],
      ['LEADER_OPS.DRAFT_NOT_FOUND', 404],
      ['LEADER_OPS.DRAFT_NOT_APPROVED', 409],
      ['LEADER_OPS.NO_MARKETING_CONSENT', 409],
      ['LEADER_OPS.QUIET_HOURS', 409],
      ['LEADER_OPS.CHANNEL_UNAVAILABLE', 503],
    ];
    for (const [code, status] of expectations) {
      suite.fakes.override(lc.sendDraft, () => {
        throw new LinliError(code as 'LEADER_OPS.QUIET_HOURS', 'refused');
      });
      const res = await http(suite.running.url, 'POST', `/v1/leader/drafts/${draftId}/send`, { token: leader });
      expect([code, res.status, res.body.code]).toEqual([code, status, code]);
    }
    const ops = tokenFor(['ops']);
    for (const [code, status] of [
      ['LEADER_OPS.SETTLEMENT_ALREADY_ISSUED', 409],
      ['LEADER_OPS.SETTLEMENT_MONTH_OPEN', 409],
      ['LEADER_OPS.NEGATIVE_PAYOUT', 400],
      ['LEADER_OPS.SETTLEMENT_NOT_FOUND', 404],
    ] as const) {
      suite.fakes.override(lc.issueSettlements, () => {
        throw new LinliError(code, 'refused');
      });
      const res = await http(suite.running.url, 'POST', '/v1/ops/leader-settlements/2026-11/issue', { token: ops });
      expect([code, res.status]).toEqual([code, status]);
    }
  });
});
