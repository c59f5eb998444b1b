// Test fixture for the recommendations integration tests: boots the module against a database and a
// NATS subject prefix of its own (refits inline, schedules off), and publishes the events other
// services would, exactly as their outbox relays do (envelope, event id as JetStream message id).
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { identity, leaderOps, orders, type Actor, type EventContract } from '@linli/contracts';
import { eventProcessed, publishTestEvent, sqlInt, startServiceHarness, waitUntil, type ServiceHarness } from '@linli/testing';
import { RecommendationsDb } from '@linli/recommendations-data-access';
import { RecommendationEngine } from './engine/recommendation-engine.js';
import { IngestService } from './ingest.service.js';
import { RecommendationsModule, type RecommendationsModuleOptions } from './recommendations.module.js';

export const migrations = fileURLToPath(new URL('../../data-access/prisma/migrations', import.meta.url));

export interface Harness extends Omit<ServiceHarness, 'events'> {
  db: RecommendationsDb;
  engine: RecommendationEngine;
  ingest: IngestService;
}

/** Boots the module; with `shareWith`, a second replica on the same database and subject prefix. */
export async function startHarness(options: Partial<RecommendationsModuleOptions> = {}, shareWith?: Harness): Promise<Harness> {
  const h = await startServiceHarness({
    service: 'recommendations',
    migrationsDir: migrations,
    recordEvents: false,
    shareWith: shareWith as ServiceHarness | undefined,
    module: (databaseUrl) =>
      RecommendationsModule.forRoot({
        databaseUrl,
        fitMode: 'inline',
        refreshDebounceMs: 20,
        refreshMaxWaitMs: 100,
        refreshMinIntervalMs: 0,
        assetsIntervalMs: 0,
        backtestIntervalMs: 0,
        parkSweepIntervalMs: 0,
        ...options,
      }),
  });
  return Object.assign(h, { db: h.app.get(RecommendationsDb), engine: h.app.get(RecommendationEngine), ingest: h.app.get(IngestService) });
}

/** Publishes an event as its owner's outbox relay would; returns the event id. */
export function publish<C extends EventContract>(h: Harness, contract: C, data: z.input<C['data']>, id: string = randomUUID()): Promise<string> {
  return publishTestEvent(h, contract, data, { id });
}

/** Waits until the consumer recorded the event as processed. */
export async function processed(h: Harness, eventId: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(() => eventProcessed(h.db, eventId), timeoutMs, `event ${eventId} processed`);
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

/** The integer a scalar SQL expression (a spec's query) evaluates to in the service database. */
export function count(h: Harness, sql: string, ...values: unknown[]): Promise<number> {
  return sqlInt(h.db, sql, ...values);
}
