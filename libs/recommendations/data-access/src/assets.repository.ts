import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '@linli/nest-kit';

export interface AssetRow {
  userId: string;
  asOf: string;
  recencyDays: number;
  frequency: number;
  monetaryCents: number;
  r: number;
  f: number;
  m: number;
  stage: string;
  expectedGapDays: number;
  gapRatio: number;
  pAlive: number | null;
  expectedPurchases90d: number | null;
  clvCents: number | null;
  churnRisk: number;
  tags: unknown[];
  completeness: number;
}

export interface StoredAsset extends AssetRow {
  computedAt: Date;
}

export interface ModelFitRow {
  id: string;
  model: 'bgnbd' | 'gamma_gamma';
  status: 'converged' | 'failed';
  params: Record<string, number> | null;
  logLikelihood: number | null;
  customers: number;
  reason: string | null;
  asOf: string;
  fittedAt: Date;
}

export interface BacktestRow {
  id: string;
  status: 'ok' | 'failed';
  calibrationEnd: string;
  holdoutEnd: string;
  result: Record<string, unknown>;
  reason: string | null;
  ranAt: Date;
}

export interface SegmentRow {
  id: string;
  name: string;
  description: string;
  rule: Record<string, unknown>;
  pickupPointId: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

type RawAsset = {
  user_id: string;
  as_of: string;
  recency_days: number;
  frequency: number;
  monetary_cents: number;
  r: number;
  f: number;
  m: number;
  stage: string;
  expected_gap_days: number;
  gap_ratio: number;
  p_alive: number | null;
  expected_purchases_90d: number | null;
  clv_cents: number | null;
  churn_risk: number;
  tags: unknown[];
  completeness: number;
  computed_at: Date;
};

/** The stored asset's measures (everything but whose and when), from its row. */
function assetFields(r: Omit<RawAsset, 'user_id' | 'as_of' | 'computed_at'>): Omit<AssetRow, 'userId' | 'asOf'> {
  return {
    recencyDays: r.recency_days,
    frequency: r.frequency,
    monetaryCents: Number(r.monetary_cents),
    r: r.r,
    f: r.f,
    m: r.m,
    stage: r.stage,
    expectedGapDays: r.expected_gap_days,
    gapRatio: r.gap_ratio,
    pAlive: r.p_alive,
    expectedPurchases90d: r.expected_purchases_90d,
    clvCents: r.clv_cents,
    churnRisk: r.churn_risk,
    tags: r.tags,
    completeness: r.completeness,
  };
}

type RawSegment = {
  id: string;
  name: string;
  description: string;
  rule: Record<string, unknown>;
  pickup_point_id: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};

const segmentOf = (r: RawSegment): SegmentRow => ({
  id: r.id,
  name: r.name,
  description: r.description,
  rule: r.rule,
  pickupPointId: r.pickup_point_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const SEGMENT_COLUMNS = 'id::text, name, description, rule, pickup_point_id, created_by, created_at, updated_at';

/** A customer as segment rules see them. */
export interface SegmentCandidate {
  userId: string;
  compoundId: string | null;
  pickupPointId: string | null;
  profilingConsent: boolean | null;
  household: unknown;
  dietary: unknown;
  attributes: Record<string, string> | null;
  asset: Omit<AssetRow, 'userId' | 'asOf'> | null;
}

/** Customer assets, model fits, backtests and segments. */
export class AssetsRepository {
  /** When customer assets were last computed (by any replica), if ever. */
  async lastComputedAt(tx: SqlExecutor): Promise<Date | null> {
    const rows = await tx.$queryRawUnsafe<{ last: Date | null }[]>('SELECT max(computed_at) AS last FROM customer_assets');
    const last = rows[0]?.last;
    return last ? new Date(last) : null;
  }

  /** Replaces the assets of the given customers (one statement per batch). */
  async upsertAssets(tx: SqlExecutor, rows: AssetRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof AssetRow>(key: K) => rows.map((row) => row[key]);
    await tx.$executeRawUnsafe(
      `INSERT INTO customer_assets (user_id, as_of, recency_days, frequency, monetary_cents, r, f, m, stage, expected_gap_days, gap_ratio,
                                    p_alive, expected_purchases_90d, clv_cents, churn_risk, tags, completeness, computed_at)
       SELECT a.*, now() FROM unnest($1::text[], $2::date[], $3::int[], $4::int[], $5::bigint[], $6::int[], $7::int[], $8::int[], $9::text[],
                                     $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::int[], $15::float8[], $16::jsonb[], $17::float8[])
              AS a(user_id, as_of, recency_days, frequency, monetary_cents, r, f, m, stage, expected_gap_days, gap_ratio, p_alive,
                   expected_purchases_90d, clv_cents, churn_risk, tags, completeness)
       ON CONFLICT (user_id) DO UPDATE SET as_of = EXCLUDED.as_of, recency_days = EXCLUDED.recency_days, frequency = EXCLUDED.frequency,
         monetary_cents = EXCLUDED.monetary_cents, r = EXCLUDED.r, f = EXCLUDED.f, m = EXCLUDED.m, stage = EXCLUDED.stage,
         expected_gap_days = EXCLUDED.expected_gap_days, gap_ratio = EXCLUDED.gap_ratio, p_alive = EXCLUDED.p_alive,
         expected_purchases_90d = EXCLUDED.expected_purchases_90d, clv_cents = EXCLUDED.clv_cents, churn_risk = EXCLUDED.churn_risk,
         tags = EXCLUDED.tags, completeness = EXCLUDED.completeness, computed_at = now()`,
      col('userId'),
      col('asOf'),
      col('recencyDays'),
      col('frequency'),
      col('monetaryCents'),
      col('r'),
      col('f'),
      col('m'),
      col('stage'),
      col('expectedGapDays'),
      col('gapRatio'),
      col('pAlive'),
      col('expectedPurchases90d'),
      col('clvCents'),
      col('churnRisk'),
      rows.map((row) => JSON.stringify(row.tags)),
      col('completeness'),
    );
  }

  /** Drops assets of customers that no longer have counted purchases. */
  async deleteAssetsExcept(tx: SqlExecutor, asOf: string): Promise<number> {
    return tx.$executeRawUnsafe('DELETE FROM customer_assets WHERE as_of <> $1::date', asOf);
  }

  async getAsset(tx: SqlExecutor, userId: string): Promise<StoredAsset | null> {
    const rows = await tx.$queryRawUnsafe<RawAsset[]>(
      `SELECT user_id, to_char(as_of, 'YYYY-MM-DD') AS as_of, recency_days, frequency, monetary_cents::float8 AS monetary_cents, r, f, m, stage,
              expected_gap_days, gap_ratio, p_alive, expected_purchases_90d, clv_cents, churn_risk, tags, completeness, computed_at
         FROM customer_assets WHERE user_id = $1`,
      userId,
    );
    const r = rows[0];
    if (!r) return null;
    return { userId: r.user_id, asOf: r.as_of, ...assetFields(r), computedAt: r.computed_at };
  }

  async insertFit(tx: SqlExecutor, fit: Omit<ModelFitRow, 'id' | 'fittedAt'>): Promise<string> {
    const id = randomUUID();
    await tx.$executeRawUnsafe(
      `INSERT INTO model_fits (id, model, status, params, log_likelihood, customers, reason, as_of) VALUES ($1::uuid, $2, $3, $4::jsonb, $5, $6, $7, $8::date)`,
      id,
      fit.model,
      fit.status,
      fit.params === null ? null : JSON.stringify(fit.params),
      fit.logLikelihood,
      fit.customers,
      fit.reason,
      fit.asOf,
    );
    return id;
  }

  /** The latest fit of a model, optionally only converged ones. */
  async latestFit(tx: SqlExecutor, model: ModelFitRow['model'], convergedOnly: boolean): Promise<ModelFitRow | null> {
    const rows = await tx.$queryRawUnsafe<
      { id: string; model: ModelFitRow['model']; status: ModelFitRow['status']; params: Record<string, number> | null; log_likelihood: number | null; customers: number; reason: string | null; as_of: string; fitted_at: Date }[]
    >(
      `SELECT id::text, model, status, params, log_likelihood, customers, reason, to_char(as_of, 'YYYY-MM-DD') AS as_of, fitted_at
         FROM model_fits WHERE model = $1 AND ($2::boolean IS NOT TRUE OR status = 'converged') ORDER BY fitted_at DESC, id LIMIT 1`,
      model,
      convergedOnly,
    );
    const r = rows[0];
    return r
      ? { id: r.id, model: r.model, status: r.status, params: r.params, logLikelihood: r.log_likelihood, customers: r.customers, reason: r.reason, asOf: r.as_of, fittedAt: r.fitted_at }
      : null;
  }

  async insertBacktest(tx: SqlExecutor, b: Omit<BacktestRow, 'ranAt'>): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO backtests (id, status, calibration_end, holdout_end, result, reason) VALUES ($1::uuid, $2, $3::date, $4::date, $5::jsonb, $6)`,
      b.id,
      b.status,
      b.calibrationEnd,
      b.holdoutEnd,
      JSON.stringify(b.result),
      b.reason,
    );
  }

  async latestBacktest(tx: SqlExecutor): Promise<BacktestRow | null> {
    const rows = await tx.$queryRawUnsafe<
      { id: string; status: BacktestRow['status']; calibration_end: string; holdout_end: string; result: Record<string, unknown>; reason: string | null; ran_at: Date }[]
    >(
      `SELECT id::text, status, to_char(calibration_end, 'YYYY-MM-DD') AS calibration_end, to_char(holdout_end, 'YYYY-MM-DD') AS holdout_end,
              result, reason, ran_at FROM backtests ORDER BY ran_at DESC, id LIMIT 1`,
    );
    const r = rows[0];
    return r ? { id: r.id, status: r.status, calibrationEnd: r.calibration_end, holdoutEnd: r.holdout_end, result: r.result, reason: r.reason, ranAt: r.ran_at } : null;
  }

  /** Inserts a segment; returns null when the name is taken in its scope. */
  async createSegment(tx: SqlExecutor, s: { name: string; description: string; rule: unknown; pickupPointId: string | null; createdBy: string }): Promise<SegmentRow | null> {
    const rows = await tx.$queryRawUnsafe<RawSegment[]>(
      `INSERT INTO segments (id, name, description, rule, scope_key, pickup_point_id, created_by)
       VALUES ($1::uuid, $2, $3, $4::jsonb, $5, $6, $7) ON CONFLICT (scope_key, name) DO NOTHING RETURNING ${SEGMENT_COLUMNS}`,
      randomUUID(),
      s.name,
      s.description,
      JSON.stringify(s.rule),
      s.pickupPointId ?? 'platform',
      s.pickupPointId,
      s.createdBy,
    );
    return rows[0] ? segmentOf(rows[0]) : null;
  }

  /** Updates name, description and rule; null when there is no such segment, 'conflict' when the name is taken in its scope. */
  async updateSegment(tx: SqlExecutor, id: string, s: { name: string; description: string; rule: unknown }): Promise<SegmentRow | null | 'conflict'> {
    const taken = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT o.id::text FROM segments o JOIN segments s ON s.scope_key = o.scope_key WHERE s.id = $1::uuid AND o.name = $2 AND o.id <> s.id`,
      id,
      s.name,
    );
    if (taken.length > 0) return 'conflict';
    const rows = await tx.$queryRawUnsafe<RawSegment[]>(
      `UPDATE segments SET name = $2, description = $3, rule = $4::jsonb, updated_at = now() WHERE id = $1::uuid RETURNING ${SEGMENT_COLUMNS}`,
      id,
      s.name,
      s.description,
      JSON.stringify(s.rule),
    );
    return rows[0] ? segmentOf(rows[0]) : null;
  }

  async getSegment(tx: SqlExecutor, id: string): Promise<SegmentRow | null> {
    const rows = await tx.$queryRawUnsafe<RawSegment[]>(`SELECT ${SEGMENT_COLUMNS} FROM segments WHERE id = $1::uuid`, id);
    return rows[0] ? segmentOf(rows[0]) : null;
  }

  async deleteSegment(tx: SqlExecutor, id: string): Promise<boolean> {
    return (await tx.$executeRawUnsafe('DELETE FROM segments WHERE id = $1::uuid', id)) > 0;
  }

  /** Customers (with their assets) of the given pickup points, or all customers. */
  async segmentCandidates(tx: SqlExecutor, pickupPointIds: string[] | null): Promise<SegmentCandidate[]> {
    const rows = await tx.$queryRawUnsafe<
      (Omit<RawAsset, 'user_id' | 'as_of' | 'computed_at'> & { user_id: string; compound_id: string | null; pickup_point_id: string | null; profiling_consent: boolean | null; household: unknown; dietary: unknown; attributes: Record<string, string> | null; has_asset: boolean })[]
    >(
      `SELECT c.user_id, c.compound_id, c.pickup_point_id, c.profiling_consent, c.household, c.dietary, c.attributes, a.user_id IS NOT NULL AS has_asset,
              a.recency_days, a.frequency, a.monetary_cents::float8 AS monetary_cents, a.r, a.f, a.m, a.stage, a.expected_gap_days, a.gap_ratio,
              a.p_alive, a.expected_purchases_90d, a.clv_cents, a.churn_risk, a.tags, a.completeness
         FROM customers c LEFT JOIN customer_assets a ON a.user_id = c.user_id
        WHERE $1::text[] IS NULL OR c.pickup_point_id = ANY($1::text[])`,
      pickupPointIds,
    );
    return rows.map((r) => ({
      userId: r.user_id,
      compoundId: r.compound_id,
      pickupPointId: r.pickup_point_id,
      profilingConsent: r.profiling_consent,
      household: r.household,
      dietary: r.dietary,
      attributes: r.attributes,
      asset: r.has_asset ? assetFields(r) : null,
    }));
  }

  /** All segments, or those that are platform-wide or limited to one of `pickupPointIds`. */
  async listSegments(tx: SqlExecutor, pickupPointIds: string[] | null): Promise<SegmentRow[]> {
    const rows = await tx.$queryRawUnsafe<RawSegment[]>(
      `SELECT ${SEGMENT_COLUMNS} FROM segments
        WHERE $1::text[] IS NULL OR pickup_point_id IS NULL OR pickup_point_id = ANY($1::text[]) ORDER BY name, id`,
      pickupPointIds,
    );
    return rows.map(segmentOf);
  }
}
