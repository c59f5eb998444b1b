import { recommendations } from '@linli/contracts';
import { outboxEventRow, type OutboxEventRow } from '@linli/nest-kit';
import type { AssetRow, PreviousAsset } from '@linli/recommendations-data-access';

/** A churn-risk move smaller than this, or a lifetime-value move under this share, is no change worth announcing. */
export const CHURN_RISK_STEP = 0.05;
export const CLV_SHARE_STEP = 0.05;

type Tag = { tag: string; value: boolean | number | string; source: 'declared' | 'inferred'; confidence: number };

function publicTags(tags: unknown[]): Tag[] {
  return (tags as Tag[])
    .filter((t) => t && typeof t.tag === 'string' && (t.source === 'declared' || t.source === 'inferred'))
    .map((t) => ({ tag: t.tag, value: t.value, source: t.source, confidence: Math.round(Math.min(1, Math.max(0, t.confidence)) * 1000) / 1000 }))
    .sort((a, b) => a.tag.localeCompare(b.tag));
}

const tagKey = (tags: Tag[]) => JSON.stringify(tags.map((t) => [t.tag, t.value, t.source]));

/** True when the new assets differ from the stored ones enough to tell other services. */
export function assetChanged(before: PreviousAsset | undefined, after: AssetRow): boolean {
  if (!before) return true;
  if (before.stage !== after.stage) return true;
  if (Math.abs(before.churnRisk - after.churnRisk) > CHURN_RISK_STEP) return true;
  if ((before.clvCents === null) !== (after.clvCents === null)) return true;
  if (before.clvCents !== null && after.clvCents !== null && Math.abs(after.clvCents - before.clvCents) > CLV_SHARE_STEP * Math.max(1, before.clvCents)) return true;
  return tagKey(publicTags(before.tags)) !== tagKey(publicTags(after.tags));
}

/**
 * `recommendations.customer.assets-changed.v1` rows for the customers whose assets changed. Tags go
 * without their evidence; inferred tags exist only for customers who consented to profiling.
 */
export function assetChangeEvents(previous: PreviousAsset[], rows: AssetRow[]): OutboxEventRow[] {
  const before = new Map(previous.map((p) => [p.userId, p]));
  return rows
    .filter((row) => assetChanged(before.get(row.userId), row))
    .map((row) =>
      outboxEventRow(recommendations.customerAssetsChanged, {
        userId: row.userId,
        stage: row.stage as (typeof recommendations.LIFECYCLE_STAGES)[number],
        churnRisk: Math.min(1, Math.max(0, row.churnRisk)),
        clvCents: row.clvCents,
        completeness: Math.min(1, Math.max(0, row.completeness)),
        tags: publicTags(row.tags),
        asOf: row.asOf,
      }),
    );
}
