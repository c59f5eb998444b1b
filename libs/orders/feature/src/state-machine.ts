import type { orders } from '@linli/contracts';

export type OrderStatus = orders.OrderStatus;

/**
 * The order lifecycle. Every status change goes through {@link canTransition}; there is no other way
 * to move an order, so no step can be skipped.
 *
 * pending_payment → paid → locked (cut-off) → shipped → received → picked_up → completed;
 * pending_payment → cancelled | expired; paid → cancelled (before cut-off, or minimum group unmet);
 * locked → cancelled (ops only, refunded).
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_payment: ['paid', 'cancelled', 'expired'],
  paid: ['locked', 'cancelled'],
  locked: ['shipped', 'cancelled'],
  shipped: ['received'],
  received: ['picked_up'],
  picked_up: ['completed'],
  completed: [],
  cancelled: [],
  expired: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(status: OrderStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Orders that still hold stock and count towards per-customer limits. */
export const LIVE_STATUSES: readonly OrderStatus[] = ['pending_payment', 'paid', 'locked', 'shipped', 'received', 'picked_up', 'completed'];

/** Orders that go out with the delivery (after cut-off). */
export const DELIVERED_STATUSES: readonly OrderStatus[] = ['locked', 'shipped', 'received', 'picked_up', 'completed'];
