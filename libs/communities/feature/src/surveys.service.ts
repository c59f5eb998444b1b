import { Inject, Injectable } from '@nestjs/common';
import { communities as c, type Actor, type RpcRequest } from '@linli/contracts';
import type { SurveyRow } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { CommunitiesContext, isOps, type Tx } from './communities.context.js';
import { CommunitiesErrors as E } from './communities.exception.js';

type Trigger = 'pickup' | 'event' | 'ops';
const DAY_MS = 86_400_000;

function toSurvey(s: SurveyRow) {
  return { surveyId: s.id, kind: s.kind as 'nps' | 'generic', title: s.title, question: s.question, scored: s.scored, compoundId: s.compoundId, createdAt: s.createdAt.toISOString() };
}

/**
 * Surveys: the NPS question offered after a completed pickup or an attended event (at most once per
 * resident per 30 days), generic surveys by ops, and the answers, each published as
 * `communities.survey.answered.v1` for the asset metrics.
 */
@Injectable()
export class SurveysService {
  constructor(@Inject(CommunitiesContext) private readonly ctx: CommunitiesContext) {}

  /** Offers the NPS question in the caller's transaction, unless the resident had it in the interval. */
  async offerNps(tx: Tx, o: { userId: string; trigger: 'pickup' | 'event'; compoundId: string | null; pickupPointId: string | null; leaderUserId: string | null }) {
    return this.ctx.surveys.offerNps(tx, { surveyId: c.NPS_SURVEY_ID, ...o }, this.ctx.options.npsIntervalDays);
  }

  async create(req: RpcRequest<typeof c.createSurvey>) {
    if (!isOps(req.actor)) throw E.forbidden('only ops create surveys');
    const row = await this.ctx.run((tx) =>
      this.ctx.surveys.create(tx, { title: req.title, question: req.question, scored: req.scored, compoundId: req.compoundId ?? null, createdBy: req.actor.userId }),
    );
    return toSurvey(row);
  }

  async pending(actor: Actor) {
    const tx = this.ctx.reader;
    const since = new Date(Date.now() - this.ctx.options.npsAnswerDays * DAY_MS);
    const resident = await this.ctx.replicas.resident(tx, actor.userId);
    const [offers, generic] = await Promise.all([this.ctx.surveys.openOffers(tx, actor.userId, since), this.ctx.surveys.openGeneric(tx, actor.userId, resident?.compoundId ?? null)]);
    const seen = new Set<string>();
    const surveys = [
      ...offers
        .filter((o) => !seen.has(o.surveyId) && seen.add(o.surveyId))
        .map((o) => ({ ...toSurvey(o.survey), trigger: o.trigger as Trigger, offeredAt: o.offeredAt.toISOString() })),
      ...generic.map((s) => ({ ...toSurvey(s), trigger: 'ops' as const, offeredAt: s.createdAt.toISOString() })),
    ];
    return { surveys };
  }

  async answer(req: RpcRequest<typeof c.answerSurvey>) {
    const { actor } = req;
    return this.ctx.run(async (tx) => {
      const survey = await this.ctx.surveys.get(tx, req.surveyId);
      if (!survey) throw E.surveyNotFound(req.surveyId);
      if (survey.scored && req.score === undefined) throw E.scoreRequired();
      const score = survey.scored ? req.score! : (req.score ?? null);
      let offer: { id: string; trigger: string; compoundId: string | null; pickupPointId: string | null; leaderUserId: string | null } | null = null;
      let place = { compoundId: null as string | null, pickupPointId: null as string | null, leaderUserId: null as string | null };
      if (survey.kind === 'nps') {
        offer = await this.ctx.surveys.openOffer(tx, survey.id, actor.userId, new Date(Date.now() - this.ctx.options.npsAnswerDays * DAY_MS));
        if (!offer || !(await this.ctx.surveys.closeOffer(tx, offer.id))) throw E.surveyNotOffered(survey.id);
        place = { compoundId: offer.compoundId, pickupPointId: offer.pickupPointId, leaderUserId: offer.leaderUserId };
      } else {
        const resident = await this.ctx.replicas.resident(tx, actor.userId);
        if (survey.compoundId && resident?.compoundId !== survey.compoundId && !isOps(actor)) throw E.surveyNotOffered(survey.id);
        const point = resident?.pickupPointId ? await this.ctx.replicas.pickupPoint(tx, resident.pickupPointId) : null;
        place = { compoundId: resident?.compoundId ?? null, pickupPointId: resident?.pickupPointId ?? null, leaderUserId: point?.leaderUserId ?? null };
      }
      const trigger = (offer?.trigger ?? 'ops') as Trigger;
      const row = await this.ctx.surveys.respond(tx, { surveyId: survey.id, userId: actor.userId, offerId: offer?.id ?? null, score, reason: req.reason ?? null, trigger });
      if (!row) throw E.alreadyAnswered(survey.id);
      await enqueueEvent(tx, c.surveyAnswered, {
        surveyId: survey.id,
        responseId: row.id,
        userId: actor.userId,
        kind: survey.kind as 'nps' | 'generic',
        score,
        trigger,
        ...place,
        answeredAt: row.answeredAt.toISOString(),
      });
      return { responseId: row.id, surveyId: survey.id, score, reason: row.reason, trigger, answeredAt: row.answeredAt.toISOString() };
    });
  }
}
