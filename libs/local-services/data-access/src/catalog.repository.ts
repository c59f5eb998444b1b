import type { SqlExecutor } from '@linli/nest-kit';

export interface OfferingRow {
  id: string;
  provider_id: string;
  provider_name: string;
  category: string;
  title: string;
  description: string;
  price_cents: number;
  duration_minutes: number;
  compound_ids: string[];
  points_price: number | null;
  mode: 'slots' | 'calendar';
  sensitive: boolean;
  active: boolean;
}

export interface SlotRow {
  id: string;
  offering_id: string;
  provider_id: string;
  practitioner_id: string | null;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  booked: number;
  status: 'open' | 'cancelled';
}

export interface PractitionerRow {
  id: string;
  provider_id: string;
  name: string;
}

export interface WindowRow {
  practitioner_id: string;
  starts_at: Date;
  ends_at: Date;
}

const OFFERING = `o.id::text, o.provider_id::text, p.company_name AS provider_name, o.category, o.title, o.description, o.price_cents, o.duration_minutes,
  o.compound_ids, o.points_price, o.mode, o.sensitive, o.active`;
const SLOT = `id::text, offering_id::text, provider_id::text, practitioner_id::text, starts_at, ends_at, capacity, booked, status`;

/** Offerings, practitioners with their working hours, and slots. */
export class CatalogRepository {
  async insertOffering(
    tx: SqlExecutor,
    o: {
      id: string;
      providerId: string;
      category: string;
      title: string;
      description: string;
      priceCents: number;
      durationMinutes: number;
      compoundIds: string[];
      pointsPrice: number | null;
      mode: string;
      sensitive: boolean;
    },
  ): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO offerings (id, provider_id, category, title, description, price_cents, duration_minutes, compound_ids, points_price, mode, sensitive)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::text[], $9, $10, $11)`,
      o.id,
      o.providerId,
      o.category,
      o.title,
      o.description,
      o.priceCents,
      o.durationMinutes,
      o.compoundIds,
      o.pointsPrice,
      o.mode,
      o.sensitive,
    );
  }

  async offering(tx: SqlExecutor, offeringId: string): Promise<OfferingRow | null> {
    const rows = await tx.$queryRawUnsafe<OfferingRow[]>(`SELECT ${OFFERING} FROM offerings o JOIN providers p ON p.id = o.provider_id WHERE o.id = $1::uuid`, offeringId);
    return rows[0] ?? null;
  }

  /** Active offerings of approved providers serving a compound. */
  async offeringsServing(tx: SqlExecutor, compoundId: string, category: string | null): Promise<OfferingRow[]> {
    return tx.$queryRawUnsafe<OfferingRow[]>(
      `SELECT ${OFFERING} FROM offerings o JOIN providers p ON p.id = o.provider_id
        WHERE o.active AND p.status = 'approved' AND $1 = ANY(o.compound_ids) AND ($2::text IS NULL OR o.category = $2)
        ORDER BY o.category, o.title, o.id`,
      compoundId,
      category,
    );
  }

  /** Open slots of these offerings starting from `from`, in time order (at most `perOffering` each). */
  async upcomingSlots(tx: SqlExecutor, offeringIds: string[], from: Date, perOffering: number): Promise<SlotRow[]> {
    if (offeringIds.length === 0) return [];
    return tx.$queryRawUnsafe<SlotRow[]>(
      `SELECT ${SLOT} FROM (
         SELECT s.*, row_number() OVER (PARTITION BY offering_id ORDER BY starts_at, id) AS n
           FROM slots s WHERE offering_id = ANY($1::uuid[]) AND status = 'open' AND starts_at >= $2) ranked
        WHERE n <= $3 ORDER BY starts_at, id`,
      offeringIds,
      from,
      perOffering,
    );
  }

  async insertPractitioner(tx: SqlExecutor, p: { id: string; providerId: string; name: string; windows: { startsAt: Date; endsAt: Date }[] }): Promise<void> {
    await tx.$executeRawUnsafe(`INSERT INTO practitioners (id, provider_id, name) VALUES ($1::uuid, $2::uuid, $3)`, p.id, p.providerId, p.name);
    await tx.$executeRawUnsafe(
      `INSERT INTO practitioner_windows (practitioner_id, starts_at, ends_at) SELECT $1::uuid, w.s, w.e FROM unnest($2::timestamptz[], $3::timestamptz[]) AS w(s, e)`,
      p.id,
      p.windows.map((w) => w.startsAt),
      p.windows.map((w) => w.endsAt),
    );
  }

  async practitioner(tx: SqlExecutor, practitionerId: string): Promise<PractitionerRow | null> {
    const rows = await tx.$queryRawUnsafe<PractitionerRow[]>(`SELECT id::text, provider_id::text, name FROM practitioners WHERE id = $1::uuid`, practitionerId);
    return rows[0] ?? null;
  }

  async windows(tx: SqlExecutor, practitionerId: string): Promise<WindowRow[]> {
    return tx.$queryRawUnsafe<WindowRow[]>(
      `SELECT practitioner_id::text, starts_at, ends_at FROM practitioner_windows WHERE practitioner_id = $1::uuid ORDER BY starts_at`,
      practitionerId,
    );
  }

  /** True when [startsAt, endsAt) lies inside one of the practitioner's working windows. */
  async withinWindow(tx: SqlExecutor, practitionerId: string, startsAt: Date, endsAt: Date): Promise<boolean> {
    const rows = await tx.$queryRawUnsafe<{ ok: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM practitioner_windows WHERE practitioner_id = $1::uuid AND starts_at <= $2 AND ends_at >= $3) AS ok`,
      practitionerId,
      startsAt,
      endsAt,
    );
    return rows[0]!.ok;
  }

  /** Inserts slots; a practitioner's overlapping slots violate `slots_practitioner_no_overlap` (23P01). */
  async insertSlots(
    tx: SqlExecutor,
    slots: { id: string; offeringId: string; providerId: string; practitionerId: string | null; startsAt: Date; endsAt: Date; capacity: number }[],
  ): Promise<SlotRow[]> {
    return tx.$queryRawUnsafe<SlotRow[]>(
      `INSERT INTO slots (id, offering_id, provider_id, practitioner_id, starts_at, ends_at, capacity)
       SELECT s.id, $2::uuid, $3::uuid, s.practitioner_id, s.starts_at, s.ends_at, s.capacity
         FROM unnest($1::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::int[]) AS s(id, practitioner_id, starts_at, ends_at, capacity)
       RETURNING ${SLOT}`,
      slots.map((s) => s.id),
      slots[0]!.offeringId,
      slots[0]!.providerId,
      slots.map((s) => s.practitionerId),
      slots.map((s) => s.startsAt),
      slots.map((s) => s.endsAt),
      slots.map((s) => s.capacity),
    );
  }

  async slot(tx: SqlExecutor, slotId: string): Promise<SlotRow | null> {
    const rows = await tx.$queryRawUnsafe<SlotRow[]>(`SELECT ${SLOT} FROM slots WHERE id = $1::uuid`, slotId);
    return rows[0] ?? null;
  }

  /**
   * Takes one seat of an open slot in one conditional statement: it succeeds only while
   * `booked < capacity`, so concurrent bookings can never overbook (row lock + recheck). Null when full or closed.
   */
  async takeSeat(tx: SqlExecutor, slotId: string): Promise<SlotRow | null> {
    const rows = await tx.$queryRawUnsafe<SlotRow[]>(
      `UPDATE slots SET booked = booked + 1 WHERE id = $1::uuid AND status = 'open' AND booked < capacity RETURNING ${SLOT}`,
      slotId,
    );
    return rows[0] ?? null;
  }

  async releaseSeat(tx: SqlExecutor, slotId: string): Promise<void> {
    await tx.$executeRawUnsafe(`UPDATE slots SET booked = booked - 1 WHERE id = $1::uuid AND booked > 0`, slotId);
  }
}
