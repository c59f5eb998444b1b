import { LocalServicesErrors } from './local-services.exception.js';

/**
 * The growth system's points ledger as bookings use it: points are reserved when a resident books,
 * committed when the provider completes the booking (or marks a no-show), and released when it is
 * cancelled. The ledger is owned by the growth system (`rpc.communities.points.reserve|commit|release`);
 * an adapter over those subjects implements this interface once they exist.
 *
 * `reserve` throws `LOCAL_SERVICES.POINTS_INSUFFICIENT` when the balance does not cover the points.
 * Every call is idempotent by `reference` / reservation id, so a retried call changes nothing twice.
 */
export interface PointsLedger {
  reserve(request: { userId: string; points: number; reference: string }): Promise<{ reservationId: string }>;
  commit(reservationId: string): Promise<void>;
  release(reservationId: string): Promise<void>;
}

export const POINTS_LEDGER = Symbol.for('linli.local-services.points-ledger');

/**
 * Until the growth system's points subjects exist: bookings are paid in cash only, and a booking
 * asking to pay with points is refused with `LOCAL_SERVICES.POINTS_UNAVAILABLE` (nothing is written).
 */
export class UnavailablePointsLedger implements PointsLedger {
  async reserve(): Promise<{ reservationId: string }> {
    throw LocalServicesErrors.pointsUnavailable();
  }

  async commit(): Promise<void> {
    throw LocalServicesErrors.pointsUnavailable();
  }

  async release(): Promise<void> {
    throw LocalServicesErrors.pointsUnavailable();
  }
}
