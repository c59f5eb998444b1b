import { z } from 'zod';
import { growth } from '@linli/contracts';

/**
 * The growth system's rules as data: what earns points, how tiers are reached, badges, journeys,
 * rewards and expiry. Versioned: every journal entry and tier change records `version`. Deployments
 * override the whole set as JSON (`GROWTH_RULES_JSON`); a changed set must carry a new version.
 */

/** What members do that growth counts (from events). */
export const ACTIVITY_KINDS = [
  'order',
  'pickup',
  'community-join',
  'event-rsvp',
  'event-check-in',
  'event-organised',
  'survey',
  'proposal',
  'vote',
  'proposal-launched',
  'referral-converted',
] as const;
export const ActivityKindSchema = z.enum(ACTIVITY_KINDS);
export type ActivityKind = z.infer<typeof ActivityKindSchema>;

const Requirement = z.object({ requirement: z.string().min(1), kinds: z.array(ActivityKindSchema).min(1), min: z.number().int().min(1) }).strict();

const TierRule = z
  .object({
    tier: growth.TierSchema,
    name: z.string().min(1),
    minScore: z.number().int().min(0),
    requires: z.array(Requirement).default([]),
    perks: growth.TierPerksSchema,
  })
  .strict();

const Trigger = z.union([
  z.object({ kinds: z.array(ActivityKindSchema).min(1), count: z.number().int().min(1).default(1) }).strict(),
  z.object({ tier: growth.TierSchema }).strict(),
]);

const JourneyStep = z
  .object({ stepId: z.string().regex(/^[a-z0-9-]{2,40}$/), title: z.string().min(1), stage: z.string().nullable().default(null), dueDay: z.number().int().min(1), trigger: Trigger, nudge: z.string().min(1).max(500) })
  .strict();

const Journey = z
  .object({ journeyId: z.string().regex(/^[a-z0-9-]{2,40}$/), title: z.string().min(1), durationDays: z.number().int().min(1).max(366), steps: z.array(JourneyStep).min(1) })
  .strict();

export const GrowthRulesSchema = z
  .object({
    version: z.string().min(1).max(40),
    /** Calendar used for expiry dates and monthly reviews. */
    timeZone: z.string().default('Asia/Shanghai'),
    earn: z
      .object({
        /** Points per yuan of a picked-up order, before the category multiplier and the tier's points multiplier. */
        pointsPerYuan: z.number().min(0),
        categoryMultipliers: z.record(z.string(), z.number().min(0)).default({}),
        firstPickup: z.number().int().min(0),
        communityJoined: z.number().int().min(0),
        eventCheckIn: z.number().int().min(0),
        surveyAnswered: z.number().int().min(0),
        proposalCreated: z.number().int().min(0),
        proposalVoted: z.number().int().min(0),
        proposalLaunched: z.number().int().min(0),
        /** To the inviter, after the invitee's first completed order. */
        referralInviter: z.number().int().min(0),
      })
      .strict(),
    /** `end-of-next-year`: earned points expire at the end of the calendar year after the one they were earned in. */
    expiry: z.enum(['none', 'end-of-next-year']),
    tiers: z
      .object({
        windowDays: z.number().int().min(1).max(730),
        weights: z.record(ActivityKindSchema, z.number().int().min(0)),
        levels: z.array(TierRule).length(growth.TIERS.length),
      })
      .strict()
      .refine((t) => t.levels.every((level, i) => level.tier === growth.TIERS[i]), 'levels must be newcomer, regular, co-builder in order')
      .refine((t) => t.levels[0]!.minScore === 0 && t.levels[0]!.requires.length === 0, 'the first level has no requirement'),
    badges: z.array(z.object({ badgeId: z.string().regex(/^[a-z0-9-]{2,40}$/), title: z.string(), description: z.string(), kinds: z.array(ActivityKindSchema).min(1), count: z.number().int().min(1) }).strict()),
    journeys: z.array(Journey).min(1),
    rewards: z.array(z.object({ rewardId: z.string().regex(/^[a-z0-9-]{2,60}$/), title: z.string(), cost: z.number().int().min(1), perMemberLimit: z.number().int().min(1).nullable() }).strict()),
    governance: z.object({ backingMinTier: growth.TierSchema }).strict(),
    referrals: z.object({ claimWindowDays: z.number().int().min(0).max(90), linkBase: z.string().url() }).strict(),
  })
  .strict();
export type GrowthRules = z.infer<typeof GrowthRulesSchema>;
export type TierRule = GrowthRules['tiers']['levels'][number];
export type JourneyRule = GrowthRules['journeys'][number];

export const DEFAULT_GROWTH_RULES: GrowthRules = GrowthRulesSchema.parse({
  version: '2026-12-01',
  timeZone: 'Asia/Shanghai',
  earn: {
    pointsPerYuan: 1,
    categoryMultipliers: { vegetables: 1.5, fruit: 1.5 },
    firstPickup: 50,
    communityJoined: 5,
    eventCheckIn: 20,
    surveyAnswered: 10,
    proposalCreated: 20,
    proposalVoted: 2,
    proposalLaunched: 100,
    referralInviter: 200,
  },
  expiry: 'end-of-next-year',
  tiers: {
    windowDays: 90,
    weights: {
      order: 1,
      pickup: 3,
      'community-join': 1,
      'event-rsvp': 0,
      'event-check-in': 2,
      'event-organised': 3,
      survey: 1,
      proposal: 3,
      vote: 1,
      'proposal-launched': 5,
      'referral-converted': 2,
    },
    levels: [
      { tier: 'newcomer', name: '尝鲜者', minScore: 0, requires: [], perks: { pointsMultiplier: 1, voteWeight: 1, earlyAccessHours: 0, canBackProposals: false } },
      {
        tier: 'regular',
        name: '常客',
        minScore: 8,
        requires: [{ requirement: 'pickups', kinds: ['pickup'], min: 1 }, { requirement: 'community participation', kinds: ['community-join', 'event-check-in', 'survey'], min: 2 }],
        perks: { pointsMultiplier: 1.2, voteWeight: 2, earlyAccessHours: 2, canBackProposals: true },
      },
      {
        tier: 'co-builder',
        name: '共建者',
        minScore: 30,
        requires: [{ requirement: 'pickups', kinds: ['pickup'], min: 4 }, { requirement: 'co-creation', kinds: ['proposal', 'proposal-launched', 'event-organised'], min: 1 }],
        perks: { pointsMultiplier: 1.5, voteWeight: 3, earlyAccessHours: 12, canBackProposals: true },
      },
    ],
  },
  badges: [
    { badgeId: 'first-order', title: '第一单 First order', description: 'Collected a first order at the pickup point', kinds: ['pickup'], count: 1 },
    { badgeId: 'ten-pickups', title: '十次自提 Ten pickups', description: 'Collected ten orders', kinds: ['pickup'], count: 10 },
    { badgeId: 'first-proposal-launched', title: '共创首发 First proposal launched', description: 'A proposal of theirs became a product', kinds: ['proposal-launched'], count: 1 },
    { badgeId: 'event-organiser', title: '活动组织者 Event organiser', description: 'Organised an event neighbours attended', kinds: ['event-organised'], count: 1 },
    { badgeId: 'first-referral', title: '邻里推荐官 Neighbour ambassador', description: 'A neighbour they invited collected a first order', kinds: ['referral-converted'], count: 1 },
  ],
  journeys: [
    {
      journeyId: 'seven-day',
      title: '7天体验计划 7-day experience plan',
      durationDays: 7,
      steps: [
        { stepId: 'first-order', title: '下第一单 Place a first order', dueDay: 1, trigger: { kinds: ['order'] }, nudge: '今日团购已开团，下第一单吧 Today\'s group buy is open: place your first order' },
        { stepId: 'first-pickup', title: '到团长处自提 Collect it from your leader', dueDay: 3, trigger: { kinds: ['pickup'] }, nudge: '你的订单可以自提了 Your order is waiting at the pickup point' },
        { stepId: 'join-community', title: '加入一个兴趣社群 Join a community', dueDay: 4, trigger: { kinds: ['community-join'] }, nudge: '看看邻居们的兴趣社群 See what your neighbours\' communities are up to' },
        { stepId: 'attend-event', title: '参加一次邻里活动 Attend an event', dueDay: 6, trigger: { kinds: ['event-check-in'] }, nudge: '本周有邻里活动，来认识邻居吧 Meet your neighbours at this week\'s event' },
        { stepId: 'answer-survey', title: '给团长打个分 Rate your leader', dueDay: 7, trigger: { kinds: ['survey'] }, nudge: '花10秒告诉我们体验如何 Tell us in 10 seconds how it went' },
        { stepId: 'reach-regular', title: '成为常客 Become a regular (常客)', dueDay: 7, trigger: { tier: 'regular' }, nudge: '离常客只差一步 One step from becoming a regular' },
      ],
    },
    {
      journeyId: 'ninety-day',
      title: '90天成长路径 90-day growth path',
      durationDays: 90,
      steps: [
        { stepId: 'try-first-pickup', title: '尝试：第一次自提 Try: a first pickup', stage: 'try', dueDay: 7, trigger: { kinds: ['pickup'] }, nudge: '来试试明日达 Try next-day delivery to your pickup point' },
        { stepId: 'try-community', title: '尝试：加入社群 Try: join a community', stage: 'try', dueDay: 14, trigger: { kinds: ['community-join'] }, nudge: '有和你一样的邻居 Neighbours with your interests are waiting' },
        { stepId: 'habit-four-pickups', title: '习惯：四次自提 Habit: four pickups', stage: 'habit', dueDay: 30, trigger: { kinds: ['pickup'], count: 4 }, nudge: '本周的新鲜好物已上架 This week\'s fresh picks are in' },
        { stepId: 'habit-regular', title: '习惯：成为常客 Habit: become a regular', stage: 'habit', dueDay: 45, trigger: { tier: 'regular' }, nudge: '再参加一次活动就是常客了 One more event and you are a regular' },
        { stepId: 'reliance-ten-pickups', title: '依赖：十次自提 Reliance: ten pickups', stage: 'reliance', dueDay: 75, trigger: { kinds: ['pickup'], count: 10 }, nudge: '常买的都在这里 Your usual groceries are one tap away' },
        { stepId: 'reliance-co-create', title: '依赖：参与共创 Reliance: co-create a product', stage: 'reliance', dueDay: 90, trigger: { kinds: ['proposal', 'vote'] }, nudge: '你想要什么好物？来提个建议 What should we sell next? Propose it' },
      ],
    },
  ],
  rewards: [
    { rewardId: 'welcome-gift', title: '新人礼 Welcome gift', cost: 50, perMemberLimit: 1 },
    { rewardId: 'coupon-5-yuan', title: '5元优惠券 5-yuan coupon', cost: 500, perMemberLimit: null },
    { rewardId: 'free-delivery', title: '免配送费 Free delivery', cost: 200, perMemberLimit: null },
  ],
  governance: { backingMinTier: 'regular' },
  referrals: { claimWindowDays: 7, linkBase: 'https://linli.app/i/' },
});

/** Parses a rules override (JSON text), naming the bad keys. */
export function parseGrowthRules(json: string): GrowthRules {
  return GrowthRulesSchema.parse(JSON.parse(json));
}

export const tierIndex = (tier: string) => growth.TIERS.indexOf(tier as growth.Tier);

/** The level rule of a tier. */
export function tierRule(rules: GrowthRules, tier: string): TierRule {
  return rules.tiers.levels[Math.max(0, tierIndex(tier))]!;
}

/** Missing requirements of a level given activity over the window. */
export function missingFor(level: TierRule, score: number, counts: Record<string, number>): { requirement: string; have: number; need: number }[] {
  const missing: { requirement: string; have: number; need: number }[] = [];
  if (score < level.minScore) missing.push({ requirement: 'score', have: score, need: level.minScore });
  for (const req of level.requires) {
    const have = req.kinds.reduce((a, k) => a + (counts[k] ?? 0), 0);
    if (have < req.min) missing.push({ requirement: req.requirement, have, need: req.min });
  }
  return missing;
}

/** The highest tier the activity earns. */
export function earnedTier(rules: GrowthRules, score: number, counts: Record<string, number>): growth.Tier {
  let best: growth.Tier = 'newcomer';
  for (const level of rules.tiers.levels) if (missingFor(level, score, counts).length === 0) best = level.tier;
  return best;
}

/** End of the next calendar year in the rules' time zone (the expiry of points earned at `at`). */
export function expiryOf(rules: GrowthRules, at: Date): Date | null {
  if (rules.expiry === 'none') return null;
  const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: rules.timeZone, year: 'numeric' }).format(at));
  // Midnight starting year+2 in the zone, less a millisecond. Offsets of the zones used have no DST at New Year.
  const utcMidnight = Date.UTC(year + 2, 0, 1);
  const offsetMs = zoneOffsetMs(rules.timeZone, new Date(utcMidnight));
  return new Date(utcMidnight - offsetMs - 1);
}

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(timeZone: string, at: Date): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** `YYYY-MM` of an instant in the rules' time zone. */
export function monthOf(rules: GrowthRules, at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: rules.timeZone, year: 'numeric', month: '2-digit' }).format(at).slice(0, 7);
}

/** Points a picked-up order earns: per yuan of each line, times its category's multiplier, times the tier's multiplier, rounded down. */
export function purchasePoints(rules: GrowthRules, lines: { categoryId: string | null; amountCents: number }[], tierMultiplier: number): number {
  let points = 0;
  for (const line of lines) {
    const multiplier = line.categoryId ? (rules.earn.categoryMultipliers[line.categoryId] ?? 1) : 1;
    points += (line.amountCents / 100) * rules.earn.pointsPerYuan * multiplier;
  }
  return Math.floor(points * tierMultiplier + 1e-9);
}

/**
 * The part of `points` that follows a refund taking the refunded money of an order from `before` to
 * `after` cents out of `base` (what was paid in money): floor(points × after / base) less the same
 * for `before`, so successive partial refunds add up to exactly `points` once everything is refunded.
 */
export function refundShare(points: number, base: number, before: number, after: number): number {
  if (points <= 0 || base <= 0) return 0;
  const part = (cents: number) => Math.floor((points * Math.min(Math.max(cents, 0), base)) / base);
  return Math.max(0, part(after) - part(before));
}
