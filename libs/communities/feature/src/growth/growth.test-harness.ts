/**
 * Test support for the growth integration tests (not part of the build): the communities service
 * booted in-process on its own database and subject prefix (jobs off: tests run them by hand), an
 * RPC client, an event recorder, a publisher of other services' events, and event builders.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { orders, type EventContract, type EventEnvelope } from '@linli/contracts';
import { CommunitiesDb } from '@linli/communities-data-access';
import { eventProcessed, publishTestEvent, startServiceHarness, waitUntil, type ServiceHarness } from '@linli/testing';
import { CommunitiesModule } from '../communities.module.js';
import type { GrowthRules } from './growth.rules.js';

export const migrationsDir = fileURLToPath(new URL('../../../data-access/prisma/migrations', import.meta.url));

export interface Harness extends ServiceHarness {
  db: CommunitiesDb;
}

export async function startGrowth(options: { rules?: GrowthRules; poolSize?: number } = {}): Promise<Harness> {
  const h = await startServiceHarness({
    service: 'communities',
    migrationsDir,
    module: (databaseUrl) => CommunitiesModule.forRoot({ databaseUrl, databasePoolSize: options.poolSize ?? 8, growth: { rules: options.rules, jobIntervalMs: 0 } }),
  });
  return Object.assign(h, { db: h.app.get(CommunitiesDb) });
}

/** Publishes another service's event the way its outbox relay does (envelope, message id). */
export function publishEvent<C extends EventContract>(h: Harness, contract: C, data: z.input<C['data']>, id?: string, msgId?: string): Promise<string> {
  return publishTestEvent(h, contract, data, { id, msgId });
}

/** Waits until the growth consumers have processed an event id (the communities module's own consumers take some of the same events). */
export async function processed(h: Harness, eventId: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(() => eventProcessed(h.db, eventId, 'communities-growth-'), timeoutMs, `event ${eventId} processed`);
}

/** Publishes and waits for it to be handled. */
export async function deliver<C extends EventContract>(h: Harness, contract: C, data: z.input<C['data']>, id: string = randomUUID(), msgId: string = id): Promise<string> {
  await publishEvent(h, contract, data, id, msgId);
  await processed(h, id);
  return id;
}

/** An order event's payload (one line per category given, amounts in cents). */
export function anOrder(
  userId: string,
  o: { orderId?: string; compoundId?: string; pickupPointId?: string; lines?: { categoryId: string; amountCents: number }[]; status?: orders.OrderEventBase['status'] } = {},
): orders.OrderEventBase {
  const at = new Date().toISOString();
  const lines = (o.lines ?? [{ categoryId: 'dairy', amountCents: 4_990 }]).map((l) => {
    const skuId = randomUUID();
    const productId = randomUUID();
    return {
      lineId: randomUUID(),
      kind: 'sku' as const,
      skuId,
      bundleId: null,
      productId,
      categoryId: l.categoryId,
      quantity: 1,
      unitPriceCents: l.amountCents,
      amountCents: l.amountCents,
      items: [{ skuId, productId, categoryId: l.categoryId, quantity: 1 }],
    };
  });
  return {
    orderId: o.orderId ?? randomUUID(),
    userId,
    campaignId: randomUUID(),
    pickupPointId: o.pickupPointId ?? randomUUID(),
    compoundId: o.compoundId ?? 'compound-growth',
    status: o.status ?? 'picked_up',
    totalCents: lines.reduce((a, l) => a + l.amountCents, 0),
    lines,
    placedAt: at,
    at,
    actor: { kind: 'system', userId: null },
  };
}

export function eventsAbout(h: Harness, subject: string, predicate: (data: any) => boolean = () => true): EventEnvelope[] {
  return h.events.ofSubject(subject).filter((event) => predicate(event.data));
}
