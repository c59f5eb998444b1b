import { Inject, Injectable } from '@nestjs/common';
import type { Actor, recommendations } from '@linli/contracts';
import { RecommendationsDb, ReferralsRepository, ReportingRepository, type ReportScope } from '@linli/recommendations-data-access';
import { AccessService } from './access.service.js';
import { RECOMMENDATIONS_OPTIONS, type RecommendationsOptions } from './recommendations.options.js';
import { RecommendationsErrors } from './recommendations.exception.js';

type AssetMetrics = recommendations.AssetMetrics;

/** Default range: the 90 local days up to today. */
export const DEFAULT_RANGE_DAYS = 90;
/** LTV histogram bucket edges in cents (the last bucket is open). */
export const LTV_EDGES_CENTS = [0, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000];

/** Today's date in a time zone (`YYYY-MM-DD`). */
export function localToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The range asked for, defaulted and checked (`from` ≤ `to`). */
export function rangeOf(from: string | undefined, to: string | undefined, timeZone: string, defaultDays = DEFAULT_RANGE_DAYS): { from: string; to: string } {
  const end = to ?? localToday(timeZone);
  const start = from ?? shiftDate(end, -(defaultDays - 1));
  if (start > end) throw RecommendationsErrors.invalid('the range is empty', [{ path: 'from', message: 'must not be after to' }]);
  return { from: start, to: end };
}

/** Linear-interpolated percentile (the type 7 definition) of ascending values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Months from `a` to `b` (`YYYY-MM`). */
export function monthsBetween(a: string, b: string): number {
  const [ya, ma] = a.split('-').map(Number) as [number, number];
  const [yb, mb] = b.split('-').map(Number) as [number, number];
  return (yb - ya) * 12 + (mb - ma);
}

/**
 * NPS = % promoters (9–10) − % detractors (0–6) of the answers, from −100 to 100, one decimal; null
 * without answers.
 */
export function npsMetric(c: { responses: number; promoters: number; detractors: number }): { value: number | null; note: string | null } {
  if (c.responses === 0) return { value: null, note: 'no NPS answers in this range and scope' };
  const value = Math.round(((c.promoters - c.detractors) / c.responses) * 1000) / 10;
  return { value, note: `${c.responses} answer(s): ${c.promoters} promoter(s), ${c.detractors} detractor(s)` };
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

/**
 * Asset metrics over a date range for the platform, a compound or a pickup point (definitions in
 * the README): customers, orders, revenue, repurchase and cross-purchase rates, ARPU, the predicted
 * LTV distribution, cohort retention, NPS from the communities service's survey answers and the
 * K-factor from the growth system's referral events.
 */
@Injectable()
export class MetricsService {
  private readonly reporting = new ReportingRepository();
  private readonly referrals = new ReferralsRepository();

  constructor(
    @Inject(RecommendationsDb) private readonly db: RecommendationsDb,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(RECOMMENDATIONS_OPTIONS) private readonly options: RecommendationsOptions,
  ) {}

  async assetMetrics(actor: Actor, req: { compoundId?: string; pickupPointId?: string; from?: string; to?: string }): Promise<AssetMetrics> {
    const reach = await this.access.reach(actor);
    if (reach.kind === 'points') {
      if (!req.compoundId && !req.pickupPointId) throw RecommendationsErrors.forbidden('leaders see metrics of their own pickup points or compounds; name one');
      if (req.pickupPointId) await this.access.assertPickupPoint(actor, req.pickupPointId);
      if (req.compoundId) await this.access.assertCompound(actor, req.compoundId);
    }
    const tz = this.options.reportingTimeZone;
    const { from, to } = rangeOf(req.from, req.to, tz, DEFAULT_RANGE_DAYS);
    const scope: ReportScope = { from, to, timeZone: tz, compoundId: req.compoundId ?? null, pickupPointId: req.pickupPointId ?? null };
    const [totals, clv, cohortRows, nps, referralMonths] = await Promise.all([
      this.reporting.totals(this.db, scope),
      this.reporting.clvOfActive(this.db, scope),
      this.reporting.cohorts(this.db, scope),
      this.reporting.npsCounts(this.db, scope),
      this.referrals.kFactorMonths(this.db, scope),
    ]);
    const lastMonth = to.slice(0, 7);
    const cohortMap = new Map<string, Map<number, number>>();
    for (const row of cohortRows) {
      let m = cohortMap.get(row.cohort);
      if (!m) cohortMap.set(row.cohort, (m = new Map()));
      m.set(row.k, row.customers);
    }
    const cohorts = [...cohortMap].map(([cohort, byK]) => {
      const size = byK.get(0) ?? 0;
      const span = monthsBetween(cohort, lastMonth);
      const retention = Array.from({ length: span + 1 }, (_, k) => (size > 0 ? Math.round(((byK.get(k) ?? 0) / size) * 10_000) / 10_000 : 0));
      return { cohort, size, retention };
    });
    const histogram = LTV_EDGES_CENTS.map((edge, i) => {
      const next = LTV_EDGES_CENTS[i + 1] ?? null;
      return { fromCents: edge, toCents: next, customers: clv.filter((v) => v >= edge && (next === null || v < next)).length };
    });
    const notes: string[] = [];
    if (totals.customers > clv.length) notes.push(`${totals.customers - clv.length} active customer(s) have no predicted LTV yet (computed on the asset schedule).`);
    return {
      scope: req.pickupPointId
        ? { kind: 'pickup-point', id: req.pickupPointId }
        : req.compoundId
          ? { kind: 'compound', id: req.compoundId }
          : { kind: 'platform', id: null },
      from,
      to,
      customers: totals.customers,
      orders: totals.orders,
      revenueCents: Math.round(totals.revenueCents),
      repurchaseRate: ratio(totals.repeaters, totals.customers),
      crossPurchaseRate: ratio(totals.crossBuyers, totals.customers),
      arpuCents: totals.customers > 0 ? Math.round(totals.revenueCents / totals.customers) : null,
      ltv: {
        customers: clv.length,
        meanCents: clv.length ? Math.round(clv.reduce((a, b) => a + b, 0) / clv.length) : null,
        percentilesCents: clv.length
          ? { p10: percentile(clv, 0.1), p25: percentile(clv, 0.25), p50: percentile(clv, 0.5), p75: percentile(clv, 0.75), p90: percentile(clv, 0.9) }
          : null,
        histogram,
      },
      nps: npsMetric(nps),
      ...kFactorOf(referralMonths, totals.customers),
      cohorts,
      notes,
    };
  }
}

/**
 * K-factor = invitations per active customer × conversion of those invitations (= conversions /
 * active customers), over the range and month by month; null without active customers.
 */
export function kFactorOf(
  months: { month: string; invitesSent: number; signUps: number; conversions: number; customers: number }[],
  customers: number,
): Pick<AssetMetrics, 'kFactor' | 'kFactorByMonth'> {
  const k = (invites: number, conversions: number, base: number) => (base > 0 ? Math.round((invites / base) * (invites > 0 ? conversions / invites : 0) * 10_000) / 10_000 : null);
  const invites = months.reduce((a, m) => a + m.invitesSent, 0);
  const conversions = months.reduce((a, m) => a + m.conversions, 0);
  const value = k(invites, conversions, customers);
  return {
    kFactor: {
      value,
      note: value === null ? 'no active customers in the range' : `${invites} invitation(s) sent, ${conversions} converted (first completed order), ${customers} active customer(s)`,
    },
    kFactorByMonth: months.map((m) => ({ ...m, kFactor: k(m.invitesSent, m.conversions, m.customers) })),
  };
}
