/**
 * Test support for the communities integration tests (not part of the build): the service booted
 * in-process on its own database and subject prefix, an RPC client, an event recorder, and helpers
 * that feed it the other services' events (pickup points, profiles, bindings, orders) as their
 * outbox relays would.
 */
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { identity, leaderOps, orders, type Actor, type EventContract, type EventEnvelope } from '@linli/contracts';
import { LinliKitModule, RpcClient, Subjects } from '@linli/nest-kit';
import { CommunitiesDb } from '@linli/communities-data-access';
import { EventRecorder, aCompoundId, anActor, connectTestNats, createTestDatabase, deleteTestStreams, natsTestUrl, testSubjectPrefix, waitUntil, type TestDatabase } from '@linli/testing';
import { CommunitiesModule } from './communities.module.js';
import type { CommunitiesOptions } from './communities.options.js';

export const migrationsDir = fileURLToPath(new URL('../../data-access/prisma/migrations', import.meta.url));

export const ops: Actor = anActor(['ops']);

export interface Harness {
  app: INestApplicationContext;
  rpc: RpcClient;
  nc: NatsConnection;
  db: CommunitiesDb;
  events: EventRecorder;
  prefix: string;
  close(): Promise<void>;
}

export async function startCommunities(options: Partial<CommunitiesOptions> = {}): Promise<Harness> {
  const database: TestDatabase = await createTestDatabase('communities', migrationsDir);
  const prefix = testSubjectPrefix();
  const moduleRef = await Test.createTestingModule({
    imports: [
      LinliKitModule.forRoot({ service: 'communities', natsUrl: natsTestUrl(), rpcTimeoutMs: 10_000, healthPort: 0, subjectPrefix: prefix }),
      CommunitiesModule.forRoot({ databaseUrl: database.url, databasePoolSize: 5, ...options }),
    ],
  }).compile();
  const app = await moduleRef.init();
  const nc = await connectTestNats('communities-test');
  const events = await EventRecorder.start(nc, prefix);
  return {
    app,
    rpc: app.get(RpcClient),
    nc,
    db: app.get(CommunitiesDb),
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

/** Sends a raw payload on an RPC subject (bypassing the client's validation) and returns the reply body. */
export async function rawRequest(h: Harness, subject: string, body: unknown): Promise<{ ok: boolean; data?: unknown; error?: { code: string; details?: any } }> {
  const reply = await h.nc.request(new Subjects(h.prefix).of(subject), new TextEncoder().encode(JSON.stringify(body)), { timeout: 5000 });
  return reply.json();
}

/** Publishes an event the way another service's outbox relay does, and waits until the service has processed it. */
export async function feed<C extends EventContract>(h: Harness, contract: C, data: z.input<C['data']>): Promise<string> {
  const id = randomUUID();
  const envelope: EventEnvelope = { id, subject: contract.subject, occurredAt: new Date().toISOString(), source: contract.subject.split('.')[0]!, data: contract.data.parse(data) };
  await jetstream(h.nc).publish(new Subjects(h.prefix).of(contract.subject), JSON.stringify(envelope), { msgID: id });
  // processed by the communities module's own consumers (the growth module consumes some of the same events)
  await waitUntil(async () => (await h.db.processedEvent.count({ where: { eventId: id, NOT: { consumer: { startsWith: 'communities-growth-' } } } })) > 0, 10_000, `${contract.subject} ${id} processed`);
  return id;
}

export function published(h: Harness, subject: string, predicate: (data: any) => boolean = () => true): EventEnvelope[] {
  return h.events.ofSubject(subject).filter((event) => predicate(event.data));
}

export async function waitForEvent(h: Harness, subject: string, predicate: (data: any) => boolean = () => true): Promise<EventEnvelope> {
  await h.events.waitFor(() => published(h, subject, predicate).length > 0);
  return published(h, subject, predicate)[0]!;
}

export interface Place {
  compoundId: string;
  pickupPointId: string;
  leader: Actor;
}

/** A compound with a pickup point run by a leader, as leader-ops announces them. */
export async function aPlace(h: Harness): Promise<Place> {
  const compoundId = aCompoundId();
  const pickupPointId = randomUUID();
  const leader = anActor(['resident', 'leader']);
  await feed(h, leaderOps.compoundUpserted, { compoundId, name: `Compound ${compoundId}`, city: 'Shanghai' });
  await feed(h, leaderOps.pickupPointUpserted, {
    pickupPointId,
    leaderUserId: leader.userId,
    name: 'Lobby of building 3',
    address: '3 Lane 100 Tianlin Road',
    compoundIds: [compoundId],
    openingHours: [],
    capacity: 80,
    status: 'active',
  });
  return { compoundId, pickupPointId, leader };
}

/** A resident with a nickname and household, bound to the place's pickup point. */
export async function aResident(h: Harness, place: Place, profile: z.input<typeof identity.ProfilePatchSchema> = {}, consent = false): Promise<Actor> {
  const actor = anActor();
  await feed(h, identity.profileUpdated, { userId: actor.userId, profile: { nickname: `邻居${actor.userId.slice(0, 3)}`, compoundId: place.compoundId, ...profile }, declared: {} });
  await feed(h, leaderOps.residentBound, { userId: actor.userId, pickupPointId: place.pickupPointId, compoundId: place.compoundId, previousPickupPointId: null, boundAt: new Date().toISOString() });
  if (consent) await feed(h, identity.consentChanged, { userId: actor.userId, purpose: 'profiling', granted: true, changedAt: new Date().toISOString() });
  return actor;
}

/** An order event of the resident at the place with lines of these SKUs (category per SKU). */
export function anOrder(userId: string, place: Place, campaignId: string, lines: { skuId: string; categoryId?: string }[], status: 'paid' | 'picked_up' = 'paid') {
  const at = new Date().toISOString();
  return {
    orderId: randomUUID(),
    userId,
    campaignId,
    pickupPointId: place.pickupPointId,
    compoundId: place.compoundId,
    status,
    totalCents: 1000 * lines.length,
    lines: lines.map((l) => ({
      lineId: randomUUID(),
      kind: 'sku' as const,
      skuId: l.skuId,
      bundleId: null,
      productId: randomUUID(),
      categoryId: l.categoryId ?? 'bakery',
      quantity: 1,
      unitPriceCents: 1000,
      amountCents: 1000,
      items: [],
    })),
    placedAt: at,
    at,
    actor: { kind: 'system' as const, userId: null },
  };
}

export const paid = (order: ReturnType<typeof anOrder>) => ({ ...order, paymentId: randomUUID(), paidCents: order.totalCents });
export { orders };
