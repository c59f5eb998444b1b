import type { OutboxEventRow, SqlExecutor } from '@linli/nest-kit';

/** What a change is judged against: a customer's stored assets before a refresh. */
export interface PreviousAsset {
  userId: string;
  stage: string;
  churnRisk: number;
  clvCents: number | null;
  tags: unknown[];
}

/** Reads the assets a refresh is about to replace and writes the events announcing the changes. */
export class AssetChangesRepository {
  async previous(tx: SqlExecutor, userIds: string[]): Promise<PreviousAsset[]> {
    if (userIds.length === 0) return [];
    const rows = await tx.$queryRawUnsafe<{ user_id: string; stage: string; churn_risk: number; clv_cents: number | null; tags: unknown[] }[]>(
      'SELECT user_id, stage, churn_risk, clv_cents, tags FROM customer_assets WHERE user_id = ANY($1::text[])',
      userIds,
    );
    return rows.map((r) => ({ userId: r.user_id, stage: r.stage, churnRisk: r.churn_risk, clvCents: r.clv_cents, tags: r.tags ?? [] }));
  }

  /** Writes outbox rows in one statement (the relay publishes them). */
  async enqueue(tx: SqlExecutor, rows: OutboxEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO outbox_events (id, subject, payload, trace_context)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[])`,
      rows.map((r) => r.id),
      rows.map((r) => r.subject),
      rows.map((r) => r.payload),
      rows.map((r) => r.traceContext),
    );
  }
}
