import { randomUUID } from 'node:crypto';
import type { Executor } from './executor.js';

export interface SurveyRow {
  id: string;
  kind: string;
  title: string;
  question: string;
  scored: boolean;
  compoundId: string | null;
  createdAt: Date;
}

export interface OfferRow {
  id: string;
  surveyId: string;
  userId: string;
  trigger: string;
  compoundId: string | null;
  pickupPointId: string | null;
  leaderUserId: string | null;
  offeredAt: Date;
  answeredAt: Date | null;
}

export interface ResponseRow {
  id: string;
  surveyId: string;
  userId: string | null;
  offerId: string | null;
  score: number | null;
  reason: string | null;
  trigger: string;
  answeredAt: Date;
}

/** Surveys, NPS offers (at most one per resident per 30 days) and responses. */
export class SurveysRepository {
  async create(tx: Executor, s: { title: string; question: string; scored: boolean; compoundId: string | null; createdBy: string }): Promise<SurveyRow> {
    return tx.survey.create({ data: { id: randomUUID(), kind: 'generic', ...s } });
  }

  async get(tx: Executor, id: string): Promise<SurveyRow | null> {
    return tx.survey.findUnique({ where: { id } });
  }

  /**
   * Offers the NPS survey unless the resident was offered it in the last `days` days: the clock row
   * is claimed by one conditional upsert, so two triggers at once make one offer.
   */
  async offerNps(tx: Executor, o: Omit<OfferRow, 'id' | 'offeredAt' | 'answeredAt'>, days: number): Promise<OfferRow | null> {
    const claimed = await tx.$executeRawUnsafe(
      `INSERT INTO nps_offer_clock (user_id, last_offered_at) VALUES ($1::uuid, now())
       ON CONFLICT (user_id) DO UPDATE SET last_offered_at = now() WHERE nps_offer_clock.last_offered_at <= now() - make_interval(days => $2)`,
      o.userId,
      days,
    );
    if (claimed === 0) return null;
    return tx.surveyOffer.create({ data: { id: randomUUID(), ...o } });
  }

  /** The resident's latest unanswered offer of a survey made since `since`. */
  async openOffer(tx: Executor, surveyId: string, userId: string, since: Date): Promise<OfferRow | null> {
    return tx.surveyOffer.findFirst({ where: { surveyId, userId, answeredAt: null, offeredAt: { gte: since } }, orderBy: [{ offeredAt: 'desc' }] });
  }

  /** Marks an offer answered; false when it already was. */
  async closeOffer(tx: Executor, offerId: string): Promise<boolean> {
    const n = await tx.$executeRawUnsafe('UPDATE survey_offers SET answered_at = now() WHERE id = $1::uuid AND answered_at IS NULL', offerId);
    return n > 0;
  }

  async openOffers(tx: Executor, userId: string, since: Date): Promise<(OfferRow & { survey: SurveyRow })[]> {
    const offers = await tx.surveyOffer.findMany({ where: { userId, answeredAt: null, offeredAt: { gte: since } }, orderBy: [{ offeredAt: 'desc' }] });
    const surveys = new Map((await tx.survey.findMany({ where: { id: { in: offers.map((o) => o.surveyId) } } })).map((s) => [s.id, s]));
    return offers.filter((o) => surveys.has(o.surveyId)).map((o) => ({ ...o, survey: surveys.get(o.surveyId)! }));
  }

  /** Generic surveys for everyone or the resident's compound that they have not answered. */
  async openGeneric(tx: Executor, userId: string, compoundId: string | null): Promise<SurveyRow[]> {
    return tx.$queryRawUnsafe(
      `SELECT s.id::text AS id, s.kind, s.title, s.question, s.scored, s.compound_id AS "compoundId", s.created_at AS "createdAt"
         FROM surveys s
        WHERE s.kind = 'generic' AND (s.compound_id IS NULL OR s.compound_id = $2)
          AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.survey_id = s.id AND r.user_id = $1::uuid)
        ORDER BY s.created_at DESC LIMIT 20`,
      userId,
      compoundId,
    );
  }

  /** Records a response; null when this resident already answered this generic survey (unique index). */
  async respond(tx: Executor, r: Omit<ResponseRow, 'id' | 'answeredAt'>): Promise<ResponseRow | null> {
    const rows = await tx.$queryRawUnsafe<ResponseRow[]>(
      `INSERT INTO survey_responses (id, survey_id, user_id, offer_id, score, reason, trigger) VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7)
       ON CONFLICT DO NOTHING
       RETURNING id::text AS id, survey_id::text AS "surveyId", user_id::text AS "userId", offer_id::text AS "offerId", score, reason, trigger, answered_at AS "answeredAt"`,
      randomUUID(),
      r.surveyId,
      r.userId,
      r.offerId,
      r.score,
      r.reason,
      r.trigger,
    );
    return rows[0] ?? null;
  }
}
