import { orders } from '@linli/contracts';
import { TRANSITIONS, canTransition, isTerminal } from './state-machine.js';

describe('order state machine', () => {
  it('allows exactly the documented steps', () => {
    const allowed = orders.ORDER_STATUSES.flatMap((from) => orders.ORDER_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      [
        'pending_payment→paid',
        'pending_payment→cancelled',
        'pending_payment→expired',
        'paid→locked',
        'paid→cancelled',
        'locked→shipped',
        'locked→cancelled',
        'shipped→received',
        'received→picked_up',
        'picked_up→completed',
      ].sort(),
    );
  });

  it('never skips a step of the delivery path', () => {
    const path = ['pending_payment', 'paid', 'locked', 'shipped', 'received', 'picked_up', 'completed'] as const;
    for (let i = 0; i < path.length; i++) {
      for (let j = i + 2; j < path.length; j++) expect([path[i], path[j], canTransition(path[i]!, path[j]!)]).toEqual([path[i], path[j], false]);
    }
  });

  it('never moves backwards or out of a terminal status, nor stays put', () => {
    for (const status of orders.ORDER_STATUSES) expect(canTransition(status, status)).toBe(false);
    for (const terminal of ['completed', 'cancelled', 'expired'] as const) {
      expect(isTerminal(terminal)).toBe(true);
      expect(TRANSITIONS[terminal]).toEqual([]);
    }
    expect(canTransition('shipped', 'cancelled')).toBe(false);
    expect(canTransition('paid', 'pending_payment')).toBe(false);
    expect(canTransition('expired', 'paid')).toBe(false);
  });
});
