import type { Executor } from './executor.js';

/** Erasure of a user's personal data across the communities tables (PIPL). */
export class PersonalDataRepository {
  /** Events where the user holds a seat or a waiting-list place (to be cancelled first, so seats pass on). */
  async activeRsvpEvents(tx: Executor, userId: string): Promise<string[]> {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT event_id::text AS id FROM event_rsvps WHERE user_id = $1::uuid AND status <> 'cancelled'`, userId);
    return rows.map((r) => r.id);
  }

  /**
   * Deletes what the user wrote and did (posts with their comments, reactions and reports, comments,
   * memberships, invitations, bans, RSVPs, votes, feedback, offers, the resident copy). Survey scores
   * stay as anonymous answers (user id cleared), so past NPS does not change; vote counts stay as counts.
   */
  async erase(tx: Executor, userId: string): Promise<void> {
    const statements = [
      `DELETE FROM community_comments WHERE post_id IN (SELECT id FROM community_posts WHERE author_user_id = $1::uuid)`,
      `DELETE FROM community_reactions WHERE post_id IN (SELECT id FROM community_posts WHERE author_user_id = $1::uuid)`,
      `DELETE FROM community_reports WHERE post_id IN (SELECT id FROM community_posts WHERE author_user_id = $1::uuid)`,
      `DELETE FROM community_posts WHERE author_user_id = $1::uuid`,
      `DELETE FROM community_comments WHERE author_user_id = $1::uuid`,
      `DELETE FROM community_reactions WHERE user_id = $1::uuid`,
      `DELETE FROM community_reports WHERE reporter_id = $1::uuid`,
      `UPDATE communities SET member_count = member_count - 1 WHERE id IN (SELECT community_id FROM community_members WHERE user_id = $1::uuid)`,
      `DELETE FROM community_members WHERE user_id = $1::uuid`,
      `DELETE FROM community_invitations WHERE user_id = $1::uuid`,
      `DELETE FROM community_bans WHERE user_id = $1::uuid`,
      `DELETE FROM event_rsvps WHERE user_id = $1::uuid`,
      `DELETE FROM proposal_votes WHERE user_id = $1::uuid`,
      `DELETE FROM proposal_feedback WHERE user_id = $1::uuid`,
      `DELETE FROM proposal_buyers WHERE user_id = $1::uuid`,
      `DELETE FROM survey_offers WHERE user_id = $1::uuid`,
      `DELETE FROM nps_offer_clock WHERE user_id = $1::uuid`,
      `UPDATE survey_responses SET user_id = NULL, reason = NULL WHERE user_id = $1::uuid`,
      `DELETE FROM cm_purchase_categories WHERE user_id = $1::uuid`,
      `DELETE FROM cm_residents WHERE user_id = $1::uuid`,
    ];
    for (const sql of statements) await tx.$executeRawUnsafe(sql, userId);
  }
}
