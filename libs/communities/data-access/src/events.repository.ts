import { randomUUID } from 'node:crypto';
import type { Executor } from './executor.js';

export interface EventRow {
  id: string;
  communityId: string | null;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  pickupPointId: string | null;
  address: string | null;
  compoundId: string | null;
  capacity: number;
  waitlistCapacity: number;
  confirmed: number;
  waitlisted: number;
  organiserUserId: string;
  checkInCode: string;
  createdAt: Date;
}

export interface RsvpRow {
  eventId: string;
  userId: string;
  status: 'confirmed' | 'waitlisted' | 'cancelled';
  seq: bigint;
  createdAt: Date;
  confirmedAt: Date | null;
  cancelledAt: Date | null;
  checkedInAt: Date | null;
}

const RSVP_COLUMNS = `event_id::text AS "eventId", user_id::text AS "userId", status, seq, created_at AS "createdAt",
  confirmed_at AS "confirmedAt", cancelled_at AS "cancelledAt", checked_in_at AS "checkedInAt"`;

export type RsvpOutcome = { kind: 'confirmed' | 'waitlisted'; rsvp: RsvpRow } | { kind: 'duplicate'; rsvp: RsvpRow } | { kind: 'full' } | { kind: 'closed' };

/**
 * Events and RSVPs. Seats and waiting-list places are counters on the event row, taken and given back
 * by conditional UPDATEs (which serialise on the row) under CHECK constraints: the database, not a
 * read in the service, keeps `confirmed <= capacity` under any concurrency.
 */
export class EventsRepository {
  async create(tx: Executor, e: Omit<EventRow, 'id' | 'confirmed' | 'waitlisted' | 'createdAt'>): Promise<EventRow> {
    return tx.communityEvent.create({ data: { id: randomUUID(), ...e } });
  }

  async get(tx: Executor, id: string): Promise<EventRow | null> {
    return tx.communityEvent.findUnique({ where: { id } });
  }

  async list(tx: Executor, f: { communityId?: string; compoundId?: string; upcoming: boolean; limit: number }): Promise<EventRow[]> {
    return tx.communityEvent.findMany({
      where: { ...(f.communityId ? { communityId: f.communityId } : {}), ...(f.compoundId ? { compoundId: f.compoundId } : {}), ...(f.upcoming ? { endsAt: { gt: new Date() } } : {}) },
      orderBy: [{ startsAt: f.upcoming ? 'asc' : 'desc' }],
      take: f.limit,
    });
  }

  async rsvpOf(tx: Executor, eventId: string, userId: string): Promise<RsvpRow | null> {
    const rows = await tx.$queryRawUnsafe<RsvpRow[]>(`SELECT ${RSVP_COLUMNS} FROM event_rsvps WHERE event_id = $1::uuid AND user_id = $2::uuid`, eventId, userId);
    return rows[0] ?? null;
  }

  /** 1-based place on the waiting list (null unless waitlisted). */
  async waitlistPosition(tx: Executor, r: RsvpRow): Promise<number | null> {
    if (r.status !== 'waitlisted') return null;
    const rows = await tx.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM event_rsvps WHERE event_id = $1::uuid AND status = 'waitlisted' AND seq <= $2`,
      r.eventId,
      r.seq,
    );
    return rows[0]!.n;
  }

  /**
   * RSVP in one transaction: the RSVP row (its primary key refuses a second one; a cancelled RSVP is
   * renewed at the back of the queue), then a seat if one is left, else a waiting-list place.
   * `full` and `closed` (the event has started) leave the caller to roll back.
   */
  async rsvp(tx: Executor, eventId: string, userId: string): Promise<RsvpOutcome> {
    let rows = await tx.$queryRawUnsafe<RsvpRow[]>(
      `INSERT INTO event_rsvps (event_id, user_id, status) VALUES ($1::uuid, $2::uuid, 'waitlisted') ON CONFLICT DO NOTHING RETURNING ${RSVP_COLUMNS}`,
      eventId,
      userId,
    );
    if (rows.length === 0) {
      rows = await tx.$queryRawUnsafe<RsvpRow[]>(
        `UPDATE event_rsvps SET status = 'waitlisted', seq = nextval(pg_get_serial_sequence('event_rsvps', 'seq')), created_at = now(),
                confirmed_at = NULL, cancelled_at = NULL
          WHERE event_id = $1::uuid AND user_id = $2::uuid AND status = 'cancelled' RETURNING ${RSVP_COLUMNS}`,
        eventId,
        userId,
      );
      if (rows.length === 0) return { kind: 'duplicate', rsvp: (await this.rsvpOf(tx, eventId, userId))! };
    }
    const seat = await tx.$executeRawUnsafe(
      'UPDATE community_events SET confirmed = confirmed + 1 WHERE id = $1::uuid AND confirmed < capacity AND starts_at > now()',
      eventId,
    );
    if (seat > 0) {
      const confirmed = await tx.$queryRawUnsafe<RsvpRow[]>(
        `UPDATE event_rsvps SET status = 'confirmed', confirmed_at = now() WHERE event_id = $1::uuid AND user_id = $2::uuid RETURNING ${RSVP_COLUMNS}`,
        eventId,
        userId,
      );
      return { kind: 'confirmed', rsvp: confirmed[0]! };
    }
    const place = await tx.$executeRawUnsafe(
      'UPDATE community_events SET waitlisted = waitlisted + 1 WHERE id = $1::uuid AND waitlisted < waitlist_capacity AND starts_at > now()',
      eventId,
    );
    if (place > 0) {
      // Numbered now, under the event row's lock, so the queue is in the order places were taken.
      const queued = await tx.$queryRawUnsafe<RsvpRow[]>(
        `UPDATE event_rsvps SET seq = nextval(pg_get_serial_sequence('event_rsvps', 'seq')) WHERE event_id = $1::uuid AND user_id = $2::uuid RETURNING ${RSVP_COLUMNS}`,
        eventId,
        userId,
      );
      return { kind: 'waitlisted', rsvp: queued[0]! };
    }
    const open = await tx.$queryRawUnsafe<{ open: boolean }[]>('SELECT starts_at > now() AS open FROM community_events WHERE id = $1::uuid', eventId);
    return open[0]?.open ? { kind: 'full' } : { kind: 'closed' };
  }

  /**
   * Cancels an RSVP. The event row is locked first (every seat change takes that lock), so a freed
   * seat goes to the earliest waitlisted RSVP before anyone else can take it.
   */
  async cancel(tx: Executor, eventId: string, userId: string): Promise<{ rsvp: RsvpRow; promoted: RsvpRow | null } | null> {
    await tx.$queryRawUnsafe('SELECT id FROM community_events WHERE id = $1::uuid FOR UPDATE', eventId);
    const before = await this.rsvpOf(tx, eventId, userId);
    if (!before || before.status === 'cancelled') return null;
    const rows = await tx.$queryRawUnsafe<RsvpRow[]>(
      `UPDATE event_rsvps SET status = 'cancelled', cancelled_at = now() WHERE event_id = $1::uuid AND user_id = $2::uuid RETURNING ${RSVP_COLUMNS}`,
      eventId,
      userId,
    );
    if (before.status === 'waitlisted') {
      await tx.$executeRawUnsafe('UPDATE community_events SET waitlisted = waitlisted - 1 WHERE id = $1::uuid', eventId);
      return { rsvp: rows[0]!, promoted: null };
    }
    const promoted = await tx.$queryRawUnsafe<RsvpRow[]>(
      `UPDATE event_rsvps SET status = 'confirmed', confirmed_at = now()
        WHERE (event_id, user_id) = (SELECT event_id, user_id FROM event_rsvps WHERE event_id = $1::uuid AND status = 'waitlisted' ORDER BY seq LIMIT 1 FOR UPDATE)
        RETURNING ${RSVP_COLUMNS}`,
      eventId,
    );
    if (promoted.length > 0) await tx.$executeRawUnsafe('UPDATE community_events SET waitlisted = waitlisted - 1 WHERE id = $1::uuid', eventId);
    else await tx.$executeRawUnsafe('UPDATE community_events SET confirmed = confirmed - 1 WHERE id = $1::uuid', eventId);
    return { rsvp: rows[0]!, promoted: promoted[0] ?? null };
  }

  /** Marks a confirmed RSVP checked in; null when it is not confirmed or already checked in. */
  async checkIn(tx: Executor, eventId: string, userId: string): Promise<RsvpRow | null> {
    const rows = await tx.$queryRawUnsafe<RsvpRow[]>(
      `UPDATE event_rsvps SET checked_in_at = now() WHERE event_id = $1::uuid AND user_id = $2::uuid AND status = 'confirmed' AND checked_in_at IS NULL RETURNING ${RSVP_COLUMNS}`,
      eventId,
      userId,
    );
    return rows[0] ?? null;
  }

  async rsvpsOf(tx: Executor, userId: string, limit: number): Promise<(RsvpRow & { title: string; startsAt: Date })[]> {
    return tx.$queryRawUnsafe(
      `SELECT r.event_id::text AS "eventId", r.user_id::text AS "userId", r.status, r.seq, r.created_at AS "createdAt",
              r.confirmed_at AS "confirmedAt", r.cancelled_at AS "cancelledAt", r.checked_in_at AS "checkedInAt", e.title, e.starts_at AS "startsAt"
         FROM event_rsvps r JOIN community_events e ON e.id = r.event_id
        WHERE r.user_id = $1::uuid ORDER BY e.starts_at DESC LIMIT $2`,
      userId,
      limit,
    );
  }

  /** An event's RSVPs: confirmed ones in the order they got their seat, then the waiting list in order, then cancelled ones. */
  async rsvpsOfEvent(tx: Executor, eventId: string, limit: number): Promise<RsvpRow[]> {
    return tx.$queryRawUnsafe(
      `SELECT ${RSVP_COLUMNS} FROM event_rsvps WHERE event_id = $1::uuid
        ORDER BY CASE status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, confirmed_at NULLS LAST, seq LIMIT $2`,
      eventId,
      limit,
    );
  }

  async counts(tx: Executor, eventId: string): Promise<{ confirmedRows: number; waitlistedRows: number }> {
    const rows = await tx.$queryRawUnsafe<{ c: number; w: number }[]>(
      `SELECT count(*) FILTER (WHERE status = 'confirmed')::int AS c, count(*) FILTER (WHERE status = 'waitlisted')::int AS w FROM event_rsvps WHERE event_id = $1::uuid`,
      eventId,
    );
    return { confirmedRows: rows[0]!.c, waitlistedRows: rows[0]!.w };
  }
}
