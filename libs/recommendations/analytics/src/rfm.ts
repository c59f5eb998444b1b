/**
 * RFM quintile scores, lifecycle stages and a churn-risk score per customer.
 */
import { dayIndex } from './summary.js';

/** A customer with a single order placed at most this many days ago is `new`. */
export const NEW_CUSTOMER_DAYS = 30;
/** Expected inter-purchase gap used when a customer has fewer than two purchase days. */
export const DEFAULT_GAP_DAYS = 30;
/** Lower bound on a customer's own expected gap (very frequent buyers are not flagged after a few days). */
export const MIN_GAP_DAYS = 7;
/** Recency above this many expected gaps → `at_risk`. */
export const AT_RISK_GAP_RATIO = 2;
/** Recency above this many expected gaps → `lapsed`. */
export const LAPSED_GAP_RATIO = 4;
/** Recency above this many days → `lapsed` whatever the customer's rhythm. */
export const LAPSED_MAX_DAYS = 180;
/** In the churn-risk score, survival halves for every this many overdue gaps. */
export const CHURN_HALF_LIFE_GAPS = 2;

export type LifecycleStage = 'new' | 'active' | 'at_risk' | 'lapsed';

/** What RFM needs per customer (see {@link customerActivity}). */
export interface CustomerActivity {
  customerId: string;
  /** Distinct UTC purchase day numbers, ascending. */
  purchaseDays: number[];
  /** Distinct orders. */
  orders: number;
  /** Total spend in cents. */
  monetaryCents: number;
}

/** Group transactions into per-customer activity (orders = distinct order ids). */
export function customerActivity(
  transactions: Iterable<{ customerId: string; orderId: string; orderedAt: number; amountCents: number }>,
): CustomerActivity[] {
  const acc = new Map<string, { days: Set<number>; orders: Set<string>; cents: number }>();
  for (const t of transactions) {
    let a = acc.get(t.customerId);
    if (!a) acc.set(t.customerId, (a = { days: new Set(), orders: new Set(), cents: 0 }));
    a.days.add(dayIndex(t.orderedAt));
    a.orders.add(t.orderId);
    a.cents += t.amountCents;
  }
  return [...acc].map(([customerId, a]) => ({
    customerId,
    purchaseDays: [...a.days].sort((x, y) => x - y),
    orders: a.orders.size,
    monetaryCents: a.cents,
  }));
}

/**
 * Quintile scores 1–5 by mid-rank percentile: with p = (#smaller + #equal/2) / n, the score is
 * 1 + ⌊5p⌋ (capped at 5); five distinct values score 1…5 and all-equal values score 3. Equal values always get equal scores. With
 * `higherIsBetter = false` the order is reversed (used for recency: recent → 5).
 */
export function quintileScores(values: readonly number[], higherIsBetter = true): number[] {
  const n = values.length;
  const idx = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const out = new Array<number>(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[idx[j + 1]!] === values[idx[i]!]) j++;
    const p = (i + (j - i + 1) / 2) / n;
    const s = Math.min(5, 1 + Math.floor(5 * p + 1e-9));
    for (let t = i; t <= j; t++) out[idx[t]!] = higherIsBetter ? s : 6 - s;
    i = j + 1;
  }
  return out;
}

export interface RfmScore {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetaryCents: number;
  /** 5 = most recent. */
  R: number;
  /** 5 = most orders. */
  F: number;
  /** 5 = highest total spend. */
  M: number;
}

/** RFM quintile scores relative to `referenceDay` (UTC day number, e.g. today). */
export function rfmScores(customers: readonly CustomerActivity[], referenceDay: number): RfmScore[] {
  const rec = customers.map((c) => Math.max(0, referenceDay - (c.purchaseDays[c.purchaseDays.length - 1] ?? referenceDay)));
  const R = quintileScores(rec, false);
  const F = quintileScores(customers.map((c) => c.orders));
  const M = quintileScores(customers.map((c) => c.monetaryCents));
  return customers.map((c, i) => ({ customerId: c.customerId, recencyDays: rec[i]!, frequency: c.orders, monetaryCents: c.monetaryCents, R: R[i]!, F: F[i]!, M: M[i]! }));
}

export interface Lifecycle {
  stage: LifecycleStage;
  recencyDays: number;
  /** The customer's own median gap between purchase days (floored at MIN_GAP_DAYS), or DEFAULT_GAP_DAYS. */
  expectedGapDays: number;
  /** recencyDays / expectedGapDays. */
  gapRatio: number;
}

/** Median gap between consecutive purchase days, or null with fewer than two days. */
export function medianGapDays(days: readonly number[]): number | null {
  if (days.length < 2) return null;
  const gaps: number[] = [];
  for (let i = 1; i < days.length; i++) gaps.push(days[i]! - days[i - 1]!);
  gaps.sort((a, b) => a - b);
  const m = gaps.length >> 1;
  return gaps.length % 2 ? gaps[m]! : (gaps[m - 1]! + gaps[m]!) / 2;
}

/**
 * Lifecycle stage at `referenceDay`:
 * - `new`: one purchase day, at most NEW_CUSTOMER_DAYS ago;
 * - `lapsed`: recency > LAPSED_MAX_DAYS, or > LAPSED_GAP_RATIO × expected gap;
 * - `at_risk`: recency > AT_RISK_GAP_RATIO × expected gap;
 * - `active`: otherwise.
 * The expected gap is the customer's median inter-purchase gap (at least MIN_GAP_DAYS), or
 * DEFAULT_GAP_DAYS for single-purchase customers.
 */
export function lifecycleStage(c: Pick<CustomerActivity, 'purchaseDays'>, referenceDay: number): Lifecycle {
  const last = c.purchaseDays[c.purchaseDays.length - 1] ?? referenceDay;
  const recencyDays = Math.max(0, referenceDay - last);
  const med = medianGapDays(c.purchaseDays);
  const expectedGapDays = med === null ? DEFAULT_GAP_DAYS : Math.max(MIN_GAP_DAYS, med);
  const gapRatio = recencyDays / expectedGapDays;
  let stage: LifecycleStage;
  if (c.purchaseDays.length <= 1 && recencyDays <= NEW_CUSTOMER_DAYS) stage = 'new';
  else if (recencyDays > LAPSED_MAX_DAYS || gapRatio > LAPSED_GAP_RATIO) stage = 'lapsed';
  else if (gapRatio > AT_RISK_GAP_RATIO) stage = 'at_risk';
  else stage = 'active';
  return { stage, recencyDays, expectedGapDays, gapRatio };
}

/**
 * Churn risk in [0, 1]:
 *
 *   churnRisk = 1 − P(alive) · 0.5^(max(0, gapRatio − 1) / CHURN_HALF_LIFE_GAPS)
 *
 * P(alive) comes from the BG/NBD model (1 when unknown). A customer on schedule (gapRatio ≤ 1)
 * has risk 1 − P(alive); every CHURN_HALF_LIFE_GAPS overdue gaps halve the remaining survival.
 */
export function churnRisk(gapRatio: number, pAlive = 1): number {
  const overdue = Math.max(0, gapRatio - 1);
  const survival = Math.min(1, Math.max(0, pAlive)) * Math.pow(0.5, overdue / CHURN_HALF_LIFE_GAPS);
  return 1 - survival;
}
