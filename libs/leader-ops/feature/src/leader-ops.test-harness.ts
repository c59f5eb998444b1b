/**
 * Test support for the leader-ops integration tests (not part of the build): the service booted
 * in-process on its own database and subject prefix, an RPC client, an event recorder, and helpers
 * that walk a resident through the common steps.
 */
import type { z } from 'zod';
import { leaderOps, type Actor, type EventContract, type EventEnvelope } from '@linli/contracts';
import { LeaderOpsDb } from '@linli/leader-ops-data-access';
import {
  aCompoundId,
  aPhone,
  anActor,
  outboxCount as kernelOutboxCount,
  publishTestEvent,
  rawRpcRequest,
  startServiceHarness,
  type RawRpcReply,
  type ServiceHarness,
} from '@linli/testing';
import { fileURLToPath } from 'node:url';
import { LeaderOpsModule, type LeaderOpsModuleOptions } from './leader-ops.module.js';

export const migrationsDir = fileURLToPath(new URL('../../data-access/prisma/migrations', import.meta.url));

export const ops: Actor = anActor(['ops']);

export interface Harness extends ServiceHarness {
  db: LeaderOpsDb;
}

/** Boots the service; `customers` overrides the customer operations' settings (e.g. its clock). */
export async function startLeaderOps(options: Pick<LeaderOpsModuleOptions, 'customers'> = {}): Promise<Harness> {
  const h = await startServiceHarness({
    service: 'leader-ops',
    migrationsDir,
    rpcTimeoutMs: 5000,
    module: (databaseUrl) => LeaderOpsModule.forRoot({ databaseUrl, databasePoolSize: 5, ...options }),
  });
  return Object.assign(h, { db: h.app.get(LeaderOpsDb) });
}

/** Sends a raw payload on an RPC subject (bypassing the client's own validation) and returns the reply body. */
export function rawRequest(h: Harness, subject: string, body: string): Promise<RawRpcReply & { error?: { details?: any } }> {
  return rawRpcRequest(h, subject, body);
}

/** Publishes an event the way a service's outbox relay does (envelope, message id), e.g. an identity event. */
export function publishEvent<C extends EventContract>(h: Harness, contract: C, data: z.input<C['data']>, id?: string, msgId?: string): Promise<string> {
  return publishTestEvent(h, contract, data, { id, msgId, source: 'identity' });
}

export function eventsAbout(h: Harness, subject: string, predicate: (data: any) => boolean): EventEnvelope[] {
  return h.events.ofSubject(subject).filter((event) => predicate(event.data));
}

export async function aCompound(h: Harness, overrides: Partial<leaderOps.Compound> = {}): Promise<string> {
  const compoundId = overrides.compoundId ?? aCompoundId();
  await h.rpc.request(leaderOps.upsertCompound, { actor: ops, compound: { compoundId, name: `Compound ${compoundId}`, city: 'Shanghai', ...overrides } });
  return compoundId;
}

/** A resident who applied for every compound given and was approved for each. */
export async function anApprovedLeader(h: Harness, compoundIds: string[], actor: Actor = anActor(['resident', 'leader'])): Promise<Actor> {
  for (const compoundId of compoundIds) {
    const application = await h.rpc.request(leaderOps.applyAsLeader, { actor, compoundId, displayName: 'Auntie Wang', phone: aPhone() });
    await h.rpc.request(leaderOps.approveApplication, { actor: ops, applicationId: application.applicationId });
  }
  return actor;
}

export const weekdayHours = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '20:00' }));

export async function aPickupPoint(h: Harness, leader: Actor, compoundIds: string[], overrides: Partial<{ name: string; capacity: number }> = {}) {
  return h.rpc.request(leaderOps.createPickupPoint, {
    actor: leader,
    name: overrides.name ?? 'Lobby of building 3',
    address: '3 Lane 100 Tianlin Road, Xuhui',
    compoundIds,
    openingHours: weekdayHours,
    capacity: overrides.capacity ?? 80,
  });
}

/** Outbox rows (all, or those whose payload mentions a value). */
export function outboxCount(h: Harness, mentioning?: string): Promise<number> {
  return kernelOutboxCount(h.db, mentioning);
}
