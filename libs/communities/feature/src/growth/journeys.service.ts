import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { growth, type Actor } from '@linli/contracts';
import { GrowthJourneysRepository, GrowthMembersRepository } from '@linli/communities-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import { GrowthErrors, assertOps } from './growth.exception.js';
import { GrowthService, type Tx } from './growth.options.js';
import { tierIndex, type JourneyRule } from './growth.rules.js';

const DAY = 86_400_000;

/**
 * The 7-day experience plan and the 90-day growth path, as data (the rules' `journeys`): members are
 * enrolled at sign-up (or at their first activity), steps complete from real events, steps past
 * their day get one nudge (`communities.journey.nudge.v1`, delivered by the in-app inbox), and the
 * funnel reports each step's conversion.
 */
@Injectable()
export class JourneysService extends GrowthService {
  private readonly journeys = new GrowthJourneysRepository();
  private readonly members = new GrowthMembersRepository();

  private journey(journeyId: string): JourneyRule {
    const journey = this.rules.journeys.find((j) => j.journeyId === journeyId);
    if (!journey) throw GrowthErrors.journeyNotFound(journeyId);
    return journey;
  }

  /** Enrols the member in every journey they are not on. */
  async enrol(tx: Tx, userId: string, at: Date): Promise<void> {
    for (const journey of this.rules.journeys) await this.journeys.enrol(tx, userId, journey.journeyId, at);
  }

  /** Completes every step the member's activity (since the journey started) and tier now satisfy. */
  async progress(tx: Tx, userId: string, at = new Date()): Promise<void> {
    const enrolments = await this.journeys.enrolments(tx, userId);
    if (enrolments.length === 0) return;
    const done = new Set((await this.journeys.completedSteps(tx, userId)).map((s) => `${s.journeyId}/${s.stepId}`));
    const tier = (await this.members.get(tx, userId))?.tier ?? 'newcomer';
    for (const enrolment of enrolments) {
      if (enrolment.completedAt) continue;
      const journey = this.rules.journeys.find((j) => j.journeyId === enrolment.journeyId);
      if (!journey) continue;
      if (at.getTime() > enrolment.startedAt.getTime() + journey.durationDays * DAY) continue; // over
      const counts = await this.members.activityCounts(tx, userId, enrolment.startedAt);
      let open = 0;
      for (const step of journey.steps) {
        if (done.has(`${journey.journeyId}/${step.stepId}`)) continue;
        const satisfied = 'tier' in step.trigger ? tierIndex(tier) >= tierIndex(step.trigger.tier) : step.trigger.kinds.reduce((a, k) => a + (counts[k] ?? 0), 0) >= step.trigger.count;
        if (!satisfied) {
          open += 1;
          continue;
        }
        const day = Math.floor((at.getTime() - enrolment.startedAt.getTime()) / DAY) + 1;
        if (await this.journeys.completeStep(tx, { userId, journeyId: journey.journeyId, stepId: step.stepId, day, completedAt: at })) {
          await enqueueEvent(tx, growth.journeyStepCompleted, { userId, journeyId: journey.journeyId, stepId: step.stepId, day, completedAt: at.toISOString() });
        }
      }
      if (open === 0) await this.journeys.completeJourney(tx, userId, journey.journeyId, at);
    }
  }

  async mine(actor: Actor, at = new Date()): Promise<{ journeys: z.infer<typeof growth.JourneyProgressSchema>[] }> {
    const db = this.tx.reader as unknown as Tx;
    const enrolments = await this.journeys.enrolments(db, actor.userId);
    const steps = await this.journeys.completedSteps(db, actor.userId);
    return {
      journeys: enrolments.flatMap((e) => {
        const journey = this.rules.journeys.find((j) => j.journeyId === e.journeyId);
        if (!journey) return [];
        const done = new Map(steps.filter((s) => s.journeyId === e.journeyId).map((s) => [s.stepId, s.completedAt]));
        return [
          {
            journeyId: journey.journeyId,
            title: journey.title,
            startedAt: e.startedAt.toISOString(),
            endsAt: new Date(e.startedAt.getTime() + journey.durationDays * DAY).toISOString(),
            day: Math.min(journey.durationDays, Math.floor((at.getTime() - e.startedAt.getTime()) / DAY) + 1),
            completed: e.completedAt !== null,
            steps: journey.steps.map((s) => ({ stepId: s.stepId, title: s.title, stage: s.stage, dueDay: s.dueDay, completedAt: done.get(s.stepId)?.toISOString() ?? null })),
          },
        ];
      }),
    };
  }

  async funnel(actor: Actor, journeyId: string, from?: string, to?: string): Promise<z.infer<typeof growth.FunnelSchema>> {
    assertOps(actor);
    const journey = this.journey(journeyId);
    const start = from ? new Date(`${from}T00:00:00Z`) : null;
    const end = to ? new Date(Date.parse(`${to}T00:00:00Z`) + DAY) : null;
    const { enrolled, steps } = await this.journeys.funnel(this.tx.reader, journeyId, start, end);
    const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
    let previous = enrolled;
    return {
      journeyId,
      title: journey.title,
      from: from ?? null,
      to: to ?? null,
      enrolled,
      steps: journey.steps.map((s) => {
        const stat = steps.get(s.stepId) ?? { completed: 0, medianDays: null };
        const row = { stepId: s.stepId, title: s.title, completed: stat.completed, conversion: ratio(stat.completed, enrolled), fromPrevious: ratio(stat.completed, previous), medianDays: stat.medianDays };
        previous = stat.completed;
        return row;
      }),
    };
  }

  /** One nudge per open step whose day has come, for journeys still running. Returns the nudges sent. */
  async nudgeDue(now = new Date(), batch = 500): Promise<number> {
    let sent = 0;
    for (const journey of this.rules.journeys) {
      const running = await this.journeys.running(this.tx.reader, journey.journeyId, new Date(now.getTime() - journey.durationDays * DAY), batch);
      for (const enrolment of running) {
        const dayNow = Math.floor((now.getTime() - enrolment.startedAt.getTime()) / DAY) + 1;
        const due = journey.steps.filter((s) => s.dueDay <= dayNow);
        if (due.length === 0) continue;
        sent += await this.tx.run(async (tx) => {
          const done = new Set((await this.journeys.completedSteps(tx, enrolment.userId)).filter((s) => s.journeyId === journey.journeyId).map((s) => s.stepId));
          const nudged = await this.journeys.nudged(tx, enrolment.userId, journey.journeyId);
          // the earliest open step due that was not nudged yet: one reminder per run, not a pile
          const step = due.find((s) => !done.has(s.stepId) && !nudged.has(s.stepId));
          if (!step || !(await this.journeys.claimNudge(tx, enrolment.userId, journey.journeyId, step.stepId))) return 0;
          await this.notify(tx, enrolment.userId, step.nudge, journey.journeyId, step.stepId, now);
          return 1;
        });
      }
    }
    return sent;
  }

  async notify(tx: Tx, userId: string, text: string, journeyId: string, stepId: string, at = new Date()): Promise<void> {
    await enqueueEvent(tx, growth.journeyNudge, { userId, text, journeyId, stepId, nudgedAt: at.toISOString() });
  }
}
