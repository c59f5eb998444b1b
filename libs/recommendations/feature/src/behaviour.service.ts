import { Inject, Injectable } from '@nestjs/common';
import { LinliError, type Actor, type FieldIssue, type recommendations } from '@linli/contracts';
import { RecommendationsDb } from '@linli/recommendations-data-access';
import { BEHAVIOUR_SUBJECT, IngestService } from './ingest.service.js';
import { RecommendationsErrors } from './recommendations.exception.js';

type BehaviourEvent = recommendations.BehaviourEvent;

/** Events may be up to this far in the future (client clocks drift)… */
export const MAX_CLOCK_SKEW_MS = 10 * 60_000;
/** …and at most this old (an app offline for long may send a backlog). */
export const MAX_EVENT_AGE_MS = 30 * 86_400_000;

/**
 * The behaviour batch: views, searches, recommendation impressions and clicks of the caller,
 * de-duplicated by the client's event id (within the batch and against everything recorded or
 * parked before), parked while the caller is not known to this service yet.
 */
@Injectable()
export class BehaviourService {
  constructor(
    @Inject(RecommendationsDb) private readonly db: RecommendationsDb,
    @Inject(IngestService) private readonly ingest: IngestService,
  ) {}

  async record(actor: Actor, events: BehaviourEvent[], now = Date.now()): Promise<{ accepted: number; duplicates: number; parked: number }> {
    const issues: FieldIssue[] = [];
    events.forEach((e, i) => {
      const at = Date.parse(e.occurredAt);
      if (at > now + MAX_CLOCK_SKEW_MS) issues.push({ path: `events.${i}.occurredAt`, message: 'is in the future' });
      else if (at < now - MAX_EVENT_AGE_MS) issues.push({ path: `events.${i}.occurredAt`, message: 'is older than 30 days' });
    });
    if (issues.length) throw RecommendationsErrors.invalid('some events are invalid; nothing was recorded', issues);
    const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
    return this.db.$transaction(
      async (tx) => {
        const seen = await this.ingest.store.knownBehaviourIds(tx, unique.map((e) => e.eventId));
        const fresh = unique.filter((e) => !seen.has(e.eventId));
        let accepted = 0;
        let parked = 0;
        const user = await this.ingest.resolveLocked(tx, actor.userId);
        if (user.kind === 'known') accepted = await this.ingest.applyBehaviour(tx, user.userId, fresh);
        else if (user.kind === 'erased') throw new LinliError('IDENTITY.USER_ERASED', 'the user has been erased', { userId: actor.userId });
        else {
          for (const e of fresh) if (await this.ingest.store.park(tx, user.userId, BEHAVIOUR_SUBJECT, e.eventId, e)) parked++;
        }
        return { accepted, duplicates: events.length - accepted - parked, parked };
      },
      { timeout: 15_000 },
    );
  }
}
