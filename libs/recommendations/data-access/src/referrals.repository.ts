import type { SqlExecutor } from '@linli/nest-kit';
import type { ReportScope } from './reporting.repository.js';

export type ReferralFactKind = 'invite-sent' | 'attributed' | 'converted';

export interface KFactorMonthRow {
  month: string;
  invitesSent: number;
  signUps: number;
  conversions: number;
  customers: number;
}

/** The growth system's referral events as facts, and the K-factor's inputs per local month of a scope. */
export class ReferralsRepository {
  async record(
    tx: SqlExecutor,
    f: { eventId: string; kind: ReferralFactKind; inviterUserId: string; inviteeUserId: string | null; compoundId: string | null; pickupPointId: string | null; occurredAt: Date },
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO referral_facts (event_id, kind, inviter_user_id, invitee_user_id, compound_id, pickup_point_id, occurred_at)
       SELECT $1::uuid, $2, $3::uuid, $4::uuid, $5, $6, $7
        WHERE NOT EXISTS (SELECT 1 FROM erased_users WHERE user_id IN ($3::text, $4::text))
       ON CONFLICT DO NOTHING`,
      f.eventId,
      f.kind,
      f.inviterUserId,
      f.inviteeUserId,
      f.compoundId,
      f.pickupPointId,
      f.occurredAt,
    );
  }

  /**
   * An erased person leaves the facts they are in unlinked: as inviter, an id linked to nothing takes
   * their place; as invitee, none (the counts the K-factor needs stay). Late facts about them are
   * dropped by `record` (the erased-users list).
   */
  async erase(tx: SqlExecutor, userId: string, pseudonym: string): Promise<void> {
    await tx.$executeRawUnsafe('UPDATE referral_facts SET inviter_user_id = $2::uuid WHERE inviter_user_id = $1::uuid', userId, pseudonym);
    await tx.$executeRawUnsafe('UPDATE referral_facts SET invitee_user_id = NULL WHERE invitee_user_id = $1::uuid', userId);
  }

  /** Per local month of the range: invitations sent, sign-ups attributed, conversions (by the inviter's place) and active customers of the scope. */
  async kFactorMonths(tx: SqlExecutor, s: ReportScope): Promise<KFactorMonthRow[]> {
    return tx.$queryRawUnsafe<KFactorMonthRow[]>(
      `WITH months AS (
         SELECT to_char(m, 'YYYY-MM') AS month FROM generate_series(date_trunc('month', $1::date), date_trunc('month', $2::date), interval '1 month') AS m),
       customers AS (
         SELECT to_char(date_trunc('month', ordered_at AT TIME ZONE $3), 'YYYY-MM') AS month, count(DISTINCT user_id)::int AS n
           FROM purchases
          WHERE status IN ('paid', 'completed') AND ($4::text IS NULL OR compound_id = $4) AND ($5::text IS NULL OR pickup_point_id = $5)
            AND ordered_at >= ($1::date::timestamp AT TIME ZONE $3) AND ordered_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
          GROUP BY 1),
       facts AS (
         SELECT to_char(date_trunc('month', occurred_at AT TIME ZONE $3), 'YYYY-MM') AS month,
                count(*) FILTER (WHERE kind = 'invite-sent')::int AS invites,
                count(*) FILTER (WHERE kind = 'attributed')::int AS sign_ups,
                count(*) FILTER (WHERE kind = 'converted')::int AS conversions
           FROM referral_facts
          WHERE ($4::text IS NULL OR compound_id = $4) AND ($5::text IS NULL OR pickup_point_id = $5)
            AND occurred_at >= ($1::date::timestamp AT TIME ZONE $3) AND occurred_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
          GROUP BY 1)
       SELECT m.month, coalesce(f.invites, 0) AS "invitesSent", coalesce(f.sign_ups, 0) AS "signUps", coalesce(f.conversions, 0) AS "conversions", coalesce(c.n, 0) AS "customers"
         FROM months m LEFT JOIN facts f ON f.month = m.month LEFT JOIN customers c ON c.month = m.month
        ORDER BY m.month`,
      s.from,
      s.to,
      s.timeZone,
      s.compoundId,
      s.pickupPointId,
    );
  }
}
