/**
 * Test support for the growth integration tests (not part of the build): the communities service
 * booted in-process on its own database and subject prefix (jobs off: tests run them by hand), an
 * RPC client, an event recorder, a publisher of other services' events, and event builders.
 */
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { LinliError, orders, type EventContract, type EventEnvelope } from '@linli/contracts';
import { LinliKitModule, RpcClient, Subjects } from '@linli/nest-kit';
import { CommunitiesDb } from '@linli/communities-data-access';
import { EventRecorder, connectTestNats, createTestDatabase, deleteTestStreams, natsTestUrl, testSubjectPrefix, waitUntil } from '@linli/testing';
import { CommunitiesModule } from '../communities.module.js';
import type { GrowthRules } from './growth.rules.js';

export const migrationsDir = fileURLToPath(new URL('../../../data-access/prisma/migrations', import.meta.url));

export interface Harness {
  app: INestApplicationContext;
  rpc: RpcClient;
  nc: NatsConnection;
  db: CommunitiesDb;
  events: EventRecorder;
  prefix: string;
  close(): Promise<void>;
}

export async function startGrowth(options: { rules?: GrowthRules; poolSize?: number } = {}): Promise<Harness> {
  const database = await createTestDatabase('communities', migrationsDir);
  const prefix = testSubjectPrefix();
  const moduleRef = await Test.createTestingModule({
    imports: [
      LinliKitModule.forRoot({ service: 'communities', natsUrl: natsTestUrl(), rpcTimeoutMs: 10_000, healthPort: 0, subjectPrefix: prefix }),
      CommunitiesModule.forRoot({ databaseUrl: database.url, databasePoolSize: options.poolSize ?? 8, growth: { rules: options.rules, jobIntervalMs: 0 } }),
    ],
  }).compile();
  const app = await moduleRef.init();
  const nc = await connectTestNats('growth-test');
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

/** The code of the LinliError a call fails with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LinliError) return error.code;
    throw error;
  }
  throw new Error('expected a LinliError');
}

/** Publishes another service's event the way its outbox relay does (envelope, message id). */
export async function publishEvent<C extends EventContract>(h: Harness, contract: C, data: z.input<C['data']>, id: string = randomUUID(), msgId: string = id): Promise<string> {
  const envelope: EventEnvelope = { id, subject: contract.subject, occurredAt: new Date().toISOString(), source: contract.subject.split('.')[0]!, data: contract.data.parse(data) };
  await jetstream(h.nc).publish(new Subjects(h.prefix).of(contract.subject), JSON.stringify(envelope), { msgID: msgId });
  return id;
}

/** Waits until the growth consumers have processed an event id (the communities module's own consumers take some of the same events). */
export async function processed(h: Harness, eventId: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(async () => (await h.db.processedEvent.count({ where: { eventId, consumer: { startsWith: 'communities-growth-' } } })) > 0, timeoutMs, `event ${eventId} processed`);
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
