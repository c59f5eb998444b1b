/**
 * Per-customer recency/frequency/monetary summary in the form the "buy till you die" models
 * expect (Fader, Hardie & Lee 2005): x = number of repeat transactions in the calibration
 * period, t_x = time of the last transaction, T = time the customer has been observed, each
 * measured from the customer's first transaction.
 */

/** The minimal transaction shape the summaries need (a {@link Transaction} fits). */
export interface DatedAmount {
  customerId: string;
  /** Epoch milliseconds. */
  orderedAt: number;
  amountCents: number;
}

export type TimeUnit = 'week' | 'day';

export const MS_PER_DAY = 86_400_000;

/** Days per model time unit. */
export function unitDays(unit: TimeUnit): number {
  return unit === 'week' ? 7 : 1;
}

/** UTC day number (days since 1970-01-01) of an epoch-ms instant. */
export function dayIndex(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** UTC day number of a `YYYY-MM-DD` date (or any ISO-8601 instant). */
export function parseDay(date: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date);
  if (!Number.isFinite(ms)) throw new RangeError(`not a date: ${date}`);
  return dayIndex(ms);
}

export interface RfmSummaryOptions {
  /** Last day of the calibration period, inclusive (`YYYY-MM-DD`). */
  calibrationEnd: string;
  /** Optional last day of the holdout period, inclusive; fills `holdoutX` and `holdoutLength`. */
  holdoutEnd?: string;
  /** Model time unit (default `week`). */
  timeUnit?: TimeUnit;
}

export interface CustomerSummary {
  customerId: string;
  /** Repeat transactions (distinct purchase days − 1) in the calibration period. */
  x: number;
  /** Time from the first to the last calibration transaction, in time units. */
  tx: number;
  /** Time from the first transaction to the end of the calibration period, in time units. */
  T: number;
  /** Mean value of the repeat transactions (first excluded), in currency units (cents / 100); 0 when x = 0. */
  monetaryValue: number;
  /** Value of the first transaction in currency units. */
  firstValue: number;
  /** UTC day numbers of the first and last calibration transactions. */
  firstDay: number;
  lastDay: number;
  /** Transactions (distinct purchase days) in the holdout period; 0 without a holdout. */
  holdoutX: number;
  /** Length of the holdout period in time units; 0 without a holdout. */
  holdoutLength: number;
  /** Total spend in the holdout period, in currency units. */
  holdoutValue: number;
}

/**
 * Summarise transactions per customer.
 *
 * - Several purchases by one customer on one (UTC) day count as one transaction; their amounts
 *   are summed.
 * - Only customers whose first purchase falls in the calibration period are included.
 * - Time is counted in whole days and a purchase is placed at the end of its day, as in the
 *   paper's CDNOW data: the calibration period ends at the end of `calibrationEnd`, so
 *   T = (calibrationEnd − first day) / unit and t_x = (last day − first day) / unit. With
 *   `calibrationEnd` = 1997-09-30 (the end of week 39) and weekly units, a customer first seen
 *   on 1997-01-01 (the end of day 1) has T = 272/7 = 38.86 weeks, exactly as in Fader, Hardie &
 *   Lee's CDNOW sample.
 * - The holdout covers the days after `calibrationEnd` up to and including `holdoutEnd`;
 *   its length is (holdoutEnd − calibrationEnd) / unit.
 */
export function rfmSummary(transactions: Iterable<DatedAmount>, opts: RfmSummaryOptions): CustomerSummary[] {
  const unit = unitDays(opts.timeUnit ?? 'week');
  const calEndExcl = parseDay(opts.calibrationEnd) + 1;
  const holdEndExcl = opts.holdoutEnd !== undefined ? parseDay(opts.holdoutEnd) + 1 : calEndExcl;
  if (holdEndExcl < calEndExcl) throw new RangeError('holdoutEnd is before calibrationEnd');
  // customer -> day -> summed cents
  const perCustomer = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    const d = dayIndex(t.orderedAt);
    if (d >= holdEndExcl) continue;
    let days = perCustomer.get(t.customerId);
    if (!days) perCustomer.set(t.customerId, (days = new Map()));
    days.set(d, (days.get(d) ?? 0) + t.amountCents);
  }
  const out: CustomerSummary[] = [];
  for (const [customerId, days] of perCustomer) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0]!;
    if (first >= calEndExcl) continue;
    let last = first;
    let x = 0;
    let repeatCents = 0;
    let holdoutX = 0;
    let holdoutCents = 0;
    for (const d of sorted) {
      if (d < calEndExcl) {
        last = d;
        if (d !== first) {
          x++;
          repeatCents += days.get(d)!;
        }
      } else {
        holdoutX++;
        holdoutCents += days.get(d)!;
      }
    }
    out.push({
      customerId,
      x,
      tx: (last - first) / unit,
      T: (calEndExcl - 1 - first) / unit,
      monetaryValue: x > 0 ? repeatCents / x / 100 : 0,
      firstValue: days.get(first)! / 100,
      firstDay: first,
      lastDay: last,
      holdoutX,
      holdoutLength: (holdEndExcl - calEndExcl) / unit,
      holdoutValue: holdoutCents / 100,
    });
  }
  out.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  return out;
}
