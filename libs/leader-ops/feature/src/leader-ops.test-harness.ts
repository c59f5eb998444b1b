/**
 * Test support for the leader-ops integration tests (not part of the build): the service booted
 * in-process on its own database and subject prefix, an RPC client, an event recorder, and helpers
 * that walk a resident through the common steps.
 */
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { leaderOps, type Actor, type EventContract, type EventEnvelope } from '@linli/contracts';
import { LinliKitModule, RpcClient, Subjects } from '@linli/nest-kit';
import { LeaderOpsDb } from '@linli/leader-ops-data-access';
import {
  EventRecorder,
  aCompoundId,
  aPhone,
  anActor,
  connectTestNats,
  createTestDatabase,
  deleteTestStreams,
  natsTestUrl,
  testSubjectPrefix,
  type TestDatabase,
} from '@linli/testing';
import { LeaderOpsModule } from './leader-ops.module.js';

export const migrationsDir = fileURLToPath(new URL('../../data-access/prisma/migrations', import.meta.url));

export const ops: Actor = anActor(['ops']);

export interface Harness {
  app: INestApplicationContext;
  rpc: RpcClient;
  nc: NatsConnection;
  db: LeaderOpsDb;
  events: EventRecorder;
  prefix: string;
  close(): Promise<void>;
}

export async function startLeaderOps(): Promise<Harness> {
  const database: TestDatabase = await createTestDatabase('leader-ops', migrationsDir);
  const prefix = testSubjectPrefix();
  const moduleRef = await Test.createTestingModule({
    imports: [
      LinliKitModule.forRoot({ service: 'leader-ops', natsUrl: natsTestUrl(), rpcTimeoutMs: 5000, healthPort: 0, subjectPrefix: prefix }),
      LeaderOpsModule.forRoot({ databaseUrl: database.url, databasePoolSize: 5 }),
    ],
  }).compile();
  const app = await moduleRef.init();
  const nc = await connectTestNats('leader-ops-test');
  const events = await EventRecorder.start(nc, prefix);
  return {
    app,
    rpc: app.get(RpcClient),
    nc,
    db: app.get(LeaderOpsDb),
    events,
    prefix,
    async close() {
      await app.close();
      await deleteTestStreams(nc, prefix);
      await nc.close();
      await database.drop();
    },
  };
}

/** Sends a raw payload on an RPC subject (bypassing the client's own validation) and returns the reply body. */
export async function rawRequest(h: Harness, subject: string, body: string): Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string; details?: any; traceId: string } }> {
  const reply = await h.nc.request(new Subjects(h.prefix).of(subject), new TextEncoder().encode(body), { timeout: 5000 });
  return reply.json();
}

/** Publishes an event the way a service's outbox relay does (envelope, message id), e.g. an identity event. */
export async function publishEvent<C extends EventContract>(h: Harness, contract: C, data: z.input<C['data']>, id: string = randomUUID(), msgId: string = id): Promise<string> {
  const envelope: EventEnvelope = { id, subject: contract.subject, occurredAt: new Date().toISOString(), source: 'identity', data: contract.data.parse(data) };
  await jetstream(h.nc).publish(new Subjects(h.prefix).of(contract.subject), JSON.stringify(envelope), { msgID: msgId });
  return id;
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
export async function outboxCount(h: Harness, mentioning?: string): Promise<number> {
  if (!mentioning) return h.db.outboxEvent.count();
  const rows = await h.db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox_events WHERE payload::text LIKE $1', `%${mentioning}%`);
  return rows[0]!.n;
}
