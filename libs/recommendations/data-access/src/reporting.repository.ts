import type { SqlExecutor } from '@linli/nest-kit';

/** Counted purchases in a date range (local days of `timeZone`, `to` inclusive), optionally of one compound or pickup point. */
export interface ReportScope {
  from: string;
  to: string;
  timeZone: string;
  compoundId: string | null;
  pickupPointId: string | null;
}

const SCOPED = `status IN ('paid', 'completed')
  AND ($4::text IS NULL OR compound_id = $4)
  AND ($5::text IS NULL OR pickup_point_id = $5)`;
const IN_RANGE = `ordered_at >= ($1::date::timestamp AT TIME ZONE $3) AND ordered_at < (($2::date + 1)::timestamp AT TIME ZONE $3)`;

const args = (s: ReportScope) => [s.from, s.to, s.timeZone, s.compoundId, s.pickupPointId] as const;

/** Aggregates for asset metrics and compound insights. */
export class ReportingRepository {
  async totals(tx: SqlExecutor, s: ReportScope): Promise<{ customers: number; orders: number; revenueCents: number; repeaters: number; crossBuyers: number }> {
    const rows = await tx.$queryRawUnsafe<{ customers: number; orders: number; revenue: number; repeaters: number; cross_buyers: number }[]>(
      `WITH per_customer AS (
         SELECT user_id, count(DISTINCT order_id) AS orders, count(DISTINCT nullif(split_part(category, '/', 1), '')) AS categories,
                sum(amount_cents - refunded_cents) AS net
           FROM purchases WHERE ${SCOPED} AND ${IN_RANGE} GROUP BY user_id),
       service_buyers AS (
         SELECT DISTINCT user_id FROM service_purchases
          WHERE status = 'completed' AND ($4::text IS NULL OR compound_id = $4)
            AND booked_at >= ($1::date::timestamp AT TIME ZONE $3) AND booked_at < (($2::date + 1)::timestamp AT TIME ZONE $3))
       SELECT count(*)::int AS customers, coalesce(sum(orders), 0)::int AS orders, coalesce(sum(net), 0)::float8 AS revenue,
              count(*) FILTER (WHERE orders >= 2)::int AS repeaters,
              count(*) FILTER (WHERE categories >= 2 OR user_id IN (SELECT user_id FROM service_buyers))::int AS cross_buyers
         FROM per_customer`,
      ...args(s),
    );
    const r = rows[0]!;
    return { customers: r.customers, orders: r.orders, revenueCents: r.revenue, repeaters: r.repeaters, crossBuyers: r.cross_buyers };
  }

  /**
   * NPS answers in the range (local days, `to` inclusive) and scope: all of them, one compound's, or
   * one pickup point's (its leader's). Promoters score 9–10, detractors 0–6.
   */
  async npsCounts(tx: SqlExecutor, s: ReportScope): Promise<{ responses: number; promoters: number; detractors: number }> {
    const rows = await tx.$queryRawUnsafe<{ responses: number; promoters: number; detractors: number }[]>(
      `SELECT count(*)::int AS responses, count(*) FILTER (WHERE score >= 9)::int AS promoters, count(*) FILTER (WHERE score <= 6)::int AS detractors
         FROM nps_responses
        WHERE answered_at >= ($1::date::timestamp AT TIME ZONE $3) AND answered_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
          AND ($4::text IS NULL OR compound_id = $4) AND ($5::text IS NULL OR pickup_point_id = $5)`,
      ...args(s),
    );
    return rows[0]!;
  }

  /** Predicted CLV (cents) of the customers active in the scope and range, ascending. */
  async clvOfActive(tx: SqlExecutor, s: ReportScope): Promise<number[]> {
    const rows = await tx.$queryRawUnsafe<{ clv: number }[]>(
      `SELECT a.clv_cents AS clv FROM customer_assets a
        WHERE a.clv_cents IS NOT NULL AND a.user_id IN (SELECT DISTINCT user_id FROM purchases WHERE ${SCOPED} AND ${IN_RANGE})
        ORDER BY a.clv_cents`,
      ...args(s),
    );
    return rows.map((r) => r.clv);
  }

  /**
   * Customers by the month of their first counted purchase in the scope (cohorts starting within the
   * range), and how many of each bought again k months later (k = 0 is the cohort itself).
   */
  async cohorts(tx: SqlExecutor, s: ReportScope): Promise<{ cohort: string; k: number; customers: number }[]> {
    return tx.$queryRawUnsafe<{ cohort: string; k: number; customers: number }[]>(
      `WITH scoped AS (
         SELECT user_id, date_trunc('month', ordered_at AT TIME ZONE $3) AS m
           FROM purchases WHERE ${SCOPED} AND ordered_at < (($2::date + 1)::timestamp AT TIME ZONE $3)),
       firsts AS (SELECT user_id, min(m) AS c FROM scoped GROUP BY user_id),
       active AS (
         SELECT DISTINCT s.user_id, f.c, s.m FROM scoped s JOIN firsts f ON f.user_id = s.user_id
          WHERE f.c >= date_trunc('month', $1::date::timestamp))
       SELECT to_char(c, 'YYYY-MM') AS cohort,
              ((extract(year FROM m) - extract(year FROM c)) * 12 + extract(month FROM m) - extract(month FROM c))::int AS k,
              count(*)::int AS customers
         FROM active GROUP BY c, m ORDER BY c, m`,
      ...args(s),
    );
  }

  /** Revenue and orders per category and local month. */
  async categoryMonths(tx: SqlExecutor, s: ReportScope): Promise<{ category: string; month: string; revenue: number; orders: number }[]> {
    return tx.$queryRawUnsafe(
      `SELECT category, to_char(date_trunc('month', ordered_at AT TIME ZONE $3), 'YYYY-MM') AS month,
              sum(amount_cents - refunded_cents)::float8 AS revenue, count(DISTINCT (user_id, order_id))::int AS orders
         FROM purchases WHERE ${SCOPED} AND ${IN_RANGE} AND category <> ''
        GROUP BY 1, 2 ORDER BY 1, 2`,
      ...args(s),
    );
  }

  async categoryCustomers(tx: SqlExecutor, s: ReportScope): Promise<Map<string, number>> {
    const rows = await tx.$queryRawUnsafe<{ category: string; customers: number }[]>(
      `SELECT category, count(DISTINCT user_id)::int AS customers FROM purchases WHERE ${SCOPED} AND ${IN_RANGE} AND category <> '' GROUP BY 1`,
      ...args(s),
    );
    return new Map(rows.map((r) => [r.category, r.customers]));
  }

  /** Item baskets (one per order) in the scope and range. */
  async baskets(tx: SqlExecutor, s: ReportScope): Promise<string[][]> {
    const rows = await tx.$queryRawUnsafe<{ items: string[] }[]>(
      `SELECT array_agg(DISTINCT item_id) AS items FROM purchases WHERE ${SCOPED} AND ${IN_RANGE} AND item_id <> '' GROUP BY user_id, order_id`,
      ...args(s),
    );
    return rows.map((r) => r.items);
  }

  /** Customers of a compound with what household composition needs. */
  async compoundHouseholds(
    tx: SqlExecutor,
    compoundId: string,
  ): Promise<{ userId: string; profilingConsent: boolean | null; household: unknown; dietary: unknown; attributes: Record<string, string> | null; tags: unknown }[]> {
    const rows = await tx.$queryRawUnsafe<{ user_id: string; profiling_consent: boolean | null; household: unknown; dietary: unknown; attributes: Record<string, string> | null; tags: unknown }[]>(
      `SELECT c.user_id, c.profiling_consent, c.household, c.dietary, c.attributes, a.tags
         FROM customers c LEFT JOIN customer_assets a ON a.user_id = c.user_id WHERE c.compound_id = $1`,
      compoundId,
    );
    return rows.map((r) => ({ userId: r.user_id, profilingConsent: r.profiling_consent, household: r.household, dietary: r.dietary, attributes: r.attributes, tags: r.tags }));
  }

  /** Display names of items (product name and SKU spec where the catalogue has them). */
  async itemNames(tx: SqlExecutor, itemIds: string[]): Promise<Map<string, string>> {
    if (itemIds.length === 0) return new Map();
    const rows = await tx.$queryRawUnsafe<{ item_id: string; name: string | null }[]>(
      `SELECT i.item_id, CASE WHEN s.spec IS NULL OR s.spec = '' THEN p.name ELSE p.name || ' ' || s.spec END AS name
         FROM unnest($1::text[]) AS i(item_id)
         LEFT JOIN skus s ON s.sku_id = i.item_id
         LEFT JOIN products p ON p.product_id = coalesce(s.product_id, i.item_id)`,
      itemIds,
    );
    return new Map(rows.filter((r) => r.name).map((r) => [r.item_id, r.name!]));
  }
}
