import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { EventEnvelopeSchema, type EventEnvelope } from '@linli/contracts';
import { Subjects } from '@linli/nest-kit';
import { natsTestUrl } from './database.js';

export async function connectTestNats(name = 'test'): Promise<NatsConnection> {
  return connect({ servers: natsTestUrl(), name });
}

/** Collects every event published under a test prefix (core subscription on the stream subjects). */
export class EventRecorder {
  readonly events: EventEnvelope[] = [];
  private constructor(private readonly nc: NatsConnection) {}

  static async start(nc: NatsConnection, prefix: string): Promise<EventRecorder> {
    const recorder = new EventRecorder(nc);
    const subjects = new Subjects(prefix);
    nc.subscribe(subjects.of('>'), {
      callback: (error, msg) => {
        if (error) return;
        const stripped = subjects.strip(msg.subject);
        if (stripped.startsWith('rpc.') || msg.subject.startsWith('_INBOX') || stripped.startsWith('$')) return;
        try {
          recorder.events.push(EventEnvelopeSchema.parse(msg.json()));
        } catch {
          // not an event
        }
      },
    });
    await nc.flush();
    return recorder;
  }

  ofSubject(subject: string): EventEnvelope[] {
    return this.events.filter((event) => event.subject === subject);
  }

  /** Waits until `predicate` holds over the recorded events, or fails after `timeoutMs`. */
  async waitFor(predicate: (events: EventEnvelope[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (!predicate(this.events)) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`events did not arrive in ${timeoutMs} ms; have: ${this.events.map((e) => e.subject).join(', ') || 'none'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Removes the streams a test prefix created. */
export async function deleteTestStreams(nc: NatsConnection, prefix: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const upper = `${prefix.replace(/-/g, '_').toUpperCase()}_`;
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(upper)) await jsm.streams.delete(stream.config.name).catch(() => undefined);
  }
}

export async function waitUntil(predicate: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Answers one RPC subject under a test prefix the way a service's RPC server does (`{ok, data}` or
 * `{ok: false, error}`), for a service test whose neighbour is not running. Change the answer with
 * `answer(fn)`; `stop()` unsubscribes (callers then see no responders).
 */
export class RpcStandIn<Req = unknown, Res = unknown> {
  readonly requests: Req[] = [];
  private handler: (request: Req) => Res | Promise<Res>;
  private readonly subscription;

  constructor(nc: NatsConnection, prefix: string, subject: string, handler: (request: Req) => Res | Promise<Res>) {
    this.handler = handler;
    this.subscription = nc.subscribe(new Subjects(prefix).of(subject), {
      callback: (error, msg) => {
        if (error) return;
        const request = msg.json<Req>();
        this.requests.push(request);
        void Promise.resolve()
          .then(() => this.handler(request))
          .then(
            (data) => msg.respond(JSON.stringify({ ok: true, data })),
            (failure: unknown) => {
              const code = (failure as { code?: string }).code ?? 'COMMON.INTERNAL';
              msg.respond(JSON.stringify({ ok: false, error: { code, message: String((failure as Error).message ?? failure), traceId: 'stand-in' } }));
            },
          );
      },
    });
  }

  answer(handler: (request: Req) => Res | Promise<Res>): void {
    this.handler = handler;
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}
