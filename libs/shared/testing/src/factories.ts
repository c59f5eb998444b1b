import { randomInt, randomUUID } from 'node:crypto';
import type { Actor, Role } from '@linli/contracts';

/** A random valid mainland mobile number in E.164. */
export function aPhone(): string {
  return `+8613${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
}

export function anActor(roles: Role[] = ['resident'], userId: string = randomUUID()): Actor {
  return { userId, roles };
}

export function aCompoundId(): string {
  return `compound-${randomUUID().slice(0, 8)}`;
}
