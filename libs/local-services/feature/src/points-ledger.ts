import { Inject, Injectable } from '@nestjs/common';
import { LinliError, growth, type Actor } from '@linli/contracts';
import { RpcClient } from '@linli/nest-kit';
import { LocalServicesErrors } from './local-services.exception.js';

/**
 * The growth system's points ledger as bookings use it: points are reserved when a resident books,
 * committed when the provider completes the booking (or marks a no-show), and released when it is
 * cancelled or expires unpaid. The ledger is owned by the growth system of the communities service;
 * {@link RpcPointsLedger} reaches it over `rpc.communities.points.reserve|commit|release.v1`.
 *
 * `reserve` throws `LOCAL_SERVICES.POINTS_INSUFFICIENT` when the balance does not cover the points and
 * `LOCAL_SERVICES.POINTS_UNAVAILABLE` when the ledger cannot be reached. Every call is idempotent: a
 * reservation is keyed by its booking, so asking again for the same booking returns the same
 * reservation, and settling a reservation twice changes nothing the second time.
 */
export interface PointsLedger {
  reserve(request: { userId: string; points: number; bookingId: string }): Promise<{ reservationId: string }>;
  commit(request: { userId: string; reservationId: string }): Promise<void>;
  release(request: { userId: string; reservationId: string }): Promise<void>;
}

export const POINTS_LEDGER = Symbol.for('linli.local-services.points-ledger');

/** The ledger's idempotency key for a booking's reservation: one booking holds points once. */
export const reservationKey = (bookingId: string) => `local-services.booking:${bookingId}`;

const TRANSPORT = new Set(['COMMON.UNAVAILABLE', 'COMMON.TIMEOUT']);

/**
 * The points ledger over the communities service's RPC subjects. Bookings act for the resident whose
 * points they are (the booking's own user), so growth's rule that a member only moves their own points
 * holds. A reservation request that got no answer is asked once more under the same key, which gives
 * back the reservation if the first request was in fact written.
 */
@Injectable()
export class RpcPointsLedger implements PointsLedger {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  private static actor(userId: string): Actor {
    return { userId, roles: ['resident'] };
  }

  async reserve(request: { userId: string; points: number; bookingId: string }): Promise<{ reservationId: string }> {
    const payload = {
      actor: RpcPointsLedger.actor(request.userId),
      points: request.points,
      reference: { kind: 'booking' as const, id: request.bookingId },
      idempotencyKey: reservationKey(request.bookingId),
    };
    try {
      const reservation = await this.rpc.requestIdempotent(growth.reservePoints, payload);
      return { reservationId: reservation.reservationId };
    } catch (error) {
      throw mapLedgerError(error, request.points);
    }
  }

  async commit(request: { userId: string; reservationId: string }): Promise<void> {
    await this.settle(growth.commitPoints, request);
  }

  async release(request: { userId: string; reservationId: string }): Promise<void> {
    await this.settle(growth.releasePoints, request);
  }

  private async settle(contract: typeof growth.commitPoints | typeof growth.releasePoints, request: { userId: string; reservationId: string }): Promise<void> {
    try {
      await this.rpc.request(contract, { actor: RpcPointsLedger.actor(request.userId), reservationId: request.reservationId });
    } catch (error) {
      throw mapLedgerError(error, null);
    }
  }
}

/** Growth's refusals in bookings' terms; anything else (a settled or unknown reservation) passes through. */
export function mapLedgerError(error: unknown, points: number | null): unknown {
  if (!(error instanceof LinliError)) return error;
  if (error.code === 'GROWTH.INSUFFICIENT_POINTS') return LocalServicesErrors.pointsInsufficient(points ?? 0);
  if (TRANSPORT.has(error.code)) return LocalServicesErrors.pointsUnavailable();
  return error;
}
