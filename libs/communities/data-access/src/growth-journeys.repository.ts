import type { SqlExecutor } from '@linli/nest-kit';

export interface EnrolmentRow {
  userId: string;
  journeyId: string;
  startedAt: Date;
  completedAt: Date | null;
}

/** Journey enrolments, completed steps, nudges sent, and the funnel over them. */
export class GrowthJourneysRepository {
  /** Starts a journey for a member unless they are on it already. */
  async enrol(tx: SqlExecutor, userId: string, journeyId: string, startedAt: Date): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      'INSERT INTO growth_journey_enrolments (user_id, journey_id, started_at) VALUES ($1::uuid, $2, $3) ON CONFLICT DO NOTHING',
      userId,
      journeyId,
      startedAt,
    );
    return n === 1;
  }

  async enrolments(tx: SqlExecutor, userId: string): Promise<EnrolmentRow[]> {
    return tx.$queryRawUnsafe(
      `SELECT user_id::text AS "userId", journey_id AS "journeyId", started_at AS "startedAt", completed_at AS "completedAt"
         FROM growth_journey_enrolments WHERE user_id = $1::uuid ORDER BY started_at, journey_id`,
      userId,
    );
  }

  async completedSteps(tx: SqlExecutor, userId: string): Promise<{ journeyId: string; stepId: string; completedAt: Date; day: number }[]> {
    return tx.$queryRawUnsafe(
      'SELECT journey_id AS "journeyId", step_id AS "stepId", completed_at AS "completedAt", day FROM growth_journey_steps WHERE user_id = $1::uuid',
      userId,
    );
  }

  async completeStep(tx: SqlExecutor, s: { userId: string; journeyId: string; stepId: string; day: number; completedAt: Date }): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      'INSERT INTO growth_journey_steps (user_id, journey_id, step_id, day, completed_at) VALUES ($1::uuid, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      s.userId,
      s.journeyId,
      s.stepId,
      s.day,
      s.completedAt,
    );
    return n === 1;
  }

  async completeJourney(tx: SqlExecutor, userId: string, journeyId: string, at: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      'UPDATE growth_journey_enrolments SET completed_at = $3 WHERE user_id = $1::uuid AND journey_id = $2 AND completed_at IS NULL',
      userId,
      journeyId,
      at,
    );
  }

  /** Open enrolments of a journey started in (startedAfter, startedBefore]: still running and not complete. */
  async running(tx: SqlExecutor, journeyId: string, startedAfter: Date, limit: number): Promise<EnrolmentRow[]> {
    return tx.$queryRawUnsafe(
      `SELECT user_id::text AS "userId", journey_id AS "journeyId", started_at AS "startedAt", completed_at AS "completedAt"
         FROM growth_journey_enrolments WHERE journey_id = $1 AND completed_at IS NULL AND started_at > $2
        ORDER BY started_at LIMIT $3`,
      journeyId,
      startedAfter,
      limit,
    );
  }

  /** Records a nudge; false when that step was nudged before. */
  async claimNudge(tx: SqlExecutor, userId: string, journeyId: string, stepId: string): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      'INSERT INTO growth_journey_nudges (user_id, journey_id, step_id) VALUES ($1::uuid, $2, $3) ON CONFLICT DO NOTHING',
      userId,
      journeyId,
      stepId,
    );
    return n === 1;
  }

  async nudged(tx: SqlExecutor, userId: string, journeyId: string): Promise<Set<string>> {
    const rows = await tx.$queryRawUnsafe<{ step_id: string }[]>('SELECT step_id FROM growth_journey_nudges WHERE user_id = $1::uuid AND journey_id = $2', userId, journeyId);
    return new Set(rows.map((r) => r.step_id));
  }

  /** Members who started the journey in the range, and per step how many completed it and the median day. */
  async funnel(tx: SqlExecutor, journeyId: string, from: Date | null, to: Date | null): Promise<{ enrolled: number; steps: Map<string, { completed: number; medianDays: number | null }> }> {
    const enrolled = await tx.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM growth_journey_enrolments
        WHERE journey_id = $1 AND ($2::timestamptz IS NULL OR started_at >= $2) AND ($3::timestamptz IS NULL OR started_at < $3)`,
      journeyId,
      from,
      to,
    );
    const rows = await tx.$queryRawUnsafe<{ step_id: string; completed: number; median: number | null }[]>(
      `SELECT s.step_id, count(*)::int AS completed,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.completed_at - e.started_at) / 86400)::float8 AS median
         FROM growth_journey_steps s
         JOIN growth_journey_enrolments e ON e.user_id = s.user_id AND e.journey_id = s.journey_id
        WHERE s.journey_id = $1 AND ($2::timestamptz IS NULL OR e.started_at >= $2) AND ($3::timestamptz IS NULL OR e.started_at < $3)
        GROUP BY s.step_id`,
      journeyId,
      from,
      to,
    );
    return {
      enrolled: enrolled[0]!.n,
      steps: new Map(rows.map((r) => [r.step_id, { completed: r.completed, medianDays: r.median === null ? null : Math.round(r.median * 10) / 10 }])),
    };
  }
}
