import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { LinliError, growth, type Actor } from '@linli/contracts';
import { RpcClient } from '@linli/nest-kit';
import { OrdersErrors } from './orders.exception.js';
import { ORDERS_OPTIONS, type OrdersOptions } from './orders.options.js';

/**
 * The growth system's points ledger as orders use it (the communities service owns it, docs/adr/0014).
 * Orders only *reserve* points, at placement, and release a reservation whose order was never written;
 * commit (the order is paid) and release or refund (cancelled, expired, refunded) are done by the ledger
 * itself from orders' events, which the outbox and a durable consumer deliver until handled.
 *
 * `reserve` lets `GROWTH.INSUFFICIENT_POINTS` through and throws `ORDERS.POINTS_UNAVAILABLE` when the
 * ledger cannot be reached. It is idempotent: a reservation is keyed by its order, so asking again for
 * the same order gives back the same reservation (with its status: a released one is not a hold).
 */
export interface PointsLedger {
  reserve(request: { userId: string; points: number; orderId: string }): Promise<{ reservationId: string; status: 'held' | 'committed' | 'released' }>;
  release(request: { userId: string; reservationId: string }): Promise<void>;
}

export const POINTS_LEDGER = Symbol.for('linli.orders.points-ledger');

/** The ledger's idempotency key for an order's reservation: one order holds points once. */
export const reservationKey = (orderId: string) => `orders.order:${orderId}`;

/**
 * The id of an order paid partly with points, fixed by who places it and the idempotency key: a retry
 * of the request names the same order, so its points reservation (keyed by the order) is asked for once.
 */
export function pointsOrderId(userId: string, idempotencyKey: string): string {
  const h = createHash('sha256').update(`points-order:${userId}:${idempotencyKey}`).digest('hex');
  // Laid out as a UUID (version 8: custom, variant 10xx).
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const TRANSPORT = new Set(['COMMON.UNAVAILABLE', 'COMMON.TIMEOUT']);

/**
 * The points ledger over `rpc.communities.points.reserve|release.v1`, acting as the resident whose
 * points they are. A reservation request that got no answer is asked once more under the same key,
 * which gives back the reservation if the first one was in fact written.
 */
@Injectable()
export class RpcPointsLedger implements PointsLedger {
  private readonly timeoutMs: number;

  constructor(@Inject(RpcClient) private readonly rpc: RpcClient, @Inject(ORDERS_OPTIONS) options: Pick<OrdersOptions, 'points'>) {
    this.timeoutMs = options.points.ledgerTimeoutMs;
  }

  private static actor(userId: string): Actor {
    return { userId, roles: ['resident'] };
  }

  async reserve(request: { userId: string; points: number; orderId: string }) {
    const payload = {
      actor: RpcPointsLedger.actor(request.userId),
      points: request.points,
      reference: { kind: 'order' as const, id: request.orderId },
      idempotencyKey: reservationKey(request.orderId),
    };
    try {
      const reservation = await this.rpc.requestIdempotent(growth.reservePoints, payload, { timeoutMs: this.timeoutMs });
      return { reservationId: reservation.reservationId, status: reservation.status };
    } catch (error) {
      if (error instanceof LinliError && TRANSPORT.has(error.code)) throw OrdersErrors.pointsUnavailable();
      throw error;
    }
  }

  async release(request: { userId: string; reservationId: string }): Promise<void> {
    await this.rpc.request(growth.releasePoints, { actor: RpcPointsLedger.actor(request.userId), reservationId: request.reservationId }, { timeoutMs: this.timeoutMs });
  }
}
