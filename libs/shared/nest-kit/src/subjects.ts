/**
 * Subject namespacing. In production the prefix is empty; tests give each test file its own
 * prefix so that parallel files sharing one NATS server never answer each other's requests.
 */
export class Subjects {
  constructor(readonly prefix: string = '') {
    if (prefix && !/^[a-z0-9-]+$/.test(prefix)) throw new Error('subject prefix must be lower-case letters, digits and dashes');
  }

  of(subject: string): string {
    return this.prefix ? `${this.prefix}.${subject}` : subject;
  }

  /** Removes the prefix from a received subject. */
  strip(subject: string): string {
    return this.prefix && subject.startsWith(`${this.prefix}.`) ? subject.slice(this.prefix.length + 1) : subject;
  }

  /** Stream name for a domain (`orders` → `ORDERS`, with prefix `t1` → `T1_ORDERS`). */
  stream(domain: string): string {
    const base = domain.replace(/-/g, '_').toUpperCase();
    return this.prefix ? `${this.prefix.replace(/-/g, '_').toUpperCase()}_${base}` : base;
  }
}

/** Domains that publish events, one JetStream stream each, plus the dead-letter stream. */
export const EVENT_DOMAINS = ['identity', 'orders', 'leader-ops', 'recommendations', 'communities', 'local-services'] as const;
export const DEAD_LETTER_DOMAIN = 'dlq';
