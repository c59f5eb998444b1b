import * as z from './zod.js';
import { defineRpc } from './define.js';
import { ActorSchema, CentsSchema, IsoDateSchema, IsoDateTimeSchema, UserIdSchema } from './common.js';

// The leader as customer operator (served by leader-ops): the customer console, the attention list,
// reminders, drafted care messages, the resident's inbox, the lunar calendar, the leader dashboard
// and the monthly settlement. Leader-ops answers from its own copies of other services' events.

// ---------------------------------------------------------------- calendar

/** Lunar festivals the calendar names (dates from the lunar calendar, China time). */
export const FESTIVAL_KEYS = ['spring-festival', 'lantern', 'qingming', 'dragon-boat', 'qixi', 'mid-autumn', 'double-ninth', 'laba', 'new-years-eve'] as const;
export const FestivalKeySchema = z.enum(FESTIVAL_KEYS);
export type FestivalKey = z.infer<typeof FestivalKeySchema>;

/** The 24 solar terms in calendar order from 小寒 (early January) to 冬至 (late December). */
export const SOLAR_TERM_KEYS = [
  'minor-cold',
  'major-cold',
  'start-of-spring',
  'rain-water',
  'awakening-of-insects',
  'spring-equinox',
  'pure-brightness',
  'grain-rain',
  'start-of-summer',
  'grain-buds',
  'grain-in-ear',
  'summer-solstice',
  'minor-heat',
  'major-heat',
  'start-of-autumn',
  'end-of-heat',
  'white-dew',
  'autumn-equinox',
  'cold-dew',
  'frost-descent',
  'start-of-winter',
  'minor-snow',
  'major-snow',
  'winter-solstice',
] as const;
export const SolarTermKeySchema = z.enum(SOLAR_TERM_KEYS);

export const CALENDAR_FIRST_YEAR = 1901;
export const CALENDAR_LAST_YEAR = 2099;

export const CalendarDaySchema = z.object({ key: z.string(), name: z.string(), date: IsoDateSchema });

export const FestivalCalendarSchema = z.object({
  year: z.number().int(),
  /** Festivals whose date (China time) falls in the year, in date order. */
  festivals: z.array(CalendarDaySchema.extend({ key: FestivalKeySchema })),
  /** All 24 solar terms of the year, in date order. */
  solarTerms: z.array(CalendarDaySchema.extend({ key: SolarTermKeySchema })),
});
export type FestivalCalendar = z.infer<typeof FestivalCalendarSchema>;

/** Festivals and solar terms of a Gregorian year; 1901–2099, any other year is refused with `LEADER_OPS.YEAR_OUT_OF_RANGE`. */
export const festivals = defineRpc('rpc.leader-ops.calendar.festivals.v1', z.object({ year: z.number().int() }).strict(), FestivalCalendarSchema);

// ---------------------------------------------------------------- customers

export const LIFECYCLE_STAGES = ['new', 'active', 'at_risk', 'lapsed'] as const;
export const RISK_BANDS = ['low', 'medium', 'high'] as const;
export const RiskBandSchema = z.enum(RISK_BANDS);

const TagSchema = z.object({ tag: z.string(), value: z.union([z.boolean(), z.number(), z.string()]), source: z.enum(['declared', 'inferred']), confidence: z.number() });

export const CustomerSummarySchema = z.object({
  userId: UserIdSchema,
  nickname: z.string().nullable(),
  pickupPointId: z.string().uuid(),
  compoundId: z.string(),
  boundAt: IsoDateTimeSchema,
  /** From the asset engine's lifecycle model; null until it has scored the customer. */
  stage: z.enum(LIFECYCLE_STAGES).nullable(),
  churnRisk: z.number().min(0).max(1).nullable(),
  riskBand: RiskBandSchema.nullable(),
  clvCents: z.number().int().nullable(),
  /** From the growth system; null until it publishes one. */
  tier: z.string().nullable(),
  journeyStep: z.string().nullable(),
  completedOrders: z.number().int(),
  spentCents: CentsSchema,
  lastOrderAt: IsoDateTimeSchema.nullable(),
});
export type CustomerSummary = z.infer<typeof CustomerSummarySchema>;

export const InteractionSchema = z.object({
  interactionId: z.string().uuid(),
  kind: z.enum(['note', 'message', 'reminder', 'draft']),
  summary: z.string(),
  at: IsoDateTimeSchema,
});

export const CustomerDetailSchema = CustomerSummarySchema.extend({
  birthday: IsoDateSchema.nullable(),
  building: z.string().nullable(),
  marketingConsent: z.boolean(),
  profilingConsent: z.boolean(),
  /** Declared tags always; inferred ones only with the resident's profiling consent. */
  tags: z.array(TagSchema),
  tagCompleteness: z.number().min(0).max(1).nullable(),
  purchases: z.object({
    completedOrders: z.number().int(),
    spentCents: CentsSchema,
    averageOrderCents: CentsSchema,
    /** Spend by category over the completed orders, largest first. */
    categories: z.array(z.object({ categoryId: z.string(), spentCents: CentsSchema, orders: z.number().int() })),
  }),
  lastOrder: z
    .object({ orderId: z.string().uuid(), status: z.string(), totalCents: CentsSchema, placedAt: IsoDateTimeSchema })
    .nullable(),
  /** The household notes the leader keeps about this customer (only that leader sees them). */
  notes: z.string(),
  interactions: z.array(InteractionSchema),
});
export type CustomerDetail = z.infer<typeof CustomerDetailSchema>;

const Limit = z.number().int().min(1).max(200).default(50);

/** A leader's own customers (residents currently bound to a pickup point they run), filtered. */
export const listCustomers = defineRpc(
  'rpc.leader-ops.customer.list.v1',
  z
    .object({
      actor: ActorSchema,
      /** Part of the nickname. */
      q: z.string().trim().min(1).max(40).optional(),
      stage: z.enum(LIFECYCLE_STAGES).optional(),
      tier: z.string().trim().min(1).max(40).optional(),
      risk: RiskBandSchema.optional(),
      /** `userId` of the last customer of the previous page. */
      after: UserIdSchema.optional(),
      limit: Limit,
    })
    .strict(),
  z.object({ customers: z.array(CustomerSummarySchema), nextAfter: UserIdSchema.nullable() }),
);

/** One customer of the calling leader; a resident of another leader is refused with `LEADER_OPS.NOT_YOUR_CUSTOMER`. */
export const getCustomer = defineRpc('rpc.leader-ops.customer.get.v1', z.object({ actor: ActorSchema, userId: UserIdSchema }).strict(), CustomerDetailSchema);

/** The leader replaces their household notes about a customer. */
export const setCustomerNotes = defineRpc(
  'rpc.leader-ops.customer.notes.v1',
  z.object({ actor: ActorSchema, userId: UserIdSchema, notes: z.string().max(2000) }).strict(),
  z.object({ userId: UserIdSchema, notes: z.string(), updatedAt: IsoDateTimeSchema }),
);

export const ATTENTION_KINDS = ['at-risk', 'replenishment-due', 'birthday', 'festival', 'journey-stuck', 'pickup-waiting'] as const;
export const AttentionItemSchema = z.object({
  kind: z.enum(ATTENTION_KINDS),
  /** Null for a festival (it concerns every customer). */
  userId: UserIdSchema.nullable(),
  nickname: z.string().nullable(),
  /** The day it is about (birthday, festival, replenishment due date), China time. */
  date: IsoDateSchema.nullable(),
  reason: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type AttentionItem = z.infer<typeof AttentionItemSchema>;

/** What needs the leader today: at-risk customers, replenishment due, birthdays and festivals in the next days, stuck journeys, pickups waiting. */
export const attentionList = defineRpc(
  'rpc.leader-ops.customer.attention.v1',
  z.object({ actor: ActorSchema, days: z.number().int().min(1).max(31).default(7) }).strict(),
  z.object({ asOf: IsoDateSchema, items: z.array(AttentionItemSchema) }),
);

// ---------------------------------------------------------------- reminders

export const REMINDER_KINDS = ['pickup-waiting', 'replenishment-due', 'campaign-opening', 'birthday', 'custom'] as const;
export const ReminderSchema = z.object({
  reminderId: z.string().uuid(),
  userId: UserIdSchema,
  kind: z.enum(REMINDER_KINDS),
  text: z.string(),
  dueAt: IsoDateTimeSchema,
  /** Set by the leader, or proposed by the system and accepted by the leader. */
  source: z.enum(['leader', 'system']),
  status: z.enum(['open', 'done', 'dismissed']),
  createdAt: IsoDateTimeSchema,
});
export type Reminder = z.infer<typeof ReminderSchema>;

export const ProposedReminderSchema = ReminderSchema.pick({ userId: true, kind: true, text: true, dueAt: true });

export const createReminder = defineRpc(
  'rpc.leader-ops.reminder.create.v1',
  z
    .object({
      actor: ActorSchema,
      userId: UserIdSchema,
      kind: z.enum(REMINDER_KINDS).default('custom'),
      text: z.string().trim().min(1).max(500),
      dueAt: IsoDateTimeSchema,
      source: z.enum(['leader', 'system']).default('leader'),
    })
    .strict(),
  ReminderSchema,
);

/** The leader's reminders (open ones unless `status` says otherwise) and the ones the system proposes from the attention list. */
export const listReminders = defineRpc(
  'rpc.leader-ops.reminder.list.v1',
  z.object({ actor: ActorSchema, status: z.enum(['open', 'done', 'dismissed']).default('open') }).strict(),
  z.object({ reminders: z.array(ReminderSchema), proposed: z.array(ProposedReminderSchema) }),
);

export const closeReminder = defineRpc(
  'rpc.leader-ops.reminder.close.v1',
  z.object({ actor: ActorSchema, reminderId: z.string().uuid(), status: z.enum(['done', 'dismissed']) }).strict(),
  ReminderSchema,
);

// ---------------------------------------------------------------- drafts and messages

export const DRAFT_KINDS = ['birthday', 'festival', 'healthy-eating'] as const;
export const LOCALES = ['zh-CN', 'en'] as const;
export const DraftSchema = z.object({
  draftId: z.string().uuid(),
  userId: UserIdSchema,
  kind: z.enum(DRAFT_KINDS),
  locale: z.enum(LOCALES),
  text: z.string(),
  /** What the draft was written from (customer facts, festival, purchases, rules), kept as written. */
  inputs: z.record(z.string(), z.unknown()),
  /** `template` or `llm:<model>`; `template (fallback: …)` when the configured model failed. */
  generator: z.string(),
  status: z.enum(['draft', 'approved', 'sent', 'discarded']),
  edited: z.boolean(),
  approvedAt: IsoDateTimeSchema.nullable(),
  messageId: z.string().uuid().nullable(),
  createdAt: IsoDateTimeSchema,
});
export type Draft = z.infer<typeof DraftSchema>;

const DraftRequestFields = z
  .object({
    kind: z.enum(DRAFT_KINDS),
    locale: z.enum(LOCALES).default('zh-CN'),
    userId: UserIdSchema.optional(),
    segment: z.object({ stage: z.enum(LIFECYCLE_STAGES).optional(), tier: z.string().max(40).optional(), risk: RiskBandSchema.optional() }).strict().optional(),
    /** For `festival`: which one (default: the next one). */
    festivalKey: FestivalKeySchema.optional(),
  })
  .strict();
/** A draft is for one customer or for a segment, never both or neither. */
const forOneTarget = (req: { userId?: string; segment?: unknown }) => (req.userId === undefined) !== (req.segment === undefined);
const ONE_TARGET = { message: 'give either a userId or a segment', path: ['userId'] };

/** What a client asks for when drafting (the request without its actor); zod cannot omit fields from a refined object, so it is exported as well. */
export const CreateDraftsBodySchema = DraftRequestFields.refine(forOneTarget, ONE_TARGET);

/** Drafts a care message for one customer or each customer of a segment of the leader's customers. */
export const createDrafts = defineRpc(
  'rpc.leader-ops.draft.create.v1',
  DraftRequestFields.extend({ actor: ActorSchema }).strict().refine(forOneTarget, ONE_TARGET),
  z.object({ drafts: z.array(DraftSchema) }),
);

export const listDrafts = defineRpc(
  'rpc.leader-ops.draft.list.v1',
  z.object({ actor: ActorSchema, status: z.enum(['draft', 'approved', 'sent', 'discarded']).optional(), userId: UserIdSchema.optional() }).strict(),
  z.object({ drafts: z.array(DraftSchema) }),
);

/** The leader edits a draft's text (only while it is a draft; approving comes after). */
export const editDraft = defineRpc(
  'rpc.leader-ops.draft.edit.v1',
  z.object({ actor: ActorSchema, draftId: z.string().uuid(), text: z.string().trim().min(1).max(1000) }).strict(),
  DraftSchema,
);

export const approveDraft = defineRpc('rpc.leader-ops.draft.approve.v1', z.object({ actor: ActorSchema, draftId: z.string().uuid() }).strict(), DraftSchema);

export const MESSAGE_CHANNELS = ['in-app', 'wechat'] as const;
export const MessageChannelSchema = z.enum(MESSAGE_CHANNELS);
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const MessageSchema = z.object({
  messageId: z.string().uuid(),
  userId: UserIdSchema,
  senderUserId: UserIdSchema.nullable(),
  channel: MessageChannelSchema,
  /** `care` and `marketing` need the resident's marketing consent and respect quiet hours; `service` (pickup notices) does neither. */
  category: z.enum(['care', 'marketing', 'service']),
  title: z.string(),
  body: z.string(),
  deliveryStatus: z.enum(DELIVERY_STATUSES),
  deliveryError: z.string().nullable(),
  readAt: IsoDateTimeSchema.nullable(),
  createdAt: IsoDateTimeSchema,
  deliveredAt: IsoDateTimeSchema.nullable(),
});
export type Message = z.infer<typeof MessageSchema>;

/**
 * Sends an approved draft to its customer. Refused outside the rules: `LEADER_OPS.DRAFT_NOT_APPROVED`,
 * `LEADER_OPS.NO_MARKETING_CONSENT`, `LEADER_OPS.QUIET_HOURS`.
 */
export const sendDraft = defineRpc(
  'rpc.leader-ops.draft.send.v1',
  z.object({ actor: ActorSchema, draftId: z.string().uuid(), channel: MessageChannelSchema.default('in-app') }).strict(),
  z.object({ draft: DraftSchema, message: MessageSchema }),
);

/** The leader's sent messages with their delivery status, newest first. */
export const listSentMessages = defineRpc(
  'rpc.leader-ops.message.list.v1',
  z.object({ actor: ActorSchema, limit: Limit }).strict(),
  z.object({ messages: z.array(MessageSchema) }),
);

export const InboxMessageSchema = MessageSchema.omit({ deliveryError: true }).extend({ read: z.boolean() });

/** The caller's in-app inbox, newest first. */
export const inbox = defineRpc(
  'rpc.leader-ops.inbox.list.v1',
  z.object({ actor: ActorSchema, unreadOnly: z.boolean().default(false), limit: Limit }).strict(),
  z.object({ messages: z.array(InboxMessageSchema), unread: z.number().int() }),
);

/** Marks one of the caller's inbox messages read (again: no change). */
export const markRead = defineRpc('rpc.leader-ops.inbox.read.v1', z.object({ actor: ActorSchema, messageId: z.string().uuid() }).strict(), InboxMessageSchema);

// ---------------------------------------------------------------- pay, levels, settlement, dashboard

export const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');

export const SETTLEMENT_LINE_KINDS = ['commission', 'activity-bonus', 'satisfaction-bonus', 'service-fee', 'platform-dividend', 'adjustment'] as const;
export const SettlementLineSchema = z.object({
  lineId: z.string().uuid(),
  kind: z.enum(SETTLEMENT_LINE_KINDS),
  /** Negative only for an adjustment that corrects an earlier line. */
  amountCents: z.number().int(),
  /** Why the line has this amount, in words. */
  explanation: z.string(),
  /** The numbers the amount was computed from. */
  basis: z.record(z.string(), z.unknown()),
  createdAt: IsoDateTimeSchema,
});

export const LevelSchema = z.object({ key: z.string(), name: z.string(), perks: z.array(z.string()) });

export const SettlementSchema = z.object({
  settlementId: z.string().uuid(),
  leaderUserId: UserIdSchema,
  month: MonthSchema,
  status: z.enum(['issued', 'approved', 'paid']),
  rulesVersion: z.string(),
  score: z.number().min(0).max(100),
  level: LevelSchema,
  totalCents: CentsSchema,
  lines: z.array(SettlementLineSchema),
  issuedAt: IsoDateTimeSchema,
  approvedAt: IsoDateTimeSchema.nullable(),
  paidAt: IsoDateTimeSchema.nullable(),
});
export type Settlement = z.infer<typeof SettlementSchema>;

/** A leader's statement for a month (ops: any leader's, with `leaderUserId`). */
export const getSettlement = defineRpc(
  'rpc.leader-ops.settlement.get.v1',
  z.object({ actor: ActorSchema, month: MonthSchema, leaderUserId: UserIdSchema.optional() }).strict(),
  SettlementSchema,
);

/** Ops: issue the statements of an ended month (one leader, or every leader without one). Issued statements never change. */
export const issueSettlements = defineRpc(
  'rpc.leader-ops.settlement.issue.v1',
  z.object({ actor: ActorSchema, month: MonthSchema, leaderUserId: UserIdSchema.optional() }).strict(),
  z.object({ statements: z.array(SettlementSchema) }),
);

/** Ops: a correction as a new adjustment line (before approval); the total may not go below zero. */
export const adjustSettlement = defineRpc(
  'rpc.leader-ops.settlement.adjust.v1',
  z
    .object({
      actor: ActorSchema,
      month: MonthSchema,
      leaderUserId: UserIdSchema,
      amountCents: z.number().int().min(-100_000_000).max(100_000_000).refine((n) => n !== 0, 'must not be zero'),
      reason: z.string().trim().min(1).max(500),
    })
    .strict(),
  SettlementSchema,
);

/** Ops: approve an issued statement, then mark an approved one paid. */
export const approveSettlement = defineRpc(
  'rpc.leader-ops.settlement.approve.v1',
  z.object({ actor: ActorSchema, month: MonthSchema, leaderUserId: UserIdSchema }).strict(),
  SettlementSchema,
);
export const markSettlementPaid = defineRpc(
  'rpc.leader-ops.settlement.mark-paid.v1',
  z.object({ actor: ActorSchema, month: MonthSchema, leaderUserId: UserIdSchema }).strict(),
  SettlementSchema,
);

export const DashboardSchema = z.object({
  month: MonthSchema,
  customers: z.number().int(),
  /** Share of customers with a completed order this month. */
  activeRate: z.number().min(0).max(1),
  /** Share of this month's active customers with two or more completed orders. */
  repurchaseRate: z.number().min(0).max(1),
  /** Net promoter score of this month's answers about the leader (−100…100), null without answers. */
  nps: z.number().nullable(),
  averageClvCents: z.number().int().nullable(),
  /** Average share of known household tags over the customers the asset engine has scored. */
  tagCompleteness: z.number().min(0).max(1).nullable(),
  score: z.number(),
  level: LevelSchema,
  income: z.object({
    /** What the month's statement would pay if issued now. */
    soFarCents: CentsSchema,
    /** So far, extended to the whole month at this month's daily pace. */
    forecastCents: CentsSchema,
    lines: z.array(SettlementLineSchema.omit({ lineId: true, createdAt: true })),
  }),
});
export type Dashboard = z.infer<typeof DashboardSchema>;

export const dashboard = defineRpc('rpc.leader-ops.dashboard.get.v1', z.object({ actor: ActorSchema }).strict(), DashboardSchema);
