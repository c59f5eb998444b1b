// Test fixture for the recommendations integration tests: boots the module against a database and a
// NATS subject prefix of its own (refits inline, schedules off), and publishes the events other
// services would, exactly as their outbox relays do (envelope, event id as JetStream message id).
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { identity, leaderOps, orders, type Actor, type EventContract } from '@linli/contracts';
import { LinliKitModule, RpcClient, Subjects } from '@linli/nest-kit';
import { connectTestNats, createTestDatabase, deleteTestStreams, natsTestUrl, testSubjectPrefix, waitUntil, type TestDatabase } from '@linli/testing';
import { RecommendationsDb } from '@linli/recommendations-data-access';
import { RecommendationEngine } from './engine/recommendation-engine.js';
import { IngestService } from './ingest.service.js';
import { RecommendationsModule, type RecommendationsModuleOptions } from './recommendations.module.js';

export const migrations = fileURLToPath(new URL('../../data-access/prisma/migrations', import.meta.url));

export interface Harness {
  app: INestApplicationContext;
  rpc: RpcClient;
  db: RecommendationsDb;
  dbInfo: TestDatabase;
  nc: NatsConnection;
  js: JetStreamClient;
  prefix: string;
  engine: RecommendationEngine;
  ingest: IngestService;
  close(): Promise<void>;
}

/** Boots the module; with `shareWith`, a second replica on the same database and subject prefix. */
export async function startHarness(options: Partial<RecommendationsModuleOptions> = {}, shareWith?: Harness): Promise<Harness> {
  const dbInfo = shareWith?.dbInfo ?? (await createTestDatabase('recommendations', migrations));
  const prefix = shareWith?.prefix ?? testSubjectPrefix();
  const moduleRef = await Test.createTestingModule({
    imports: [
      LinliKitModule.forRoot({ service: 'recommendations', natsUrl: natsTestUrl(), rpcTimeoutMs: 10_000, healthPort: 0, subjectPrefix: prefix }),
      RecommendationsModule.forRoot({
        databaseUrl: dbInfo.url,
        fitMode: 'inline',
        refreshDebounceMs: 20,
        refreshMaxWaitMs: 100,
        refreshMinIntervalMs: 0,
        assetsIntervalMs: 0,
        backtestIntervalMs: 0,
        parkSweepIntervalMs: 0,
        ...options,
      }),
    ],
  }).compile();
  const app = await moduleRef.init();
  const nc = await connectTestNats();
  return {
    app,
    rpc: app.get(RpcClient),
    db: app.get(RecommendationsDb),
    dbInfo,
    nc,
    js: jetstream(nc),
    prefix,
    engine: app.get(RecommendationEngine),
    ingest: app.get(IngestService),
    async close() {
      await app.close();
      if (!shareWith) {
        await deleteTestStreams(nc, prefix);
        await dbInfo.drop();
      }
      await nc.close();
    },
  };
}

/** Publishes an event as its owner's outbox relay would; returns the event id. */
export async function publish<C extends EventContract>(h: Harness, contract: C, data: z.input<C['data']>, id: string = randomUUID()): Promise<string> {
  const envelope = { id, subject: contract.subject, occurredAt: new Date().toISOString(), source: contract.subject.split('.')[0], data: contract.data.parse(data) };
  await h.js.publish(new Subjects(h.prefix).of(contract.subject), JSON.stringify(envelope), { msgID: id });
  return id;
}

/** Waits until the consumer recorded the event as processed. */
export async function processed(h: Harness, eventId: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(async () => (await h.db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1::uuid', eventId))[0]!.n > 0, timeoutMs, `event ${eventId} processed`);
}

export async function publishAndWait<C extends EventContract>(h: Harness, contract: C, data: z.input<C['data']>): Promise<string> {
  const id = await publish(h, contract, data);
  await processed(h, id);
  return id;
}

export const ops = (): Actor => ({ userId: randomUUID(), roles: ['ops'] });
export const resident = (userId: string): Actor => ({ userId, roles: ['resident'] });
export const leader = (userId: string): Actor => ({ userId, roles: ['resident', 'leader'] });

export async function register(h: Harness, userId: string, profile: Partial<z.input<typeof identity.profileUpdated.data>['profile']> = {}, profiling = true): Promise<void> {
  const at = new Date().toISOString();
  await publishAndWait(h, identity.userRegistered, { userId, channel: 'phone', registeredAt: at });
  if (Object.keys(profile).length) await publishAndWait(h, identity.profileUpdated, { userId, profile, declared: Object.fromEntries(Object.keys(profile).map((k) => [k, at])) });
  await publishAndWait(h, identity.consentChanged, { userId, purpose: 'profiling', granted: profiling, changedAt: at });
}

export interface LineSpec {
  skuId: string;
  productId: string;
  categoryId: string;
  quantity?: number;
  amountCents: number;
}

/** An order event payload (any status) with lines of SKUs. */
export function orderEvent(
  o: { orderId?: string; userId: string; compoundId: string; pickupPointId: string; placedAt: string; status: orders.OrderStatus; lines: LineSpec[]; campaignId?: string },
): orders.OrderEventBase & { orderId: string } {
  const lines = o.lines.map((l) => ({
    lineId: randomUUID(),
    kind: 'sku' as const,
    skuId: l.skuId,
    bundleId: null,
    productId: l.productId,
    categoryId: l.categoryId,
    quantity: l.quantity ?? 1,
    unitPriceCents: Math.round(l.amountCents / (l.quantity ?? 1)),
    amountCents: l.amountCents,
    items: [{ skuId: l.skuId, productId: l.productId, categoryId: l.categoryId, quantity: l.quantity ?? 1 }],
  }));
  return {
    orderId: o.orderId ?? randomUUID(),
    userId: o.userId,
    campaignId: o.campaignId ?? randomUUID(),
    pickupPointId: o.pickupPointId,
    compoundId: o.compoundId,
    status: o.status,
    totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
    lines,
    placedAt: o.placedAt,
    at: o.placedAt,
    actor: { kind: 'resident', userId: o.userId },
  };
}

/** A paid order (the usual purchase). */
export async function paidOrder(h: Harness, o: Parameters<typeof orderEvent>[0] extends infer P ? Omit<P & object, 'status'> : never): Promise<orders.OrderEventBase> {
  const event = orderEvent({ ...o, status: 'paid' });
  await publishAndWait(h, orders.orderPaid, { ...event, paymentId: randomUUID(), paidCents: event.totalCents });
  return event;
}

export async function pickupPoint(h: Harness, p: { pickupPointId: string; leaderUserId: string; compoundIds: string[] }): Promise<void> {
  await publishAndWait(h, leaderOps.pickupPointUpserted, {
    ...p,
    name: 'Point',
    address: '1 Road',
    openingHours: [{ weekday: 1, opens: '08:00', closes: '20:00' }],
    capacity: 100,
    timeZone: 'Asia/Shanghai',
    status: 'active',
  });
}

export async function count(h: Harness, sql: string, ...values: unknown[]): Promise<number> {
  return (await h.db.$queryRawUnsafe<{ n: number }[]>(`SELECT (${sql})::int AS n`, ...values))[0]!.n;
}
