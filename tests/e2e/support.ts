import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, natsTestUrl, testSubjectPrefix, type TestDatabase } from '@linli/testing';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { EventEnvelopeSchema } from '@linli/contracts';
import { Subjects } from '@linli/nest-kit';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the apps once (incremental `tsc -b`), so e2e tests run the real compiled services. With
 * `apps`, only those apps (and the libs they reference) are built: a file starting four services does
 * not wait for, or fail on, the others.
 */
export function buildApps(apps?: string[]): void {
  const args = apps?.length
    ? [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', ...apps.map((app) => join('apps', app, 'tsconfig.json'))]
    : [join(root, 'tools', 'build.mjs')];
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
}

export interface RunningService {
  name: string;
  child: ChildProcess;
  output: string[];
  stop(): Promise<number | null>;
}

/** Starts `apps/<name>/dist/main.js` as a real process and waits for its "ready" log line. */
export async function startService(name: string, env: Record<string, string>, readyPattern = /ready|listening/i): Promise<RunningService> {
  const main = join(root, 'apps', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing; build first`);
  const child = spawn(process.execPath, ['--enable-source-maps', main], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output.join('')}`)), 30_000);
    const check = () => {
      if (readyPattern.test(output.join(''))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output.join('')}`));
    });
  });
  return {
    name,
    child,
    output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
}

/**
 * An in-memory OTLP/HTTP (JSON) trace receiver: services export to it like to a collector, and the
 * test reads the spans back.
 */
export class SpanCollector {
  readonly spans: ReceivedSpan[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
          for (const resourceSpans of body.resourceSpans ?? []) {
            const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? 'unknown';
            for (const scope of resourceSpans.scopeSpans ?? []) {
              for (const span of scope.spans ?? []) {
                this.spans.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? '', name: span.name, kind: span.kind });
              }
            }
          }
        } catch {
          // not JSON: ignore
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value?: { stringValue?: string } }[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }[] }[];
  }[];
}

/** Databases, subject prefix and shared environment for one e2e test file. */
export async function e2eEnvironment(services: string[]): Promise<{
  prefix: string;
  secret: string;
  databases: Record<string, TestDatabase>;
  env: (service: string, extra?: Record<string, string>) => Record<string, string>;
  dropAll(): Promise<void>;
}> {
  const prefix = testSubjectPrefix();
  const secret = randomBytes(24).toString('hex');
  const databases: Record<string, TestDatabase> = {};
  for (const service of services) {
    databases[service] = await createTestDatabase(service, join(root, 'libs', service, 'data-access', 'prisma', 'migrations'));
  }
  return {
    prefix,
    secret,
    databases,
    env: (service, extra = {}) => ({
      NATS_URL: natsTestUrl(),
      NATS_SUBJECT_PREFIX: prefix,
      AUTH_TOKEN_SECRET: secret,
      PAYMENT_WEBHOOK_SECRET: secret,
      LOG_LEVEL: 'log',
      ...(databases[service] ? { DATABASE_URL: databases[service]!.url } : {}),
      ...extra,
    }),
    dropAll: async () => {
      for (const db of Object.values(databases)) await db.drop();
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Calls a service's RPC subject straight over NATS under the file's subject prefix (what an operator's
 * bootstrap tool does, e.g. granting the first ops role). Returns the reply's data or throws its error.
 */
export async function natsRpc<T = unknown>(nc: NatsConnection, prefix: string, subject: string, request: unknown, timeoutMs = 10_000): Promise<T> {
  const reply = await nc.request(new Subjects(prefix).of(subject), JSON.stringify(request), { timeout: timeoutMs });
  const body = reply.json<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>();
  if (!body.ok) throw new Error(`${subject}: ${body.error.code} ${body.error.message}`);
  return body.data;
}

/** One delivery of an event to a JetStream consumer. */
export interface DeliveredEvent {
  id: string;
  subject: string;
  occurredAt: string;
  source: string;
  data: unknown;
  streamSequence: number;
  deliveryCount: number;
}

function delivered(prefix: string, msg: JsMsg): DeliveredEvent {
  const envelope = EventEnvelopeSchema.parse(msg.json());
  return {
    ...envelope,
    subject: new Subjects(prefix).strip(msg.subject),
    streamSequence: msg.info.streamSequence,
    deliveryCount: msg.info.deliveryCount,
  };
}

/**
 * A durable JetStream consumer on one domain's stream (under the file's prefix), the way a
 * service consumes: explicit acks, every delivery kept in `deliveries`, and each event id handled
 * once in `handled` (a redelivery of a handled id is acknowledged and not handled again).
 */
export class DurableEventLog {
  readonly deliveries: DeliveredEvent[] = [];
  readonly handled = new Map<string, DeliveredEvent>();
  private messages?: ConsumerMessages;
  private done?: Promise<void>;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    readonly stream: string,
    readonly durable: string,
  ) {}

  static async start(nc: NatsConnection, prefix: string, domain: string, durable: string): Promise<DurableEventLog> {
    const stream = new Subjects(prefix).stream(domain);
    const log = new DurableEventLog(nc, prefix, stream, durable);
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(30_000) });
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    log.messages = await consumer.consume({ max_messages: 64 });
    log.done = (async () => {
      for await (const msg of log.messages!) {
        const event = delivered(prefix, msg);
        log.deliveries.push(event);
        if (!log.handled.has(event.id)) log.handled.set(event.id, event);
        msg.ack();
      }
    })();
    return log;
  }

  /** The handled events, in stream order. */
  events(): DeliveredEvent[] {
    return [...this.handled.values()].sort((a, b) => a.streamSequence - b.streamSequence);
  }

  async waitFor(predicate: (events: DeliveredEvent[]) => boolean, timeoutMs = 15_000, what = 'events'): Promise<void> {
    const started = Date.now();
    while (!predicate(this.events())) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`${what} did not arrive in ${timeoutMs} ms; have: ${this.events().map((e) => e.subject).join(', ') || 'none'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops consuming and deletes the durable consumer. */
  async stop(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
    await this.done?.catch(() => undefined);
    const jsm = await jetstreamManager(this.nc);
    await jsm.consumers.delete(this.stream, this.durable).catch(() => undefined);
  }
}

/**
 * Reads a domain's whole stream from its first message through a new durable consumer (deleted
 * afterwards) and returns every message it delivered, in stream order.
 */
export async function readStream(nc: NatsConnection, prefix: string, domain: string, durable: string): Promise<DeliveredEvent[]> {
  const stream = new Subjects(prefix).stream(domain);
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(30_000) });
  try {
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    const read: DeliveredEvent[] = [];
    while ((await consumer.info()).num_pending > 0) {
      const batch = await consumer.fetch({ max_messages: 256, expires: 2_000 });
      for await (const msg of batch) {
        read.push(delivered(prefix, msg));
        msg.ack();
      }
    }
    return read;
  } finally {
    await jsm.consumers.delete(stream, durable).catch(() => undefined);
  }
}
