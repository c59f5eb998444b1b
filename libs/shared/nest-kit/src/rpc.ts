import { Logger, type BeforeApplicationShutdown, type FactoryProvider, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  ErrorEnvelopeSchema,
  LinliError,
  RpcReplySchema,
  batchContractOf,
  fieldIssues,
  type BatchRpcContract,
  type ErrorEnvelope,
  type RpcContract,
  type RpcReply,
  type RpcRequest,
} from '@linli/contracts';
import type { Subjects } from './subjects.js';
import { SpanKind, currentTraceId, extractTraceContext, injectTraceContext, inSpan } from './telemetry.js';

export interface RpcHandlerContext {
  subject: string;
  traceId: string;
}

type Handler = (request: unknown, ctx: RpcHandlerContext) => Promise<unknown> | unknown;

/** One RPC subject and the function that answers it (see {@link rpcBindings}). */
export interface RpcBinding {
  readonly contract: RpcContract;
  readonly handler: Handler;
}

/**
 * Binds a subject to its handler. The handler receives the request already parsed by the contract's
 * request schema; what it returns is checked against the response schema.
 */
export function bind<C extends RpcContract>(contract: C, handler: (request: RpcRequest<C>, ctx: RpcHandlerContext) => unknown): RpcBinding {
  return { contract, handler: handler as Handler };
}

/** The value of a provider made by {@link rpcBindings}; `RpcServer` serves every one it finds. */
export class RpcBindings {
  constructor(readonly bindings: readonly RpcBinding[]) {}
}

type Token = abstract new (...args: never[]) => unknown;
type InstancesOf<D extends readonly Token[]> = { [K in keyof D]: D[K] extends abstract new (...args: never[]) => infer I ? I : never };

/**
 * A service's NATS request/reply surface as one table: the providers it needs, and one
 * {@link bind} line per subject. List the returned provider in the module's `providers`.
 *
 * ```ts
 * export const ShopNatsController = rpcBindings('shop', [CartService], (carts) => [
 *   bind(c.addToCart, (req) => carts.add(req.actor, req.item)),
 * ]);
 * ```
 */
export function rpcBindings<const D extends readonly Token[]>(
  name: string,
  inject: D,
  table: (...services: InstancesOf<D>) => readonly RpcBinding[],
): FactoryProvider<RpcBindings> {
  return {
    provide: Symbol(`${name} RPC bindings`),
    inject: [...inject],
    useFactory: (...services: unknown[]) => new RpcBindings(table(...(services as InstancesOf<D>))),
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Header carrying when the caller stops waiting (epoch milliseconds); work started after it is wasted. */
export const DEADLINE_HEADER = 'Linli-Deadline';

export interface RpcServerOptions {
  /**
   * Requests a service works on at once; more wait in arrival order. Bounded so that under overload
   * requests queue here, where one whose caller has given up is dropped before any work, instead of
   * all of them starting at once and all of them finishing too late.
   */
  maxInFlight?: number;
}

/** Turns any thrown value into the error envelope; unknown errors become COMMON.INTERNAL with a logged error id. */
export function toErrorEnvelope(error: unknown, logger: Logger, subject: string): ErrorEnvelope {
  const traceId = currentTraceId();
  if (error instanceof LinliError) return error.toEnvelope(traceId);
  if (error instanceof z.ZodError) {
    return { code: 'COMMON.VALIDATION_FAILED', message: 'request is invalid', details: { fields: fieldIssues(error) }, traceId };
  }
  const errorId = randomUUID();
  logger.error(`unhandled error ${errorId} on ${subject}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: 'COMMON.INTERNAL', message: `internal error (error id ${errorId})`, details: { errorId }, traceId };
}

/**
 * Serves every {@link rpcBindings} table of the application on NATS request/reply, in one queue group per
 * service. Validates requests, answers errors with the envelope, carries trace context from headers,
 * and on shutdown stops taking requests and waits for the ones in flight. At most `maxInFlight`
 * requests run at once; the rest wait in arrival order, and one whose deadline (see
 * {@link DEADLINE_HEADER}) passed while it waited is answered `COMMON.TIMEOUT` without running.
 */
export class RpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RpcServer');
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly handlers = new Map<string, { contract: RpcContract; handler: Handler; unqueued: boolean }>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private readonly maxInFlight: number;
  /** Requests answered COMMON.TIMEOUT without running because their caller had given up. */
  expired = 0;

  constructor(
    private readonly nats: NatsConnection,
    private readonly subjects: Subjects,
    private readonly queue: string,
    private readonly discovery: DiscoveryService,
    options: RpcServerOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 64;
  }

  /**
   * Registers a handler directly. `unqueued` handlers (the built-in health subject) run at once, outside
   * the `maxInFlight` limit, so a busy service still answers whether it is alive.
   */
  register(contract: RpcContract, handler: Handler, options: { unqueued?: boolean } = {}): void {
    if (this.handlers.has(contract.subject)) throw new Error(`two handlers for ${contract.subject}`);
    this.handlers.set(contract.subject, { contract, handler, unqueued: options.unqueued ?? false });
    // A contract with a batch form is served on both subjects; the batch runs the same handler per item.
    const batch = batchContractOf(contract);
    if (batch) this.handlers.set(batch.subject, { contract: batch, handler: (request, ctx) => this.handleItems(contract, handler, (request as { items: unknown[] }).items, ctx), unqueued: false });
  }

  /** The items of a batch, each validated and answered as its own request would be; together, so they can share work. */
  private async handleItems(contract: RpcContract, handler: Handler, items: unknown[], ctx: RpcHandlerContext): Promise<{ results: RpcReply[] }> {
    const itemCtx = { ...ctx, subject: contract.subject };
    return { results: await Promise.all(items.map((raw) => this.answer(contract, handler, raw, itemCtx))) };
  }

  /** Validates a request, runs the handler and validates its answer: the reply, never a throw. */
  private async answer(contract: RpcContract, handler: Handler, raw: unknown, ctx: RpcHandlerContext): Promise<RpcReply> {
    try {
      const request = contract.request.parse(raw);
      const result = await handler(request, ctx);
      // A response outside the contract is the handler's fault: COMMON.INTERNAL, not the caller's validation error.
      const response = contract.response.safeParse(result);
      if (!response.success) {
        const fields = fieldIssues(response.error).map((issue) => `${issue.path}: ${issue.message}`).join('; ');
        throw new Error(`handler of ${contract.subject} answered outside its response schema (${fields})`);
      }
      return { ok: true as const, data: response.data };
    } catch (error) {
      return { ok: false as const, error: toErrorEnvelope(error, this.logger, contract.subject) };
    }
  }

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!(wrapper.instance instanceof RpcBindings)) continue;
      for (const { contract, handler } of wrapper.instance.bindings) this.register(contract, handler);
    }
    for (const [subject, entry] of this.handlers) {
      const subscription = this.nats.subscribe(this.subjects.of(subject), {
        queue: this.queue,
        callback: (error, msg) => {
          if (error) {
            this.logger.error(`subscription ${subject} failed: ${error.message}`);
            return;
          }
          const task = (entry.unqueued ? this.handle(entry.contract, entry.handler, msg) : this.admit(entry.contract, entry.handler, msg)).finally(() =>
            this.inFlight.delete(task),
          );
          this.inFlight.add(task);
        },
      });
      this.subscriptions.push(subscription);
    }
    this.logger.log(`serving ${this.handlers.size} RPC subjects in queue group ${this.queue}`);
  }

  /** Runs the request when a slot is free (in arrival order), unless its caller gave up meanwhile. */
  private async admit(contract: RpcContract, handler: Handler, msg: Msg): Promise<void> {
    if (this.running >= this.maxInFlight) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      const deadline = Number(msg.headers?.get(DEADLINE_HEADER));
      if (deadline > 0 && Date.now() >= deadline) {
        this.expired += 1;
        if (msg.reply) {
          const reply: RpcReply = { ok: false, error: { code: 'COMMON.TIMEOUT', message: `${contract.subject} was not started before its deadline`, traceId: msg.headers?.get('traceparent')?.split('-')[1] ?? '' } };
          msg.respond(encoder.encode(JSON.stringify(reply)));
        }
        return;
      }
      await this.handle(contract, handler, msg);
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  private async handle(contract: RpcContract, handler: Handler, msg: Msg): Promise<void> {
    const parent = extractTraceContext(msg.headers ? { get: (k) => msg.headers!.get(k) || undefined, set: () => undefined } : undefined);
    let reply: RpcReply;
    try {
      reply = await inSpan(
        `nats handle ${contract.subject}`,
        { kind: SpanKind.SERVER, parent, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': contract.subject } },
        async () => {
          let raw: unknown;
          try {
            raw = msg.data.length === 0 ? {} : JSON.parse(decoder.decode(msg.data));
          } catch {
            return { ok: false as const, error: toErrorEnvelope(new LinliError('COMMON.MALFORMED_JSON', 'request body is not valid JSON'), this.logger, contract.subject) };
          }
          return this.answer(contract, handler, raw, { subject: contract.subject, traceId: currentTraceId() });
        },
      );
    } catch (error) {
      reply = { ok: false, error: toErrorEnvelope(error, this.logger, contract.subject) };
    }
    if (msg.reply) msg.respond(encoder.encode(JSON.stringify(reply)));
  }

  /** Stops taking requests (queue-group peers take over) and waits for the ones in flight. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const subscription of this.subscriptions) {
      try {
        await subscription.drain();
      } catch {
        // already closed
      }
    }
    await Promise.allSettled([...this.inFlight]);
  }
}

export interface RpcRequestOptions {
  timeoutMs?: number;
}

interface Waiting {
  payload: unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Calls RPC subjects: validates the request, injects trace context, and turns error envelopes back into LinliErrors. */
export class RpcClient {
  private readonly logger = new Logger('RpcClient');
  /** While the connection to NATS is lost, requests fail at once instead of waiting out their timeout. */
  private disconnected = false;
  /** Requests of a contract with a batch form waiting for the next turn of the event loop. */
  private readonly queued = new Map<string, Waiting[]>();

  constructor(
    private readonly nats: NatsConnection,
    private readonly subjects: Subjects,
    private readonly defaultTimeoutMs: number,
  ) {
    void (async () => {
      for await (const status of nats.status()) {
        if (status.type === 'disconnect') this.disconnected = true;
        else if (status.type === 'reconnect') this.disconnected = false;
      }
    })().catch(() => undefined);
  }

  /**
   * Like `request`, for a contract with a batch form (`defineBatchRpc`): requests made in the same turn
   * of the event loop travel in one message (up to the batch's size) and each gets its own answer or
   * error. A request alone goes out as a plain request. Without a batch form, the same as `request`.
   */
  requestBatched<C extends RpcContract>(contract: C, payload: z.input<C['request']>): Promise<z.infer<C['response']>> {
    const batch = batchContractOf(contract);
    if (!batch) return this.request(contract, payload);
    return new Promise((resolve, reject) => {
      let waiting = this.queued.get(batch.subject);
      if (!waiting) {
        waiting = [];
        this.queued.set(batch.subject, waiting);
        setImmediate(() => this.flush(batch));
      }
      waiting.push({ payload, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private flush(batch: BatchRpcContract): void {
    const waiting = this.queued.get(batch.subject) ?? [];
    this.queued.delete(batch.subject);
    for (let start = 0; start < waiting.length; start += batch.maxItems) {
      const part = waiting.slice(start, start + batch.maxItems);
      if (part.length === 1) {
        this.request(batch.item, part[0]!.payload as never).then(part[0]!.resolve, part[0]!.reject);
        continue;
      }
      (this.request(batch, { items: part.map((w) => w.payload) }) as Promise<{ results: RpcReply[] }>).then(
        ({ results }) => {
          part.forEach((w, i) => {
            const reply = results[i];
            try {
              if (!reply) throw new LinliError('COMMON.INTERNAL', `${batch.subject} answered ${results.length} of ${part.length} items`);
              if (!reply.ok) throw LinliError.fromEnvelope(ErrorEnvelopeSchema.parse(reply.error));
              w.resolve(batch.item.response.parse(reply.data));
            } catch (error) {
              w.reject(error);
            }
          });
        },
        (error: unknown) => part.forEach((w) => w.reject(error)),
      );
    }
  }

  /**
   * For an idempotent request (one that carries its idempotency key): asked once more when the first
   * got no answer (`COMMON.UNAVAILABLE`, `COMMON.TIMEOUT`), which gives back what the first wrote if it
   * was in fact written. Any other error is the answer.
   */
  async requestIdempotent<C extends RpcContract>(contract: C, payload: z.input<C['request']>, options: RpcRequestOptions = {}): Promise<z.infer<C['response']>> {
    try {
      return await this.request(contract, payload, options);
    } catch (error) {
      if (!(error instanceof LinliError) || (error.code !== 'COMMON.UNAVAILABLE' && error.code !== 'COMMON.TIMEOUT')) throw error;
      this.logger.warn(`${contract.subject} unanswered (${error.code}); asking again under the same key`);
      return this.request(contract, payload, options);
    }
  }

  async request<C extends RpcContract>(contract: C, payload: z.input<C['request']>, options: RpcRequestOptions = {}): Promise<z.infer<C['response']>> {
    const request = contract.request.parse(payload);
    if (this.disconnected) throw new LinliError('COMMON.UNAVAILABLE', `NATS is unreachable; ${contract.subject} cannot be asked (reconnecting)`);
    return inSpan(
      `nats request ${contract.subject}`,
      { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': contract.subject } },
      async () => {
        const h = natsHeaders();
        injectTraceContext({ get: (k) => h.get(k), set: (k, v) => h.set(k, v) });
        const timeout = options.timeoutMs ?? this.defaultTimeoutMs;
        h.set(DEADLINE_HEADER, String(Date.now() + timeout));
        let msg: Msg;
        try {
          msg = await this.nats.request(this.subjects.of(contract.subject), encoder.encode(JSON.stringify(request)), {
            timeout,
            headers: h,
          });
        } catch (error) {
          const name = error instanceof Error ? error.name : '';
          const message = error instanceof Error ? error.message : String(error);
          if (/NoResponders|no responders|503/i.test(name + message)) {
            throw new LinliError('COMMON.UNAVAILABLE', `no service answers ${contract.subject}`);
          }
          if (/timeout/i.test(name + message)) throw new LinliError('COMMON.TIMEOUT', `${contract.subject} did not answer in time`);
          throw new LinliError('COMMON.UNAVAILABLE', `request on ${contract.subject} failed: ${message}`);
        }
        const reply = RpcReplySchema.parse(JSON.parse(decoder.decode(msg.data)));
        if (!reply.ok) throw LinliError.fromEnvelope(ErrorEnvelopeSchema.parse(reply.error));
        return contract.response.parse(reply.data) as z.infer<C['response']>;
      },
    );
  }
}
