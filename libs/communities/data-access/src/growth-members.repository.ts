import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '@linli/nest-kit';

export interface GrowthMemberRow {
  userId: string;
  compoundId: string | null;
  pickupPointId: string | null;
  registeredAt: Date | null;
  tier: string;
  tierSince: Date;
  grantedTier: string | null;
}

const MEMBER_COLUMNS = `user_id::text AS "userId", compound_id AS "compoundId", pickup_point_id::text AS "pickupPointId", registered_at AS "registeredAt",
  tier, tier_since AS "tierSince", granted_tier AS "grantedTier"`;

/** Growth's members (place, tier), their activity (what tiers, badges and journeys count), tier history, reviews and badges. */
export class GrowthMembersRepository {
  /** The member row, created (newcomer) when missing, locked for the caller's transaction. */
  async lock(tx: SqlExecutor, userId: string): Promise<GrowthMemberRow> {
    await tx.$executeRawUnsafe('INSERT INTO growth_members (user_id) VALUES ($1::uuid) ON CONFLICT DO NOTHING', userId);
    const rows = await tx.$queryRawUnsafe<GrowthMemberRow[]>(`SELECT ${MEMBER_COLUMNS} FROM growth_members WHERE user_id = $1::uuid FOR UPDATE`, userId);
    return rows[0]!;
  }

  async get(tx: SqlExecutor, userId: string): Promise<GrowthMemberRow | null> {
    const rows = await tx.$queryRawUnsafe<GrowthMemberRow[]>(`SELECT ${MEMBER_COLUMNS} FROM growth_members WHERE user_id = $1::uuid`, userId);
    return rows[0] ?? null;
  }

  async setRegistered(tx: SqlExecutor, userId: string, at: Date): Promise<void> {
    await tx.$executeRawUnsafe('UPDATE growth_members SET registered_at = coalesce(registered_at, $2) WHERE user_id = $1::uuid', userId, at);
  }

  /** Where the member lives (last known compound and pickup point); a null keeps what is known. */
  async setPlace(tx: SqlExecutor, userId: string, compoundId: string | null, pickupPointId: string | null): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO growth_members (user_id, compound_id, pickup_point_id) VALUES ($1::uuid, $2, $3::uuid)
       ON CONFLICT (user_id) DO UPDATE SET compound_id = coalesce($2, growth_members.compound_id), pickup_point_id = coalesce($3::uuid, growth_members.pickup_point_id)`,
      userId,
      compoundId,
      pickupPointId,
    );
  }

  async setTier(tx: SqlExecutor, userId: string, tier: string, grantedTier: string | null): Promise<void> {
    await tx.$executeRawUnsafe('UPDATE growth_members SET tier = $2, tier_since = now(), granted_tier = $3 WHERE user_id = $1::uuid', userId, tier, grantedTier);
  }

  async recordTierChange(tx: SqlExecutor, change: { userId: string; from: string | null; to: string; reason: string; note?: string | null; rulesVersion: string }): Promise<Date> {
    const rows = await tx.$queryRawUnsafe<{ changed_at: Date }[]>(
      `INSERT INTO growth_tier_changes (id, user_id, from_tier, to_tier, reason, note, rules_version) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7) RETURNING changed_at`,
      randomUUID(),
      change.userId,
      change.from,
      change.to,
      change.reason,
      change.note ?? null,
      change.rulesVersion,
    );
    return rows[0]!.changed_at;
  }

  /** Members above the lowest tier (candidates of a monthly review), locked in id order. */
  async aboveTier(tx: SqlExecutor, lowest: string): Promise<GrowthMemberRow[]> {
    return tx.$queryRawUnsafe<GrowthMemberRow[]>(`SELECT ${MEMBER_COLUMNS} FROM growth_members WHERE tier <> $1 ORDER BY user_id FOR UPDATE`, lowest);
  }

  /** Claims a month's review; false when it already ran. */
  async claimReview(tx: SqlExecutor, month: string): Promise<boolean> {
    const n = await tx.$executeRawUnsafe('INSERT INTO growth_tier_reviews (month, reviewed, downgraded) VALUES ($1, 0, 0) ON CONFLICT DO NOTHING', month);
    return n === 1;
  }

  async finishReview(tx: SqlExecutor, month: string, reviewed: number, downgraded: number): Promise<void> {
    await tx.$executeRawUnsafe('UPDATE growth_tier_reviews SET reviewed = $2, downgraded = $3 WHERE month = $1', month, reviewed, downgraded);
  }

  async review(tx: SqlExecutor, month: string): Promise<{ reviewed: number; downgraded: number } | null> {
    const rows = await tx.$queryRawUnsafe<{ reviewed: number; downgraded: number }[]>('SELECT reviewed, downgraded FROM growth_tier_reviews WHERE month = $1', month);
    return rows[0] ?? null;
  }

  // ---------------------------------------------------------------- activity

  /** Records one activity; false when its source was recorded before (a redelivery). */
  async recordActivity(tx: SqlExecutor, a: { sourceKey: string; userId: string; kind: string; weight: number; occurredAt: Date }): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      'INSERT INTO growth_activities (source_key, user_id, kind, weight, occurred_at) VALUES ($1, $2::uuid, $3, $4, $5) ON CONFLICT DO NOTHING',
      a.sourceKey,
      a.userId,
      a.kind,
      a.weight,
      a.occurredAt,
    );
    return n === 1;
  }

  /** Activity score and counts by kind since `since` (the tier window). */
  async windowActivity(tx: SqlExecutor, userId: string, since: Date): Promise<{ score: number; counts: Record<string, number> }> {
    const rows = await tx.$queryRawUnsafe<{ kind: string; n: number; w: number }[]>(
      'SELECT kind, count(*)::int AS n, sum(weight)::int AS w FROM growth_activities WHERE user_id = $1::uuid AND occurred_at >= $2 GROUP BY kind',
      userId,
      since,
    );
    return { score: rows.reduce((a, r) => a + r.w, 0), counts: Object.fromEntries(rows.map((r) => [r.kind, r.n])) };
  }

  /** Activity counts by kind over all time, or since `since`. */
  async activityCounts(tx: SqlExecutor, userId: string, since?: Date): Promise<Record<string, number>> {
    const rows = await tx.$queryRawUnsafe<{ kind: string; n: number }[]>(
      'SELECT kind, count(*)::int AS n FROM growth_activities WHERE user_id = $1::uuid AND ($2::timestamptz IS NULL OR occurred_at >= $2) GROUP BY kind',
      userId,
      since ?? null,
    );
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }

  // ---------------------------------------------------------------- badges

  async awardBadge(tx: SqlExecutor, userId: string, badgeId: string): Promise<Date | null> {
    const rows = await tx.$queryRawUnsafe<{ awarded_at: Date }[]>(
      'INSERT INTO growth_badges (user_id, badge_id) VALUES ($1::uuid, $2) ON CONFLICT DO NOTHING RETURNING awarded_at',
      userId,
      badgeId,
    );
    return rows[0]?.awarded_at ?? null;
  }

  async badges(tx: SqlExecutor, userId: string): Promise<{ badgeId: string; awardedAt: Date }[]> {
    return tx.$queryRawUnsafe('SELECT badge_id AS "badgeId", awarded_at AS "awardedAt" FROM growth_badges WHERE user_id = $1::uuid ORDER BY awarded_at, badge_id', userId);
  }
}
