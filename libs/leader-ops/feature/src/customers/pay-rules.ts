import { z } from 'zod';
import { leaderCustomers as lc } from '@linli/contracts';

/**
 * How leaders are paid: versioned configuration. A statement records the version it was computed
 * with; a new version applies from its `effectiveFrom` month and never changes issued statements.
 * Rates are fractions; money is integer cents.
 */
export const PayRulesSchema = z.object({
  version: z.string().min(1).max(40),
  /** First month (YYYY-MM, China time) the version applies to. */
  effectiveFrom: lc.MonthSchema,
  commission: z.object({ defaultRate: z.number().min(0).max(1), byCategory: z.record(z.string(), z.number().min(0).max(1)) }),
  activity: z.object({
    /** Paid in full when every customer bought in the month, pro rata below. */
    activeShareBonusCents: z.number().int().nonnegative(),
    /** Paid per whole 100 percentage points of growth of the repurchase rate against the month before, pro rata. */
    repurchaseGrowthBonusCents: z.number().int().nonnegative(),
  }),
  satisfaction: z.object({
    /** Paid in full at NPS 100, pro rata down to NPS 0; nothing below. */
    npsBonusCents: z.number().int().nonnegative(),
    /** Taken off the satisfaction bonus per quality complaint (never below zero). */
    complaintPenaltyCents: z.number().int().nonnegative(),
  }),
  score: z.object({
    activityWeight: z.number().nonnegative(),
    satisfactionWeight: z.number().nonnegative(),
    /** Points off per quality complaint. */
    complaintPoints: z.number().nonnegative(),
  }),
  dividend: z.object({
    /** Platform margin as a share of completed sales. */
    platformMarginRate: z.number().min(0).max(1),
    /** Share of the platform margin paid out to leaders, split by score. */
    leaderShare: z.number().min(0).max(1),
  }),
  levels: z
    .array(z.object({ key: z.string(), name: z.string(), minScore: z.number().min(0).max(100), minCustomers: z.number().int().nonnegative(), perks: z.array(z.string()) }))
    .min(1),
});
export type PayRules = z.infer<typeof PayRulesSchema>;

/** The built-in rules. */
export const DEFAULT_PAY_RULES: PayRules[] = [
  {
    version: '2026-12-v1',
    effectiveFrom: '2026-01',
    commission: { defaultRate: 0.05, byCategory: { rice: 0.03, 'grain-oil': 0.03, 'fresh-vegetables': 0.08, fruit: 0.08, 'meat-eggs': 0.06, dairy: 0.05, snacks: 0.1 } },
    activity: { activeShareBonusCents: 20_000, repurchaseGrowthBonusCents: 10_000 },
    satisfaction: { npsBonusCents: 15_000, complaintPenaltyCents: 2_000 },
    score: { activityWeight: 50, satisfactionWeight: 50, complaintPoints: 5 },
    dividend: { platformMarginRate: 0.1, leaderShare: 0.05 },
    levels: [
      { key: 'seedling', name: '新芽团长', minScore: 0, minCustomers: 0, perks: ['新手培训'] },
      { key: 'sprout', name: '成长团长', minScore: 40, minCustomers: 5, perks: ['优先自提时段', '活动物料包'] },
      { key: 'tree', name: '金牌团长', minScore: 70, minCustomers: 20, perks: ['优先自提时段', '活动物料包', '新品试吃', '平台分红加权展示'] },
    ],
  },
];

/** The rules in force for a month: the latest version effective on or before it. */
export function rulesFor(all: readonly PayRules[], month: string): PayRules {
  const applicable = [...all].filter((r) => r.effectiveFrom <= month).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  return applicable.at(-1) ?? [...all].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))[0]!;
}

/** A completed order line as pay sees it. */
export interface PayOrder {
  orderId: string;
  userId: string;
  lines: { categoryId: string | null; amountCents: number; refundedCents: number }[];
  complaints: number;
}

/** Everything one leader's month is computed from. */
export interface LeaderMonth {
  leaderUserId: string;
  /** Customers of the period: bound to the leader's points at its end, or buying there in it. */
  customers: number;
  /** Orders completed at the leader's points in the period. */
  orders: PayOrder[];
  /** Repurchase rate of the month before (null when nobody bought then). */
  previousRepurchaseRate: number | null;
  npsScores: number[];
  serviceFees: { bookingId: string; feeCents: number }[];
}

export type PayLine = Omit<z.infer<typeof lc.SettlementLineSchema>, 'lineId' | 'createdAt'>;

export interface LeaderPay {
  leaderUserId: string;
  score: number;
  level: z.infer<typeof lc.LevelSchema>;
  lines: PayLine[];
  totalCents: number;
  metrics: { customers: number; activeShare: number; repurchaseRate: number | null; nps: number | null; complaints: number };
}

const yuan = (cents: number) => `¥${(cents / 100).toFixed(2)}`;
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Share of buyers with two or more completed orders (null without buyers). */
export function repurchaseRate(orders: PayOrder[]): number | null {
  const perUser = new Map<string, number>();
  for (const o of orders) perUser.set(o.userId, (perUser.get(o.userId) ?? 0) + 1);
  if (perUser.size === 0) return null;
  return [...perUser.values()].filter((n) => n >= 2).length / perUser.size;
}

/** NPS (−100…100, rounded) of 0–10 answers; null without answers. */
export function netPromoterScore(scores: number[]): number | null {
  if (scores.length === 0) return null;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return Math.round(((promoters - detractors) / scores.length) * 100);
}

interface Scored {
  month: LeaderMonth;
  activeCustomers: number;
  activeShare: number;
  repurchase: number | null;
  nps: number | null;
  complaints: number;
  score: number;
}

function scoreOf(rules: PayRules, month: LeaderMonth): Scored {
  const activeCustomers = new Set(month.orders.map((o) => o.userId)).size;
  const activeShare = month.customers > 0 ? Math.min(1, activeCustomers / month.customers) : 0;
  const nps = netPromoterScore(month.npsScores);
  const complaints = month.orders.reduce((n, o) => n + o.complaints, 0);
  // Without answers the satisfaction part is neutral (half).
  const satisfactionIndex = nps === null ? 0.5 : (nps + 100) / 200;
  const raw = rules.score.activityWeight * activeShare + rules.score.satisfactionWeight * satisfactionIndex - rules.score.complaintPoints * complaints;
  const max = rules.score.activityWeight + rules.score.satisfactionWeight;
  const score = round1(Math.max(0, Math.min(100, max > 0 ? (raw / max) * 100 : 0)));
  return { month, activeCustomers, activeShare, repurchase: repurchaseRate(month.orders), nps, complaints, score };
}

/** The level a score and customer count reach: the highest whose thresholds are both met. */
export function levelFor(rules: PayRules, score: number, customers: number): LeaderPay['level'] {
  const reached = [...rules.levels].sort((a, b) => a.minScore - b.minScore).filter((l) => score >= l.minScore && customers >= l.minCustomers);
  const level = reached.at(-1) ?? rules.levels[0]!;
  return { key: level.key, name: level.name, perks: level.perks };
}

/**
 * Every leader's pay for one period, each line explaining itself. The platform dividend is a share
 * of the platform margin on all leaders' completed sales, split in proportion to the scores, so all
 * leaders of the period are computed together. Amounts are rounded to whole cents per line (the
 * dividend down, so the split never pays more than the pool).
 */
export function computePay(rules: PayRules, months: LeaderMonth[]): LeaderPay[] {
  const scored = months.map((m) => scoreOf(rules, m));
  const net = (o: PayOrder) => o.lines.reduce((n, l) => n + Math.max(0, l.amountCents - l.refundedCents), 0);
  const platformSalesCents = months.reduce((n, m) => n + m.orders.reduce((k, o) => k + net(o), 0), 0);
  const poolCents = Math.floor(platformSalesCents * rules.dividend.platformMarginRate * rules.dividend.leaderShare);
  const scoreSum = scored.reduce((n, s) => n + s.score, 0);

  return scored.map((s) => {
    const lines: PayLine[] = [];
    // Commission, one line per category.
    const byCategory = new Map<string, { netCents: number; orders: Set<string> }>();
    for (const o of s.month.orders) {
      for (const l of o.lines) {
        const key = l.categoryId ?? 'uncategorised';
        const entry = byCategory.get(key) ?? { netCents: 0, orders: new Set<string>() };
        entry.netCents += Math.max(0, l.amountCents - l.refundedCents);
        entry.orders.add(o.orderId);
        byCategory.set(key, entry);
      }
    }
    for (const [categoryId, { netCents, orders }] of [...byCategory.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const rate = rules.commission.byCategory[categoryId] ?? rules.commission.defaultRate;
      lines.push({
        kind: 'commission',
        amountCents: Math.round(netCents * rate),
        explanation: `${pct(rate)} commission on ${yuan(netCents)} completed sales in ${categoryId} (${orders.size} orders, net of refunds)`,
        basis: { categoryId, netCents, rate, orders: orders.size },
      });
    }
    // Activity.
    const activeCents = Math.round(s.activeShare * rules.activity.activeShareBonusCents);
    const growth = s.repurchase !== null && s.month.previousRepurchaseRate !== null ? Math.max(0, s.repurchase - s.month.previousRepurchaseRate) : 0;
    const growthCents = Math.round(growth * rules.activity.repurchaseGrowthBonusCents);
    lines.push({
      kind: 'activity-bonus',
      amountCents: activeCents + growthCents,
      explanation:
        `${s.activeCustomers} of ${s.month.customers} customers bought (${pct(s.activeShare)} of ${yuan(rules.activity.activeShareBonusCents)} = ${yuan(activeCents)})` +
        `; repurchase rate ${s.repurchase === null ? 'n/a' : pct(s.repurchase)} vs ${s.month.previousRepurchaseRate === null ? 'n/a' : pct(s.month.previousRepurchaseRate)} the month before (+${pct(growth)} of ${yuan(rules.activity.repurchaseGrowthBonusCents)} = ${yuan(growthCents)})`,
      basis: {
        customers: s.month.customers,
        activeCustomers: s.activeCustomers,
        activeShare: s.activeShare,
        repurchaseRate: s.repurchase,
        previousRepurchaseRate: s.month.previousRepurchaseRate,
        repurchaseGrowth: growth,
      },
    });
    // Satisfaction.
    const npsCents = s.nps === null ? 0 : Math.round((Math.max(0, s.nps) / 100) * rules.satisfaction.npsBonusCents);
    const penaltyCents = s.complaints * rules.satisfaction.complaintPenaltyCents;
    const satisfactionCents = Math.max(0, npsCents - penaltyCents);
    lines.push({
      kind: 'satisfaction-bonus',
      amountCents: satisfactionCents,
      explanation:
        (s.nps === null ? 'no NPS answers this month (no NPS bonus)' : `NPS ${s.nps} from ${s.month.npsScores.length} answers (${Math.max(0, s.nps)}% of ${yuan(rules.satisfaction.npsBonusCents)} = ${yuan(npsCents)})`) +
        `; ${s.complaints} quality complaints (−${yuan(penaltyCents)}), never below zero`,
      basis: { nps: s.nps, answers: s.month.npsScores.length, complaints: s.complaints, npsCents, penaltyCents },
    });
    // Service fees (local services).
    if (s.month.serviceFees.length > 0) {
      const feeCents = s.month.serviceFees.reduce((n, f) => n + f.feeCents, 0);
      lines.push({
        kind: 'service-fee',
        amountCents: feeCents,
        explanation: `service fees of ${s.month.serviceFees.length} completed local-service bookings`,
        basis: { bookings: s.month.serviceFees.map((f) => f.bookingId), feeCents },
      });
    }
    // Platform dividend.
    if (poolCents > 0) {
      const share = scoreSum > 0 ? s.score / scoreSum : 0;
      const amountCents = Math.floor(poolCents * share);
      lines.push({
        kind: 'platform-dividend',
        amountCents,
        explanation: `${pct(rules.dividend.leaderShare)} of the platform margin (${pct(rules.dividend.platformMarginRate)} of ${yuan(platformSalesCents)} sales) = pool ${yuan(poolCents)}; your score ${s.score} of ${round1(scoreSum)} total`,
        basis: { platformSalesCents, poolCents, score: s.score, scoreSum: round1(scoreSum) },
      });
    }
    const totalCents = lines.reduce((n, l) => n + l.amountCents, 0);
    return {
      leaderUserId: s.month.leaderUserId,
      score: s.score,
      level: levelFor(rules, s.score, s.month.customers),
      lines,
      totalCents,
      metrics: { customers: s.month.customers, activeShare: s.activeShare, repurchaseRate: s.repurchase, nps: s.nps, complaints: s.complaints },
    };
  });
}

/** The China-time bounds of a month `YYYY-MM` as instants: [start, end). */
export function monthBounds(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: new Date(`${month}-01T00:00:00+08:00`), to: new Date(`${next}-01T00:00:00+08:00`) };
}

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
