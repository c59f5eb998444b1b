import { createHash, randomUUID } from 'node:crypto';
import { redactPublishedEvents, type SqlExecutor } from '@linli/nest-kit';

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

/** Everything growth holds about a person (and the accounts merged into them), for their data copy. */
export class GrowthPersonalDataRepository {
  async sections(tx: SqlExecutor, userIds: string[]): Promise<Record<string, unknown[]>> {
    const q = <T>(sql: string) => tx.$queryRawUnsafe<T[]>(sql, userIds);
    const [members, balances, entries, reservations, redemptions, activities, tierChanges, badges, journeys, steps, invite, referrals, backings, votes] = await Promise.all([
      q(`SELECT user_id::text AS "userId", compound_id AS "compoundId", pickup_point_id::text AS "pickupPointId", registered_at AS "registeredAt", tier, tier_since AS "tierSince" FROM growth_members WHERE user_id = ANY($1::uuid[])`),
      q(`SELECT user_id::text AS "userId", available, held FROM points_balances WHERE user_id = ANY($1::uuid[])`),
      q(`SELECT e.id::text AS "entryId", e.user_id::text AS "userId", e.kind, e.description, e.reference, e.expires_at AS "expiresAt", e.created_at AS "at",
                coalesce(sum(l.amount) FILTER (WHERE l.account LIKE '%:available'), 0)::int AS "delta", coalesce(sum(l.amount) FILTER (WHERE l.account LIKE '%:held'), 0)::int AS "heldDelta"
           FROM points_entries e LEFT JOIN points_lines l ON l.entry_id = e.id AND l.user_id = e.user_id
          WHERE e.user_id = ANY($1::uuid[]) GROUP BY e.id ORDER BY e.created_at`),
      q(`SELECT id::text AS "reservationId", user_id::text AS "userId", points, reference_kind AS "referenceKind", reference_id AS "referenceId", status, created_at AS "createdAt", settled_at AS "settledAt" FROM points_reservations WHERE user_id = ANY($1::uuid[]) ORDER BY created_at`),
      q(`SELECT id::text AS "redemptionId", user_id::text AS "userId", reward_id AS "rewardId", cost, redeemed_at AS "redeemedAt" FROM points_redemptions WHERE user_id = ANY($1::uuid[]) ORDER BY redeemed_at`),
      q(`SELECT user_id::text AS "userId", kind, occurred_at AS "occurredAt" FROM growth_activities WHERE user_id = ANY($1::uuid[]) ORDER BY occurred_at`),
      q(`SELECT user_id::text AS "userId", from_tier AS "from", to_tier AS "to", reason, changed_at AS "changedAt" FROM growth_tier_changes WHERE user_id = ANY($1::uuid[]) ORDER BY changed_at`),
      q(`SELECT user_id::text AS "userId", badge_id AS "badgeId", awarded_at AS "awardedAt" FROM growth_badges WHERE user_id = ANY($1::uuid[]) ORDER BY awarded_at`),
      q(`SELECT user_id::text AS "userId", journey_id AS "journeyId", started_at AS "startedAt", completed_at AS "completedAt" FROM growth_journey_enrolments WHERE user_id = ANY($1::uuid[])`),
      q(`SELECT user_id::text AS "userId", journey_id AS "journeyId", step_id AS "stepId", completed_at AS "completedAt" FROM growth_journey_steps WHERE user_id = ANY($1::uuid[])`),
      q(`SELECT user_id::text AS "userId", code, created_at AS "createdAt" FROM growth_invite_codes WHERE user_id = ANY($1::uuid[])`),
      // who invited them, and how many they invited (not who: the invitees' data is theirs)
      q(`SELECT 'invited-by' AS "kind", invitee_user_id::text AS "userId", inviter_user_id::text AS "other", attributed_at AS "at", converted_at AS "convertedAt" FROM growth_referrals WHERE invitee_user_id = ANY($1::uuid[])
         UNION ALL SELECT 'invited', inviter_user_id::text, NULL, attributed_at, converted_at FROM growth_referrals WHERE inviter_user_id = ANY($1::uuid[])`),
      q(`SELECT user_id::text AS "userId", proposal_id::text AS "proposalId", points, tier, backed_at AS "backedAt" FROM growth_proposal_backings WHERE user_id = ANY($1::uuid[]) ORDER BY backed_at`),
      q(`SELECT user_id::text AS "userId", proposal_id::text AS "proposalId", tier, weight, voted_at AS "votedAt" FROM growth_votes WHERE user_id = ANY($1::uuid[])`),
    ]);
    return {
      'growth-members': members,
      'points-balances': balances,
      'points-entries': entries,
      'points-reservations': reservations,
      'points-redemptions': redemptions,
      'growth-activities': activities,
      'growth-tier-changes': tierChanges,
      'growth-badges': badges,
      'growth-journeys': journeys,
      'growth-journey-steps': steps,
      'growth-invite-codes': invite,
      'growth-referrals': referrals,
      'growth-proposal-backings': backings,
      'growth-votes': votes,
    };
  }
}

/**
 * Erasure of a person from growth (PIPL): what is only about them is deleted (place, activity, tier
 * history, badges, journeys, invite code and shares, refused attributions); where others' records or
 * the ledger's completeness need the row, their id is replaced by `pseudonym`, an id linked to nothing
 * (points journal, balances, reservations, redemptions, referrals, backings, votes, proposals).
 */
export class GrowthErasureRepository {
  /** The hash growth keeps of an erased person's id. */
  static hashOf(userId: string): string {
    return createHash('sha256').update(`growth-erased:${userId}`).digest('hex');
  }

  /**
   * True when the person was erased (events about them are then dropped). Takes the person's
   * transaction lock first, as `erase` does, so an event handled concurrently with the erasure either
   * finishes before it (and is erased with the rest) or sees it.
   */
  async isErased(tx: SqlExecutor, userId: string): Promise<boolean> {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtextextended('growth-person:' || $1, 0))", userId);
    const rows = await tx.$queryRawUnsafe<unknown[]>('SELECT 1 FROM growth_erased WHERE user_hash = $1', GrowthErasureRepository.hashOf(userId));
    return rows.length > 0;
  }

  /** Events of the service naming the person that the relay has not published yet. */
  async unpublishedMentioning(tx: SqlExecutor, userId: string): Promise<number> {
    const rows = await tx.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL AND payload::text LIKE '%' || $1::text || '%'`,
      userId,
    );
    return rows[0]!.n;
  }

  async erase(tx: SqlExecutor, userId: string, pseudonym: string): Promise<void> {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtextextended('growth-person:' || $1, 0))", userId);
    await tx.$executeRawUnsafe('INSERT INTO growth_erased (user_hash) VALUES ($1) ON CONFLICT DO NOTHING', GrowthErasureRepository.hashOf(userId));
    const run = (sql: string) => tx.$executeRawUnsafe(sql, userId, pseudonym);
    for (const table of ['growth_members', 'growth_activities', 'growth_tier_changes', 'growth_badges', 'growth_journey_enrolments', 'growth_journey_steps', 'growth_journey_nudges', 'growth_invite_codes', 'growth_invite_shares']) {
      await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE user_id = $1::uuid`, userId);
    }
    await tx.$executeRawUnsafe('DELETE FROM growth_referral_refusals WHERE invitee_user_id = $1::uuid', userId);
    // others' activity keyed by the person (the inviter's converted referral)
    await run(`UPDATE growth_activities SET source_key = replace(source_key, $1::text, $2::text) WHERE source_key LIKE '%' || $1::text || '%' AND $2::text IS NOT NULL`);
    await run('UPDATE growth_referrals SET invitee_user_id = $2::uuid WHERE invitee_user_id = $1::uuid');
    await run('UPDATE growth_referrals SET inviter_user_id = $2::uuid WHERE inviter_user_id = $1::uuid');
    await run('UPDATE growth_proposal_backings SET user_id = $2::uuid WHERE user_id = $1::uuid');
    await run('UPDATE growth_votes SET user_id = $2::uuid WHERE user_id = $1::uuid');
    await run('UPDATE growth_proposals SET proposer_user_id = $2::uuid WHERE proposer_user_id = $1::uuid');
    await run('UPDATE points_reservations SET user_id = $2::uuid, idempotency_key = $2::text || \':\' || id::text WHERE user_id = $1::uuid');
    await run('UPDATE points_redemptions SET user_id = $2::uuid WHERE user_id = $1::uuid');
    await run('UPDATE points_balances SET user_id = $2::uuid WHERE user_id = $1::uuid');
    // the journal: the one rewrite its trigger allows, in this transaction only
    await tx.$executeRawUnsafe("SELECT set_config('linli.points_erasure', 'on', true)");
    await run(`UPDATE points_lines SET user_id = $2::uuid, account = replace(account, $1::text, $2::text) WHERE user_id = $1::uuid`);
    await run(`UPDATE points_entries SET user_id = $2::uuid, idempotency_key = replace(idempotency_key, $1::text, $2::text), description = kind WHERE user_id = $1::uuid`);
    // idempotency keys of other members' entries may name the person (e.g. a referral reward keyed by the invitee)
    await run(`UPDATE points_entries SET idempotency_key = replace(idempotency_key, $1::text, $2::text) WHERE idempotency_key LIKE '%' || $1::text || '%' AND $2::text IS NOT NULL`);
    await tx.$executeRawUnsafe("SELECT set_config('linli.points_erasure', 'off', true)");
    // events already published about them have done their job
    await redactPublishedEvents(tx, userId);
  }
}
