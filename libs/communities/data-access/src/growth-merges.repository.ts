import type { SqlExecutor } from '@linli/nest-kit';

/**
 * What an account merge (identity.user.merged.v1) carries over from the merged-away member to the
 * surviving one, apart from points (the ledger moves those by journal entries). Rows are copied, never
 * rewritten: activity under source keys prefixed by the merge, so a redelivery copies nothing twice and
 * the source's own rows (and history) stay as they were; badges and completed journey steps the
 * survivor lacks, with their original dates. Referrals are relations, not history: the source's
 * invitees become the survivor's (unless that would make the survivor their own inviter), and the
 * source's own attribution moves when the survivor has none.
 */
export class GrowthMergesRepository {
  /** Copies the source's activity to the target; the number of rows copied. */
  async copyActivities(tx: SqlExecutor, mergeId: string, sourceUserId: string, targetUserId: string): Promise<number> {
    return tx.$executeRawUnsafe(
      `INSERT INTO growth_activities (source_key, user_id, kind, weight, occurred_at)
       SELECT 'merge:' || $1 || ':' || a.source_key, $3::uuid, a.kind, a.weight, a.occurred_at
         FROM growth_activities a WHERE a.user_id = $2::uuid AND a.source_key NOT LIKE 'merge:' || $1 || ':%'
       ON CONFLICT DO NOTHING`,
      mergeId,
      sourceUserId,
      targetUserId,
    );
  }

  /** Copies the badges the target lacks, with their award dates; the badge ids copied. */
  async copyBadges(tx: SqlExecutor, sourceUserId: string, targetUserId: string): Promise<{ badgeId: string; awardedAt: Date }[]> {
    return tx.$queryRawUnsafe(
      `INSERT INTO growth_badges (user_id, badge_id, awarded_at)
       SELECT $2::uuid, b.badge_id, b.awarded_at FROM growth_badges b WHERE b.user_id = $1::uuid
       ON CONFLICT DO NOTHING RETURNING badge_id AS "badgeId", awarded_at AS "awardedAt"`,
      sourceUserId,
      targetUserId,
    );
  }

  /** Copies journey enrolments the target lacks and the completed steps of journeys both are on. */
  async copyJourneys(tx: SqlExecutor, sourceUserId: string, targetUserId: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO growth_journey_enrolments (user_id, journey_id, started_at, completed_at)
       SELECT $2::uuid, e.journey_id, e.started_at, e.completed_at FROM growth_journey_enrolments e WHERE e.user_id = $1::uuid
       ON CONFLICT DO NOTHING`,
      sourceUserId,
      targetUserId,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO growth_journey_steps (user_id, journey_id, step_id, day, completed_at)
       SELECT $2::uuid, s.journey_id, s.step_id, s.day, s.completed_at FROM growth_journey_steps s WHERE s.user_id = $1::uuid
       ON CONFLICT DO NOTHING`,
      sourceUserId,
      targetUserId,
    );
  }

  /** Moves the source's referrals to the target (see the class comment). */
  async moveReferrals(tx: SqlExecutor, sourceUserId: string, targetUserId: string): Promise<void> {
    await tx.$executeRawUnsafe(
      'UPDATE growth_referrals SET inviter_user_id = $2::uuid WHERE inviter_user_id = $1::uuid AND invitee_user_id <> $2::uuid',
      sourceUserId,
      targetUserId,
    );
    await tx.$executeRawUnsafe(
      `UPDATE growth_referrals SET invitee_user_id = $2::uuid
        WHERE invitee_user_id = $1::uuid AND inviter_user_id <> $2::uuid
          AND NOT EXISTS (SELECT 1 FROM growth_referrals r WHERE r.invitee_user_id = $2::uuid)`,
      sourceUserId,
      targetUserId,
    );
  }
}
