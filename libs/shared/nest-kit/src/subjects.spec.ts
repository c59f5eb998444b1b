import { eventContracts } from '@linli/contracts';
import { DEAD_LETTER_DOMAIN, EVENT_DOMAINS, Subjects } from './subjects.js';

describe('Subjects', () => {
  it('leaves subjects alone without a prefix', () => {
    const subjects = new Subjects();
    expect(subjects.of('orders.order.placed.v1')).toBe('orders.order.placed.v1');
    expect(subjects.strip('orders.order.placed.v1')).toBe('orders.order.placed.v1');
    expect(subjects.stream('leader-ops')).toBe('LEADER_OPS');
  });

  it('namespaces subjects and streams under a test prefix, and strips it again', () => {
    const subjects = new Subjects('t-1a2b');
    expect(subjects.of('rpc.orders.order.get.v1')).toBe('t-1a2b.rpc.orders.order.get.v1');
    expect(subjects.strip('t-1a2b.rpc.orders.order.get.v1')).toBe('rpc.orders.order.get.v1');
    expect(subjects.strip('other.rpc.orders.order.get.v1')).toBe('other.rpc.orders.order.get.v1');
    expect(subjects.stream('local-services')).toBe('T_1A2B_LOCAL_SERVICES');
  });

  it('refuses a prefix that would break subjects or stream names', () => {
    for (const prefix of ['T1', 'a.b', 'a b', 'a>', 'a*']) expect(() => new Subjects(prefix)).toThrow('subject prefix');
  });
});

describe('event domains', () => {
  it('have a stream for every domain that publishes events (else the relay can never publish them)', () => {
    const domains = [...new Set(eventContracts.map((contract) => contract.subject.split('.')[0]!))];
    expect(domains.filter((domain) => !(EVENT_DOMAINS as readonly string[]).includes(domain))).toEqual([]);
    expect(EVENT_DOMAINS).not.toContain(DEAD_LETTER_DOMAIN);
  });
});
