import type { SqlExecutor } from '@linli/nest-kit';

export interface BookingRow {
  id: string;
  provider_id: string;
  offering_id: string;
  offering_title: string;
  category: string;
  sensitive: boolean;
  slot_id: string | null;
  practitioner_id: string | null;
  user_id: string;
  compound_id: string;
  starts_at: Date;
  ends_at: Date;
  status: 'pending_payment' | 'paid' | 'confirmed' | 'completed' | 'no_show' | 'cancelled';
  price_cents: number;
  points_used: number;
  points_cents: number;
  cash_cents: number;
  points_reservation_id: string | null;
  points_state: 'none' | 'reserved' | 'committed' | 'released';
  created_at: Date;
  updated_at: Date;
  sensitive_note: string | null;
  review_rating: number | null;
  review_text: string | null;
  review_at: Date | null;
  payment_id: string | null;
  payment_provider: string | null;
  payment_status: 'created' | 'succeeded' | 'failed' | 'refunded' | null;
  payment_amount_cents: number | null;
  payment_client_params: Record<string, string> | null;
}

export interface PaymentRow {
  id: string;
  booking_id: string;
  provider: string;
  provider_payment_id: string | null;
  amount_cents: number;
  status: 'created' | 'succeeded' | 'failed' | 'refunded';
}

export interface NewBooking {
  id: string;
  providerId: string;
  offeringId: string;
  slotId: string | null;
  practitionerId: string | null;
  userId: string;
  compoundId: string;
  startsAt: Date;
  endsAt: Date;
  status: 'pending_payment' | 'paid';
  priceCents: number;
  pointsUsed: number;
  pointsCents: number;
  cashCents: number;
  pointsReservationId: string | null;
}

const BOOKING = `b.id::text, b.provider_id::text, b.offering_id::text, o.title AS offering_title, o.category, o.sensitive, b.slot_id::text,
  b.practitioner_id::text, b.user_id::text, b.compound_id, b.starts_at, b.ends_at, b.status, b.price_cents, b.points_used, b.points_cents,
  b.cash_cents, b.points_reservation_id, b.points_state, b.created_at, b.updated_at, s.note AS sensitive_note,
  r.rating AS review_rating, r.text AS review_text, r.created_at AS review_at,
  pay.id::text AS payment_id, pay.provider AS payment_provider, pay.status AS payment_status, pay.amount_cents AS payment_amount_cents,
  pay.client_params AS payment_client_params`;
const FROM = `bookings b JOIN offerings o ON o.id = b.offering_id
  LEFT JOIN booking_sensitive s ON s.booking_id = b.id
  LEFT JOIN reviews r ON r.booking_id = b.id
  LEFT JOIN LATERAL (SELECT * FROM payments p WHERE p.booking_id = b.id ORDER BY p.created_at DESC LIMIT 1) pay ON true`;

/** Bookings with their sensitive notes, reviews and payments, and the residents' compounds. */
export class BookingsRepository {
  /** Inserts a booking; a practitioner's overlapping live booking violates `bookings_practitioner_no_overlap` (23P01). */
  async insert(tx: SqlExecutor, b: NewBooking): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO bookings (id, provider_id, offering_id, slot_id, practitioner_id, user_id, compound_id, starts_at, ends_at, status,
                             price_cents, points_used, points_cents, cash_cents, points_reservation_id, points_state)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6::uuid, $7, $8, $9, $10, $11, $12, $13, $14, $15, CASE WHEN $15::text IS NULL THEN 'none' ELSE 'reserved' END)`,
      b.id,
      b.providerId,
      b.offeringId,
      b.slotId,
      b.practitionerId,
      b.userId,
      b.compoundId,
      b.startsAt,
      b.endsAt,
      b.status,
      b.priceCents,
      b.pointsUsed,
      b.pointsCents,
      b.cashCents,
      b.pointsReservationId,
    );
  }

  async insertSensitive(tx: SqlExecutor, bookingId: string, userId: string, note: string): Promise<void> {
    await tx.$executeRawUnsafe(`INSERT INTO booking_sensitive (booking_id, user_id, note) VALUES ($1::uuid, $2::uuid, $3)`, bookingId, userId, note);
  }

  async booking(tx: SqlExecutor, bookingId: string): Promise<BookingRow | null> {
    const rows = await tx.$queryRawUnsafe<BookingRow[]>(`SELECT ${BOOKING} FROM ${FROM} WHERE b.id = $1::uuid`, bookingId);
    return rows[0] ?? null;
  }

  /** Locks the booking row until the transaction ends; false when there is none. */
  async lock(tx: SqlExecutor, bookingId: string): Promise<boolean> {
    const rows = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM bookings WHERE id = $1::uuid FOR UPDATE`, bookingId);
    return rows.length > 0;
  }

  async ofUser(tx: SqlExecutor, userId: string, limit: number): Promise<BookingRow[]> {
    return tx.$queryRawUnsafe<BookingRow[]>(`SELECT ${BOOKING} FROM ${FROM} WHERE b.user_id = $1::uuid ORDER BY b.created_at DESC, b.id DESC LIMIT $2`, userId, limit);
  }

  async ofUsers(tx: SqlExecutor, userIds: string[]): Promise<BookingRow[]> {
    return tx.$queryRawUnsafe<BookingRow[]>(`SELECT ${BOOKING} FROM ${FROM} WHERE b.user_id = ANY($1::uuid[]) ORDER BY b.created_at, b.id`, userIds);
  }

  async ofProvider(tx: SqlExecutor, providerId: string, status: string | null, limit: number): Promise<BookingRow[]> {
    return tx.$queryRawUnsafe<BookingRow[]>(
      `SELECT ${BOOKING} FROM ${FROM} WHERE b.provider_id = $1::uuid AND ($2::text IS NULL OR b.status = $2) ORDER BY b.starts_at, b.id LIMIT $3`,
      providerId,
      status,
      limit,
    );
  }

  async setStatus(tx: SqlExecutor, bookingId: string, status: string): Promise<void> {
    await tx.$executeRawUnsafe(`UPDATE bookings SET status = $2, updated_at = now() WHERE id = $1::uuid`, bookingId, status);
  }

  async setPointsState(tx: SqlExecutor, bookingId: string, state: 'committed' | 'released'): Promise<void> {
    await tx.$executeRawUnsafe(`UPDATE bookings SET points_state = $2, updated_at = now() WHERE id = $1::uuid`, bookingId, state);
  }

  /** Moves a booking to another time (and slot); the practitioner exclusion constraint still applies. */
  async move(tx: SqlExecutor, bookingId: string, to: { slotId: string | null; practitionerId: string | null; startsAt: Date; endsAt: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE bookings SET slot_id = $2::uuid, practitioner_id = $3::uuid, starts_at = $4, ends_at = $5, updated_at = now() WHERE id = $1::uuid`,
      bookingId,
      to.slotId,
      to.practitionerId,
      to.startsAt,
      to.endsAt,
    );
  }

  /** Inserts the review; false when the booking already has one. */
  async insertReview(tx: SqlExecutor, bookingId: string, userId: string, rating: number, text: string | null): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `INSERT INTO reviews (booking_id, user_id, rating, text) VALUES ($1::uuid, $2::uuid, $3, $4) ON CONFLICT (booking_id) DO NOTHING`,
      bookingId,
      userId,
      rating,
      text,
    );
    return n === 1;
  }

  async insertPayment(tx: SqlExecutor, p: { id: string; bookingId: string; provider: string; amountCents: number }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO payments (id, booking_id, provider, amount_cents) VALUES ($1::uuid, $2::uuid, $3, $4)`,
      p.id,
      p.bookingId,
      p.provider,
      p.amountCents,
    );
  }

  async setIntent(tx: SqlExecutor, paymentId: string, providerPaymentId: string, clientParams: Record<string, string>): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE payments SET provider_payment_id = $2, client_params = $3::jsonb, updated_at = now() WHERE id = $1::uuid`,
      paymentId,
      providerPaymentId,
      JSON.stringify(clientParams),
    );
  }

  async payment(tx: SqlExecutor, paymentId: string, options: { lock?: boolean } = {}): Promise<PaymentRow | null> {
    const rows = await tx.$queryRawUnsafe<PaymentRow[]>(
      `SELECT id::text, booking_id::text, provider, provider_payment_id, amount_cents, status FROM payments WHERE id = $1::uuid${options.lock ? ' FOR UPDATE' : ''}`,
      paymentId,
    );
    return rows[0] ?? null;
  }

  async setPaymentStatus(tx: SqlExecutor, paymentId: string, status: PaymentRow['status']): Promise<void> {
    await tx.$executeRawUnsafe(`UPDATE payments SET status = $2, updated_at = now() WHERE id = $1::uuid`, paymentId, status);
  }

  /** Records a provider notification; false when it was seen before. */
  async recordNotification(tx: SqlExecutor, notificationId: string, paymentId: string): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `INSERT INTO payment_notifications (notification_id, payment_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING`,
      notificationId,
      paymentId,
    );
    return n === 1;
  }

  /** Keeps the resident's latest binding (an older event changes nothing). */
  async upsertPlace(tx: SqlExecutor, userId: string, compoundId: string, pickupPointId: string | null, boundAt: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO resident_places (user_id, compound_id, pickup_point_id, bound_at) VALUES ($1::uuid, $2, $3::uuid, $4)
       ON CONFLICT (user_id) DO UPDATE SET compound_id = EXCLUDED.compound_id, pickup_point_id = EXCLUDED.pickup_point_id, bound_at = EXCLUDED.bound_at
        WHERE resident_places.bound_at <= EXCLUDED.bound_at`,
      userId,
      compoundId,
      pickupPointId,
      boundAt,
    );
  }

  /** Remembers who runs an active pickup point; a point no longer active is forgotten. */
  async setPointLeader(tx: SqlExecutor, pickupPointId: string, leaderUserId: string, active: boolean): Promise<void> {
    if (!active) {
      await tx.$executeRawUnsafe(`DELETE FROM pickup_point_leaders WHERE pickup_point_id = $1::uuid`, pickupPointId);
      return;
    }
    await tx.$executeRawUnsafe(
      `INSERT INTO pickup_point_leaders (pickup_point_id, leader_user_id) VALUES ($1::uuid, $2::uuid)
       ON CONFLICT (pickup_point_id) DO UPDATE SET leader_user_id = EXCLUDED.leader_user_id`,
      pickupPointId,
      leaderUserId,
    );
  }

  /** How many of these residents have a place (a known binding). */
  async placedCount(tx: SqlExecutor, userIds: string[]): Promise<number> {
    const rows = await tx.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM resident_places WHERE user_id = ANY($1::uuid[])', userIds);
    return rows[0]?.n ?? 0;
  }

  /** Who runs the pickup point, when it is known and active. */
  async pointLeader(tx: SqlExecutor, pickupPointId: string): Promise<string | null> {
    const rows = await tx.$queryRawUnsafe<{ leader: string }[]>(`SELECT leader_user_id::text AS leader FROM pickup_point_leaders WHERE pickup_point_id = $1::uuid`, pickupPointId);
    return rows[0]?.leader ?? null;
  }

  /** The leader of the pickup point the resident is bound to, when known. */
  async leaderOf(tx: SqlExecutor, userId: string): Promise<string | null> {
    const rows = await tx.$queryRawUnsafe<{ leader: string }[]>(
      `SELECT l.leader_user_id::text AS leader FROM resident_places p JOIN pickup_point_leaders l ON l.pickup_point_id = p.pickup_point_id WHERE p.user_id = $1::uuid`,
      userId,
    );
    return rows[0]?.leader ?? null;
  }

  async placeOf(tx: SqlExecutor, userId: string): Promise<string | null> {
    const rows = await tx.$queryRawUnsafe<{ compound_id: string }[]>(`SELECT compound_id FROM resident_places WHERE user_id = $1::uuid`, userId);
    return rows[0]?.compound_id ?? null;
  }

  /** Bookings still awaiting payment that were made before `before`, oldest first. */
  async unpaidBefore(tx: SqlExecutor, before: Date, limit: number): Promise<string[]> {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text FROM bookings WHERE status = 'pending_payment' AND created_at < $1 ORDER BY created_at LIMIT $2`,
      before,
      limit,
    );
    return rows.map((r) => r.id);
  }

  /** Live bookings of a user that have not started (erasure cancels them). */
  async upcomingOf(tx: SqlExecutor, userId: string): Promise<BookingRow[]> {
    return tx.$queryRawUnsafe<BookingRow[]>(
      `SELECT ${BOOKING} FROM ${FROM} WHERE b.user_id = $1::uuid AND b.status IN ('pending_payment', 'paid', 'confirmed') AND b.starts_at > now()`,
      userId,
    );
  }

  /**
   * Erasure: deletes the person's notes (health data for clinics) and bound compound, clears their
   * review texts, and cuts every remaining link to them: each booking and review keeps its business
   * facts for the provider under a fresh random id (one per booking, so nothing links them either),
   * the audit log forgets them as an actor, and providers they applied for lose their owner and
   * contact phone (ops assign a new owner).
   */
  async erasePersonal(tx: SqlExecutor, userId: string): Promise<void> {
    await tx.$executeRawUnsafe(`DELETE FROM booking_sensitive WHERE user_id = $1::uuid`, userId);
    await tx.$executeRawUnsafe(`DELETE FROM resident_places WHERE user_id = $1::uuid`, userId);
    await tx.$executeRawUnsafe(`DELETE FROM pickup_point_leaders WHERE leader_user_id = $1::uuid`, userId);
    await tx.$executeRawUnsafe(
      `WITH anon AS (SELECT id, gen_random_uuid() AS new_id FROM bookings WHERE user_id = $1::uuid),
            reviewed AS (UPDATE reviews r SET user_id = anon.new_id, text = NULL FROM anon WHERE r.booking_id = anon.id)
       UPDATE bookings b SET user_id = anon.new_id, updated_at = now() FROM anon WHERE b.id = anon.id`,
      userId,
    );
    await tx.$executeRawUnsafe(`UPDATE reviews SET user_id = gen_random_uuid(), text = NULL WHERE user_id = $1::uuid`, userId);
    await tx.$executeRawUnsafe(`UPDATE audit_log SET actor_user_id = NULL WHERE actor_user_id = $1::uuid`, userId);
    await tx.$executeRawUnsafe(`UPDATE providers SET owner_user_id = gen_random_uuid(), contact_phone = '' WHERE owner_user_id = $1::uuid`, userId);
  }

  /** Re-keys a merged account's bookings, notes and reviews to the surviving account. */
  async rekey(tx: SqlExecutor, fromUserId: string, toUserId: string): Promise<void> {
    for (const table of ['bookings', 'booking_sensitive', 'reviews']) {
      await tx.$executeRawUnsafe(`UPDATE ${table} SET user_id = $2::uuid WHERE user_id = $1::uuid`, fromUserId, toUserId);
    }
    await tx.$executeRawUnsafe(`DELETE FROM resident_places WHERE user_id = $1::uuid`, fromUserId);
  }
}
