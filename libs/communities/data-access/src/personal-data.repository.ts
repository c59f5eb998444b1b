import type { Executor } from './executor.js';

/** Stands in for an erased user where a row must keep an actor (who created a community, organised an event, …). */
export const NOBODY = '00000000-0000-0000-0000-000000000000';

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
   * stay as anonymous answers (user id cleared), so past NPS does not change; vote counts stay as counts;
   * communities, events and proposals they created stay, under the {@link NOBODY} id.
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
      `DELETE FROM proposal_purchases WHERE user_id = $1::uuid`,
      `DELETE FROM survey_offers WHERE user_id = $1::uuid`,
      `DELETE FROM nps_offer_clock WHERE user_id = $1::uuid`,
      `UPDATE survey_responses SET user_id = NULL, reason = NULL WHERE user_id = $1::uuid`,
      // where the user only acted (created, organised, moderated, invited): the id becomes the nobody id
      `UPDATE communities SET created_by = '${NOBODY}' WHERE created_by = $1::uuid`,
      `UPDATE community_events SET organiser_user_id = '${NOBODY}' WHERE organiser_user_id = $1::uuid`,
      `UPDATE proposals SET proposer_user_id = '${NOBODY}' WHERE proposer_user_id = $1::uuid`,
      `UPDATE community_bans SET banned_by = '${NOBODY}' WHERE banned_by = $1::uuid`,
      `UPDATE community_invitations SET invited_by = '${NOBODY}' WHERE invited_by = $1::uuid`,
      `UPDATE moderation_audit SET actor_user_id = '${NOBODY}' WHERE actor_user_id = $1::uuid`,
      `UPDATE moderation_audit SET target_id = 'erased' WHERE target_kind = 'member' AND target_id = $1::text`,
      `UPDATE surveys SET created_by = NULL WHERE created_by = $1::uuid`,
      `UPDATE survey_offers SET leader_user_id = NULL WHERE leader_user_id = $1::uuid`,
      `DELETE FROM cm_purchase_categories WHERE user_id = $1::uuid`,
      `DELETE FROM cm_residents WHERE user_id = $1::uuid`,
    ];
    for (const sql of statements) await tx.$executeRawUnsafe(sql, userId);
  }

  /** RSVPs the merged account holds for events the surviving account also RSVPed to (cancelled first, so counters stay right). */
  async clashingRsvpEvents(tx: Executor, sourceUserId: string, targetUserId: string): Promise<string[]> {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT s.event_id::text AS id FROM event_rsvps s JOIN event_rsvps t ON t.event_id = s.event_id AND t.user_id = $2::uuid
        WHERE s.user_id = $1::uuid AND s.status <> 'cancelled' AND t.status <> 'cancelled'`,
      sourceUserId,
      targetUserId,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Moves a merged account's rows to the surviving account. Where both have a row the key allows
   * once (a membership, a vote, an RSVP, …) the survivor's is kept and the merged one dropped (counts
   * adjusted); answers that would clash stay as anonymous answers. Idempotent.
   */
  async merge(tx: Executor, sourceUserId: string, targetUserId: string): Promise<void> {
    const statements = [
      // resident copy: the survivor's wins when it has one
      `DELETE FROM cm_residents WHERE user_id = $1::uuid AND EXISTS (SELECT 1 FROM cm_residents WHERE user_id = $2::uuid)`,
      `UPDATE cm_residents SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      `INSERT INTO cm_purchase_categories (user_id, category_id, orders, last_at) SELECT $2::uuid, category_id, orders, last_at FROM cm_purchase_categories WHERE user_id = $1::uuid
         ON CONFLICT (user_id, category_id) DO UPDATE SET orders = cm_purchase_categories.orders + excluded.orders, last_at = greatest(cm_purchase_categories.last_at, excluded.last_at)`,
      `DELETE FROM cm_purchase_categories WHERE user_id = $1::uuid`,
      // memberships: one per community
      `UPDATE communities SET member_count = member_count - 1 WHERE id IN (
         SELECT s.community_id FROM community_members s JOIN community_members t ON t.community_id = s.community_id AND t.user_id = $2::uuid WHERE s.user_id = $1::uuid)`,
      `DELETE FROM community_members s USING community_members t WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid AND t.community_id = s.community_id`,
      `UPDATE community_members SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      `DELETE FROM community_invitations s USING community_invitations t WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid AND t.community_id = s.community_id`,
      `UPDATE community_invitations SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      `UPDATE community_bans t SET until = greatest(t.until, s.until) FROM community_bans s WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid AND t.community_id = s.community_id`,
      `DELETE FROM community_bans s USING community_bans t WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid AND t.community_id = s.community_id`,
      `UPDATE community_bans SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      // content
      `UPDATE community_posts SET author_user_id = $2::uuid WHERE author_user_id = $1::uuid`,
      `UPDATE community_comments SET author_user_id = $2::uuid WHERE author_user_id = $1::uuid`,
      `DELETE FROM community_reactions s USING community_reactions t WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid AND t.post_id = s.post_id AND t.kind = s.kind`,
      `UPDATE community_reactions SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      `DELETE FROM community_reports s USING community_reports t WHERE s.reporter_id = $1::uuid AND t.reporter_id = $2::uuid AND t.post_id = s.post_id`,
      `UPDATE community_reports SET reporter_id = $2::uuid WHERE reporter_id = $1::uuid`,
      `UPDATE moderation_audit SET actor_user_id = $2::uuid WHERE actor_user_id = $1::uuid`,
      // events (clashing active RSVPs were cancelled before this runs)
      `UPDATE community_events SET organiser_user_id = $2::uuid WHERE organiser_user_id = $1::uuid`,
      `DELETE FROM event_rsvps s USING event_rsvps t WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid AND t.event_id = s.event_id`,
      `UPDATE event_rsvps SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      // co-creation
      `UPDATE proposals SET proposer_user_id = $2::uuid WHERE proposer_user_id = $1::uuid`,
      `UPDATE proposals SET votes = votes - 1 WHERE id IN (
         SELECT s.proposal_id FROM proposal_votes s JOIN proposal_votes t ON t.proposal_id = s.proposal_id AND t.user_id = $2::uuid WHERE s.user_id = $1::uuid)`,
      `DELETE FROM proposal_votes s USING proposal_votes t WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid AND t.proposal_id = s.proposal_id`,
      `UPDATE proposal_votes SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      `DELETE FROM proposal_feedback s USING proposal_feedback t WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid AND t.proposal_id = s.proposal_id AND t.round = s.round`,
      `UPDATE proposal_feedback SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      `UPDATE proposal_purchases SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      // surveys
      `UPDATE survey_offers SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      `UPDATE nps_offer_clock t SET last_offered_at = greatest(t.last_offered_at, s.last_offered_at) FROM nps_offer_clock s WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid`,
      `DELETE FROM nps_offer_clock s USING nps_offer_clock t WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid`,
      `UPDATE nps_offer_clock SET user_id = $2::uuid WHERE user_id = $1::uuid`,
      `UPDATE survey_responses s SET user_id = NULL FROM survey_responses t
        WHERE s.user_id = $1::uuid AND t.user_id = $2::uuid AND t.survey_id = s.survey_id AND s.offer_id IS NULL AND t.offer_id IS NULL`,
      `UPDATE survey_responses SET user_id = $2::uuid WHERE user_id = $1::uuid`,
    ];
    // PostgreSQL refuses a parameter a statement does not use, so each gets the ones it names.
    for (const sql of statements) await tx.$executeRawUnsafe(sql, ...(sql.includes('$2') ? [sourceUserId, targetUserId] : [sourceUserId]));
  }

  /** What the service holds about these user ids (a user and the accounts merged into them), by section. */
  async export(tx: Executor, userIds: string[]): Promise<Record<string, unknown[]>> {
    const q = (sql: string) => tx.$queryRawUnsafe<Record<string, unknown>[]>(sql, userIds);
    const [memberships, posts, comments, rsvps, proposals, votes, feedback, surveyAnswers, profile] = await Promise.all([
      q(`SELECT c.name AS community, m.role, m.joined_at AS "joinedAt" FROM community_members m JOIN communities c ON c.id = m.community_id WHERE m.user_id = ANY($1::uuid[])`),
      q(`SELECT id AS "postId", body, image_refs AS "imageRefs", status, created_at AS "createdAt" FROM community_posts WHERE author_user_id = ANY($1::uuid[])`),
      q(`SELECT id AS "commentId", post_id AS "postId", body, created_at AS "createdAt" FROM community_comments WHERE author_user_id = ANY($1::uuid[])`),
      q(`SELECT e.title, e.starts_at AS "startsAt", r.status, r.checked_in_at AS "checkedInAt" FROM event_rsvps r JOIN community_events e ON e.id = r.event_id WHERE r.user_id = ANY($1::uuid[])`),
      q(`SELECT id AS "proposalId", title, description, created_at AS "createdAt" FROM proposals WHERE proposer_user_id = ANY($1::uuid[])`),
      q(`SELECT proposal_id AS "proposalId", voted_at AS "votedAt" FROM proposal_votes WHERE user_id = ANY($1::uuid[])`),
      q(`SELECT proposal_id AS "proposalId", round, taste, price_cents AS "priceCents", pack_size AS "packSize", comment FROM proposal_feedback WHERE user_id = ANY($1::uuid[])`),
      q(`SELECT survey_id AS "surveyId", score, reason, answered_at AS "answeredAt" FROM survey_responses WHERE user_id = ANY($1::uuid[])`),
      q(`SELECT display_name AS "displayName", compound_id AS "compoundId", household, dietary, profiling_consent AS "profilingConsent" FROM cm_residents WHERE user_id = ANY($1::uuid[])`),
    ]);
    return { profile, memberships, posts, comments, rsvps, proposals, votes, feedback, surveyAnswers };
  }
}
