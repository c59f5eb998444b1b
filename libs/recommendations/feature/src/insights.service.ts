import { Inject, Injectable } from '@nestjs/common';
import type { Actor, recommendations } from '@linli/contracts';
import { TAG_DIMENSIONS, TagInferrer, associationRules, completenessByGroup, type TagName } from '@linli/recommendations-analytics';
import { RecommendationsDb, ReportingRepository, type ReportScope } from '@linli/recommendations-data-access';
import { AccessService } from './access.service.js';
import { TAG_BIT, declaredTags, maskOfStoredTags, productTagMask } from './engine/household.js';
import { rangeOf } from './metrics.service.js';
import { RECOMMENDATIONS_OPTIONS, type RecommendationsOptions } from './recommendations.options.js';

type CompoundInsights = recommendations.CompoundInsights;
type CategoryDemand = CompoundInsights['categories'][number];
type Suggestion = CompoundInsights['suggestions'][number];

/** Default range of insights: 180 local days (enough months for a trend). */
export const INSIGHTS_RANGE_DAYS = 180;
/** A household tag this common suggests a kit. */
export const KIT_HOUSEHOLD_SHARE = 0.2;
/** A pair bought together this much more often than chance (and at least this often) suggests a bundle. */
export const BUNDLE_MIN_LIFT = 2;
export const BUNDLE_MIN_COUNT = 5;
/** A category growing this fast a month, with at least this share of revenue, is worth planning for. */
export const GROWTH_MIN = 0.1;
export const GROWTH_MIN_REVENUE_SHARE = 0.05;

/** Kits are proposed for the most specific tag first. */
const KIT_PRIORITY: readonly TagName[] = ['has_infant', 'has_children', 'elderly', 'pet_owner', 'vegetarian', 'health_conscious', 'light_food'];

/** Who the households with a tag are, in a sentence. */
export const TAG_PHRASE: Readonly<Record<TagName, string>> = {
  has_children: 'children',
  has_infant: 'children under 3',
  elderly: 'elderly members',
  health_conscious: 'health-conscious eaters',
  light_food: 'light-meal eaters',
  vegetarian: 'vegetarians',
  pet_owner: 'pets',
};

const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * Average month-over-month growth of a series by a log-linear least-squares fit: exp(slope) − 1.
 * Needs at least 3 positive values; months without sales are left out.
 */
export function monthlyGrowth(values: readonly number[]): number | null {
  const points = values.map((v, i) => [i, v] as const).filter(([, v]) => v > 0);
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, v]) => s + Math.log(v), 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, v] of points) {
    sxy += (x - mx) * (Math.log(v) - my);
    sxx += (x - mx) ** 2;
  }
  return sxx > 0 ? Math.round((Math.exp(sxy / sxx) - 1) * 10_000) / 10_000 : null;
}

/** `YYYY-MM` months from `from` to `to` inclusive. */
export function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const end = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    out.push(month);
    if (month >= end) return out;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

function isLastDayOfMonth(date: string): boolean {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).getUTCDate() === 1;
}

/**
 * Demand insights for one compound: household composition (declared + inferred), category demand
 * with its monthly trend, frequently-bought-together pairs, and product-planning suggestions that
 * state their evidence.
 */
@Injectable()
export class InsightsService {
  private readonly reporting = new ReportingRepository();
  private readonly inferrer = new TagInferrer();

  constructor(
    @Inject(RecommendationsDb) private readonly db: RecommendationsDb,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(RECOMMENDATIONS_OPTIONS) private readonly options: RecommendationsOptions,
  ) {}

  async compound(actor: Actor, req: { compoundId: string; from?: string; to?: string }, now = new Date()): Promise<CompoundInsights> {
    await this.access.assertCompound(actor, req.compoundId);
    const tz = this.options.reportingTimeZone;
    const { from, to } = rangeOf(req.from, req.to, tz, INSIGHTS_RANGE_DAYS);
    const scope: ReportScope = { from, to, timeZone: tz, compoundId: req.compoundId, pickupPointId: null };
    const [households, months, customersByCategory, baskets] = await Promise.all([
      this.reporting.compoundHouseholds(this.db, req.compoundId),
      this.reporting.categoryMonths(this.db, scope),
      this.reporting.categoryCustomers(this.db, scope),
      this.reporting.baskets(this.db, scope),
    ]);

    // household composition
    const declaredCount = new Map<TagName, number>();
    const inferredCount = new Map<TagName, number>();
    const completeness: { group: string; completeness: number }[] = [];
    for (const h of households) {
      const declared = declaredTags(h, now);
      const inferred = h.profilingConsent === true ? maskOfStoredTags(Array.isArray(h.tags) ? (h.tags as { source?: string }[]).filter((t) => t.source === 'inferred') : []) : 0;
      let known = 0;
      for (const tag of TAG_DIMENSIONS) {
        if (declared[tag] !== undefined || inferred & TAG_BIT[tag]) known++;
        if (declared[tag] === true) declaredCount.set(tag, (declaredCount.get(tag) ?? 0) + 1);
        else if (declared[tag] === undefined && inferred & TAG_BIT[tag]) inferredCount.set(tag, (inferredCount.get(tag) ?? 0) + 1);
      }
      completeness.push({ group: req.compoundId, completeness: known / TAG_DIMENSIONS.length });
    }
    const tagCompleteness = round4(completenessByGroup(completeness).get(req.compoundId)?.completeness ?? 0);
    const customers = households.length;
    const household = TAG_DIMENSIONS.map((tag) => {
      const d = declaredCount.get(tag) ?? 0;
      const i = inferredCount.get(tag) ?? 0;
      return { tag, declared: d, inferred: i, share: customers > 0 ? Math.round(((d + i) / customers) * 10_000) / 10_000 : 0 };
    });

    // category demand and trend (growth over complete months only)
    const allMonths = monthsOf(from, to);
    const completeMonths = isLastDayOfMonth(to) ? allMonths : allMonths.slice(0, -1);
    const byCategory = new Map<string, Map<string, { revenue: number; orders: number }>>();
    for (const row of months) {
      let m = byCategory.get(row.category);
      if (!m) byCategory.set(row.category, (m = new Map()));
      m.set(row.month, { revenue: row.revenue, orders: row.orders });
    }
    const categories: CategoryDemand[] = [...byCategory].map(([category, m]) => ({
      category,
      revenueCents: Math.round([...m.values()].reduce((s, v) => s + v.revenue, 0)),
      orders: [...m.values()].reduce((s, v) => s + v.orders, 0),
      customers: customersByCategory.get(category) ?? 0,
      monthly: allMonths.map((month) => ({ month, revenueCents: Math.round(m.get(month)?.revenue ?? 0), orders: m.get(month)?.orders ?? 0 })),
      monthlyGrowth: monthlyGrowth(completeMonths.map((month) => m.get(month)?.revenue ?? 0)),
    }));
    categories.sort((a, b) => b.revenueCents - a.revenueCents || (a.category < b.category ? -1 : 1));
    const totalRevenue = categories.reduce((s, c) => s + c.revenueCents, 0);

    // frequently bought together
    const rules = associationRules(baskets, { minCount: 3, limit: 20 });
    const names = await this.reporting.itemNames(this.db, [...new Set(rules.flatMap((r) => [r.antecedent, r.consequent]))]);
    const boughtTogether = rules.map((r) => ({
      antecedent: { itemId: r.antecedent, name: names.get(r.antecedent) ?? null },
      consequent: { itemId: r.consequent, name: names.get(r.consequent) ?? null },
      count: r.count,
      support: round4(r.support),
      confidence: round4(r.confidence),
      lift: round4(r.lift),
    }));

    const suggestions: Suggestion[] = [];
    const kitCategories = new Set<string>();
    // Most specific tags first, so "children under 3" is proposed rather than "children" for the same kit.
    const byPriority = [...household].sort((a, b) => KIT_PRIORITY.indexOf(a.tag as TagName) - KIT_PRIORITY.indexOf(b.tag as TagName));
    for (const h of byPriority) {
      if (h.share < KIT_HOUSEHOLD_SHARE) continue;
      const tag = h.tag as TagName;
      const related = categories.filter((c) => productTagMask(this.inferrer, '', c.category) & TAG_BIT[tag]);
      const best = [...related].sort((a, b) => (b.monthlyGrowth ?? -Infinity) - (a.monthlyGrowth ?? -Infinity) || b.revenueCents - a.revenueCents)[0];
      if (!best || kitCategories.has(best.category)) continue; // nothing sold for them yet, or already proposed
      kitCategories.add(best.category);
      const label = best.category.split('/').pop()!.replace(/-/g, ' ');
      let evidence = `${pct(h.share)} of households have ${TAG_PHRASE[tag]}`;
      const metrics: Record<string, number> = { householdShare: h.share, households: h.declared + h.inferred };
      if (best.monthlyGrowth !== null && best.monthlyGrowth > 0) {
        evidence += ` and ${label} sales grow ${pct(best.monthlyGrowth)} a month`;
        metrics['monthlyGrowth'] = best.monthlyGrowth;
      } else {
        evidence += ` and ${best.customers} customers bought ${label} in the period`;
        metrics['categoryCustomers'] = best.customers;
      }
      suggestions.push({ kind: 'household_kit', title: `Propose a ${label} kit for households with ${TAG_PHRASE[tag]}`, evidence, metrics });
    }
    const seenPairs = new Set<string>();
    for (const r of boughtTogether) {
      if (r.lift < BUNDLE_MIN_LIFT || r.count < BUNDLE_MIN_COUNT) continue;
      const key = [r.antecedent.itemId, r.consequent.itemId].sort().join('\u0000');
      if (seenPairs.has(key)) continue;
      seenPairs.add(key);
      const a = r.antecedent.name ?? r.antecedent.itemId;
      const b = r.consequent.name ?? r.consequent.itemId;
      suggestions.push({
        kind: 'bundle',
        title: `Bundle ${a} with ${b}`,
        evidence: `${pct(r.confidence)} of baskets with ${a} also have ${b} (${r.count} orders, ${r.lift.toFixed(1)}× more often than chance)`,
        metrics: { confidence: r.confidence, lift: r.lift, orders: r.count },
      });
      if (seenPairs.size >= 3) break;
    }
    for (const c of categories) {
      const share = totalRevenue > 0 ? c.revenueCents / totalRevenue : 0;
      if (c.monthlyGrowth === null || c.monthlyGrowth < GROWTH_MIN || share < GROWTH_MIN_REVENUE_SHARE) continue;
      suggestions.push({
        kind: 'growing_category',
        title: `Plan more ${c.category} in upcoming campaigns`,
        evidence: `${c.category} sales grow ${pct(c.monthlyGrowth)} a month and are ${pct(share)} of the compound's revenue`,
        metrics: { monthlyGrowth: c.monthlyGrowth, revenueShare: round4(share) },
      });
    }
    return { compoundId: req.compoundId, from, to, customers, tagCompleteness, household, categories, boughtTogether, suggestions };
  }
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
