import { z } from 'zod';
import { UserIdSchema, leaderCustomers as lc } from '@linli/contracts';
import { defineRoute, type GatewayRoute } from '../route.js';

const calendar = ['Calendar'];
const leader = ['Leader console'];
const me = ['Me'];
const ops = ['Ops'];

const Limit = z.coerce.number().int().min(1).max(200).optional();
const UserParams = z.object({ userId: UserIdSchema }).strict();
const DraftParams = z.object({ draftId: z.string().uuid() }).strict();
const ReminderParams = z.object({ reminderId: z.string().uuid() }).strict();
const MessageParams = z.object({ messageId: z.string().uuid() }).strict();
const MonthParams = z.object({ month: lc.MonthSchema }).strict();
const LeaderMonthParams = z.object({ leaderUserId: UserIdSchema, month: lc.MonthSchema }).strict();
const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

const FestivalsQuery = z.object({ year: z.coerce.number().int() }).strict();
const CustomersQuery = z
  .object({
    q: z.string().trim().min(1).max(40).optional(),
    stage: z.enum(lc.LIFECYCLE_STAGES).optional(),
    tier: z.string().trim().min(1).max(40).optional(),
    risk: lc.RiskBandSchema.optional(),
    after: UserIdSchema.optional(),
    limit: Limit,
  })
  .strict();
const AttentionQuery = z.object({ days: z.coerce.number().int().min(1).max(31).optional() }).strict();
const NotesBody = lc.setCustomerNotes.request.pick({ notes: true }).strict();
const ReminderBody = lc.createReminder.request.omit({ actor: true }).strict();
const RemindersQuery = z.object({ status: z.enum(['open', 'done', 'dismissed']).optional() }).strict();
const CloseReminderBody = lc.closeReminder.request.pick({ status: true }).strict();
const DraftBody = lc.CreateDraftsBodySchema;
const DraftsQuery = z.object({ status: z.enum(['draft', 'approved', 'sent', 'discarded']).optional(), userId: UserIdSchema.optional() }).strict();
const EditDraftBody = lc.editDraft.request.pick({ text: true }).strict();
const SendBody = z.object({ channel: lc.MessageChannelSchema.optional() }).strict().optional();
const InboxQuery = z.object({ unreadOnly: booleanQuery.optional(), limit: Limit }).strict();
const SentQuery = z.object({ limit: Limit }).strict();
const IssueBody = z.object({ leaderUserId: UserIdSchema.optional() }).strict().optional();
const AdjustBody = lc.adjustSettlement.request.pick({ amountCents: true, reason: true }).strict();

/** Response shapes documented once under these names. */
export const leaderCustomersSchemaNames = new Map<z.ZodType, string>([
  [lc.CustomerDetailSchema, 'LeaderCustomer'],
  [lc.DraftSchema, 'CareMessageDraft'],
  [lc.ReminderSchema, 'Reminder'],
  [lc.InboxMessageSchema, 'InboxMessage'],
  [lc.SettlementSchema, 'SettlementStatement'],
]);

/** The calendar, the leader's customer console, the resident's inbox and leader settlement. */
export const leaderCustomersRoutes: GatewayRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/calendar/festivals',
    summary: 'Lunar festivals and the 24 solar terms of a year (1901–2099)',
    description: 'Dates are China time (`YYYY-MM-DD`). Any other year is refused with 400 `LEADER_OPS.YEAR_OUT_OF_RANGE`.',
    tags: calendar,
    auth: { public: true },
    query: FestivalsQuery,
    response: lc.festivals.response,
    rpc: lc.festivals,
    toRpc: ({ query }) => ({ year: query.year }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/leader/customers',
    summary: "The leader's own customers (residents bound to their pickup points)",
    description: 'Filter by nickname (`q`), lifecycle `stage`, `tier` or churn-`risk` band; pass `nextAfter` as `after` for the next page.',
    tags: leader,
    auth: { roles: ['leader'] },
    query: CustomersQuery,
    response: lc.listCustomers.response,
    rpc: lc.listCustomers,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/leader/customers/:userId',
    summary: 'One customer: purchases, lifecycle, risk and value, tags (with consent), birthday, notes and interactions',
    description: 'A resident who does not collect at one of the caller’s pickup points is refused with 403 `LEADER_OPS.NOT_YOUR_CUSTOMER`.',
    tags: leader,
    auth: { roles: ['leader'] },
    params: UserParams,
    response: lc.getCustomer.response,
    rpc: lc.getCustomer,
    toRpc: ({ params, actor }) => ({ actor, userId: params.userId }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/leader/customers/:userId/notes',
    summary: 'Replace the household notes the leader keeps about a customer',
    tags: leader,
    auth: { roles: ['leader'] },
    params: UserParams,
    body: NotesBody,
    response: lc.setCustomerNotes.response,
    rpc: lc.setCustomerNotes,
    toRpc: ({ params, body, actor }) => ({ actor, userId: params.userId, notes: body.notes }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/leader/attention',
    summary: 'Who needs the leader: at risk, replenishment due, birthdays and festivals ahead, stuck journeys, pickups waiting',
    tags: leader,
    auth: { roles: ['leader'] },
    query: AttentionQuery,
    response: lc.attentionList.response,
    rpc: lc.attentionList,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/leader/reminders',
    summary: 'Set a reminder about a customer (or accept a proposed one with `source: system`)',
    tags: leader,
    auth: { roles: ['leader'] },
    body: ReminderBody,
    response: lc.createReminder.response,
    status: 201,
    rpc: lc.createReminder,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/leader/reminders',
    summary: "The leader's reminders and the ones the system proposes",
    tags: leader,
    auth: { roles: ['leader'] },
    query: RemindersQuery,
    response: lc.listReminders.response,
    rpc: lc.listReminders,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/leader/reminders/:reminderId/close',
    summary: 'Close a reminder as done or dismissed',
    tags: leader,
    auth: { roles: ['leader'] },
    params: ReminderParams,
    body: CloseReminderBody,
    response: lc.closeReminder.response,
    rpc: lc.closeReminder,
    toRpc: ({ params, body, actor }) => ({ actor, reminderId: params.reminderId, status: body.status }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/leader/drafts',
    summary: 'Draft a care message (birthday, festival, healthy eating) for one customer or each customer of a segment',
    description: 'Each draft records the inputs it was written from and which generator wrote it. Nothing is sent until the leader approves and sends it.',
    tags: leader,
    auth: { roles: ['leader'] },
    body: DraftBody,
    response: lc.createDrafts.response,
    status: 201,
    rpc: lc.createDrafts,
    toRpc: ({ body, actor }) => ({ actor, ...body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/leader/drafts',
    summary: "The leader's drafts, newest first",
    tags: leader,
    auth: { roles: ['leader'] },
    query: DraftsQuery,
    response: lc.listDrafts.response,
    rpc: lc.listDrafts,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/leader/drafts/:draftId',
    summary: "Edit a draft's text (before approval)",
    tags: leader,
    auth: { roles: ['leader'] },
    params: DraftParams,
    body: EditDraftBody,
    response: lc.editDraft.response,
    rpc: lc.editDraft,
    toRpc: ({ params, body, actor }) => ({ actor, draftId: params.draftId, text: body.text }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/leader/drafts/:draftId/approve',
    summary: 'Approve a draft for sending',
    tags: leader,
    auth: { roles: ['leader'] },
    params: DraftParams,
    response: lc.approveDraft.response,
    rpc: lc.approveDraft,
    toRpc: ({ params, actor }) => ({ actor, draftId: params.draftId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/leader/drafts/:draftId/send',
    summary: 'Send an approved draft (in-app inbox by default, or WeChat)',
    description:
      'Refused without the resident’s marketing consent (409 `LEADER_OPS.NO_MARKETING_CONSENT`), in quiet hours (409 `LEADER_OPS.QUIET_HOURS`), or unapproved (409 `LEADER_OPS.DRAFT_NOT_APPROVED`). The message carries its delivery status.',
    tags: leader,
    auth: { roles: ['leader'] },
    params: DraftParams,
    body: SendBody,
    response: lc.sendDraft.response,
    rpc: lc.sendDraft,
    toRpc: ({ params, body, actor }) => ({ actor, draftId: params.draftId, ...(body?.channel ? { channel: body.channel } : {}) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/leader/messages',
    summary: 'Messages the leader sent, with their delivery status',
    tags: leader,
    auth: { roles: ['leader'] },
    query: SentQuery,
    response: lc.listSentMessages.response,
    rpc: lc.listSentMessages,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/leader/dashboard',
    summary: "The leader's month so far: repurchase and active rates, NPS, average LTV, tag completeness, score, level, income and forecast",
    tags: leader,
    auth: { roles: ['leader'] },
    response: lc.dashboard.response,
    rpc: lc.dashboard,
    toRpc: ({ actor }) => ({ actor }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/leader/settlements/:month',
    summary: "The leader's settlement statement of a month (YYYY-MM) with its lines",
    tags: leader,
    auth: { roles: ['leader'] },
    params: MonthParams,
    response: lc.getSettlement.response,
    rpc: lc.getSettlement,
    toRpc: ({ params, actor }) => ({ actor, month: params.month }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/inbox',
    summary: "The caller's in-app inbox, newest first, with the unread count",
    tags: me,
    auth: { roles: 'any-signed-in' },
    query: InboxQuery,
    response: lc.inbox.response,
    rpc: lc.inbox,
    toRpc: ({ query, actor }) => ({ actor, ...query }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/inbox/:messageId/read',
    summary: 'Mark an inbox message read',
    tags: me,
    auth: { roles: 'any-signed-in' },
    params: MessageParams,
    response: lc.markRead.response,
    rpc: lc.markRead,
    toRpc: ({ params, actor }) => ({ actor, messageId: params.messageId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/leader-settlements/:month/issue',
    summary: 'Issue the settlement statements of an ended month (every leader, or one)',
    description: 'A statement never changes once issued: issuing a month again is refused with 409 `LEADER_OPS.SETTLEMENT_ALREADY_ISSUED`; corrections are adjustment lines.',
    tags: ops,
    auth: { roles: ['ops'] },
    params: MonthParams,
    body: IssueBody,
    response: lc.issueSettlements.response,
    status: 201,
    rpc: lc.issueSettlements,
    toRpc: ({ params, body, actor }) => ({ actor, month: params.month, ...(body?.leaderUserId ? { leaderUserId: body.leaderUserId } : {}) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ops/leader-settlements/:month/:leaderUserId',
    summary: "A leader's statement of a month",
    tags: ops,
    auth: { roles: ['ops'] },
    params: LeaderMonthParams,
    response: lc.getSettlement.response,
    rpc: lc.getSettlement,
    toRpc: ({ params, actor }) => ({ actor, month: params.month, leaderUserId: params.leaderUserId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/leader-settlements/:month/:leaderUserId/adjustments',
    summary: 'Correct an issued statement with an adjustment line (before approval)',
    description: 'The total may not go below zero (400 `LEADER_OPS.NEGATIVE_PAYOUT`).',
    tags: ops,
    auth: { roles: ['ops'] },
    params: LeaderMonthParams,
    body: AdjustBody,
    response: lc.adjustSettlement.response,
    status: 201,
    rpc: lc.adjustSettlement,
    toRpc: ({ params, body, actor }) => ({ actor, month: params.month, leaderUserId: params.leaderUserId, ...body }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/leader-settlements/:month/:leaderUserId/approve',
    summary: 'Approve an issued statement',
    tags: ops,
    auth: { roles: ['ops'] },
    params: LeaderMonthParams,
    response: lc.approveSettlement.response,
    rpc: lc.approveSettlement,
    toRpc: ({ params, actor }) => ({ actor, month: params.month, leaderUserId: params.leaderUserId }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ops/leader-settlements/:month/:leaderUserId/paid',
    summary: 'Mark an approved statement paid',
    tags: ops,
    auth: { roles: ['ops'] },
    params: LeaderMonthParams,
    response: lc.markSettlementPaid.response,
    rpc: lc.markSettlementPaid,
    toRpc: ({ params, actor }) => ({ actor, month: params.month, leaderUserId: params.leaderUserId }),
  }),
];
