import { Test } from '@nestjs/testing';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { EventContract, EventEnvelope, ServiceName } from '@linli/contracts';
import { LinliKitModule, RpcClient, Subjects } from '@linli/nest-kit';
import { createTestDatabase, natsTestUrl, testSubjectPrefix, type TestDatabase } from './database.js';
import { EventRecorder, connectTestNats, deleteTestStreams } from './nats.js';

/** A service booted in process for an integration test file, on a database and subject prefix of its own. */
export interface ServiceHarness {
  app: INestApplicationContext;
  rpc: RpcClient;
  nc: NatsConnection;
  js: JetStreamClient;
  /** Every event published under the prefix (only when started with `recordEvents`). */
  events: EventRecorder;
  prefix: string;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface ServiceHarnessOptions {
  service: ServiceName;
  /** The service's `prisma/migrations` folder (the template database is migrated from it). */
  migrationsDir: string;
  /** The service's module, given the test database's URL. */
  module: (databaseUrl: string) => DynamicModule;
  rpcTimeoutMs?: number;
  /** Record the events published under the prefix (default true). */
  recordEvents?: boolean;
  /** A second replica: the same database and subject prefix as this harness, which owns both. */
  shareWith?: ServiceHarness;
}

/** Boots `LinliKitModule` and the service's module, connects a test NATS client and (by default) an event recorder. */
export async function startServiceHarness(options: ServiceHarnessOptions): Promise<ServiceHarness> {
  const database = options.shareWith?.database ?? (await createTestDatabase(options.service, options.migrationsDir));
  const prefix = options.shareWith?.prefix ?? testSubjectPrefix();
  const moduleRef = await Test.createTestingModule({
    imports: [
      LinliKitModule.forRoot({ service: options.service, natsUrl: natsTestUrl(), rpcTimeoutMs: options.rpcTimeoutMs ?? 10_000, healthPort: 0, subjectPrefix: prefix }),
      options.module(database.url),
    ],
  }).compile();
  const app = await moduleRef.init();
  const nc = await connectTestNats(`${options.service}-test`);
  const events = options.recordEvents === false ? undefined : await EventRecorder.start(nc, prefix);
  const owner = !options.shareWith;
  return {
    app,
    rpc: app.get(RpcClient),
    nc,
    js: jetstream(nc),
    get events(): EventRecorder {
      if (!events) throw new Error('this harness was started without recordEvents');
      return events;
    },
    prefix,
    database,
    async close() {
      await app.close();
      if (owner) await deleteTestStreams(nc, prefix);
      await nc.close();
      if (owner) await database.drop();
    },
  };
}

/** Where a test publishes: a NATS connection and a subject prefix (a harness is one). */
export interface TestBus {
  nc: NatsConnection;
  prefix: string;
}

export interface PublishedEventOptions {
  id?: string;
  /** JetStream message id (default: the event id, as the outbox relay sets it; another value tests de-duplication). */
  msgId?: string;
  /** The publishing service (default: the subject's first segment). */
  source?: string;
  occurredAt?: Date;
}

/** Publishes an event the way its owner's outbox relay does (envelope, event id as message id); returns the event id. */
export async function publishTestEvent<C extends EventContract>(bus: TestBus, contract: C, data: z.input<C['data']>, options: PublishedEventOptions = {}): Promise<string> {
  const id = options.id ?? randomUUID();
  const envelope: EventEnvelope = {
    id,
    subject: contract.subject,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    source: options.source ?? contract.subject.split('.')[0]!,
    data: contract.data.parse(data),
  };
  await jetstream(bus.nc).publish(new Subjects(bus.prefix).of(contract.subject), JSON.stringify(envelope), { msgID: options.msgId ?? id });
  return id;
}

export interface RawRpcReply {
  ok: boolean;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown; traceId: string };
}

/** Sends a raw body on an RPC subject (bypassing the client's own validation) and returns the reply. */
export async function rawRpcRequest(bus: TestBus, subject: string, body: string, timeoutMs = 5_000): Promise<RawRpcReply> {
  const reply = await bus.nc.request(new Subjects(bus.prefix).of(subject), new TextEncoder().encode(body), { timeout: timeoutMs });
  return reply.json<RawRpcReply>();
}

