import { z } from 'zod';
import { ErrorEnvelopeSchema } from './errors.js';

/** A request/reply subject with its request and response schemas. */
export interface RpcContract<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'rpc';
  readonly subject: string;
  readonly request: Req;
  readonly response: Res;
}

/** A JetStream event subject with its payload schema. */
export interface EventContract<Data extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  readonly data: Data;
}

/**
 * The batch form of an RPC contract: many requests of `item` in one message, answered by one reply
 * per request, in order (`{ok: true, data}` or `{ok: false, error}` each). Items are validated one by
 * one by the server, so a bad item is refused alone. Callers batch what they have at the same moment
 * (see RpcClient.requestBatched); the answer to each item is the one the item's subject would give.
 */
export interface BatchRpcContract<C extends RpcContract = RpcContract> extends RpcContract {
  readonly item: C;
  readonly maxItems: number;
}

export type RpcRequest<C extends RpcContract> = z.infer<C['request']>;
export type RpcResponse<C extends RpcContract> = z.infer<C['response']>;
export type EventData<C extends EventContract> = z.infer<C['data']>;

const RPC_SUBJECT = /^rpc\.[a-z-]+\.[a-z-]+(\.[a-z-]+)*\.v\d+$/;
const EVENT_SUBJECT = /^[a-z-]+\.[a-z-]+\.[a-z-]+\.v\d+$/;

export function defineRpc<Req extends z.ZodType, Res extends z.ZodType>(
  subject: string,
  request: Req,
  response: Res,
): RpcContract<Req, Res> {
  if (!RPC_SUBJECT.test(subject)) throw new Error(`RPC subject ${subject} must look like rpc.<service>.<entity>.<action>.v1`);
  return { kind: 'rpc', subject, request, response };
}

export function defineEvent<Data extends z.ZodType>(subject: string, data: Data): EventContract<Data> {
  if (!EVENT_SUBJECT.test(subject)) throw new Error(`event subject ${subject} must look like <domain>.<entity>.<event>.v1`);
  return { kind: 'event', subject, data };
}

const batches = new Map<string, BatchRpcContract>();

/** `rpc.orders.order.place.v1` → `rpc.orders.order.place.batch.v1`, with up to `maxItems` requests. */
export function defineBatchRpc<C extends RpcContract>(item: C, maxItems: number): BatchRpcContract<C> {
  if (batches.has(item.subject)) throw new Error(`${item.subject} has a batch form already`);
  const subject = item.subject.replace(/\.(v\d+)$/, '.batch.$1');
  const contract: BatchRpcContract<C> = {
    kind: 'rpc',
    subject,
    request: z.object({ items: z.array(z.unknown()).min(1).max(maxItems) }).strict(),
    response: z.object({ results: z.array(RpcReplySchema) }),
    item,
    maxItems,
  };
  batches.set(item.subject, contract);
  return contract;
}

/** The batch form of a contract, if it has one. */
export function batchContractOf(item: RpcContract): BatchRpcContract | undefined {
  return batches.get(item.subject);
}

/** What a service answers on an RPC subject: either `{ok: true, data}` or `{ok: false, error}`. */
export const RpcReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorEnvelopeSchema }),
]);
export type RpcReply = z.infer<typeof RpcReplySchema>;

/**
 * Every event travels in this envelope. `id` is the outbox row id and the JetStream message id,
 * so a re-published event is de-duplicated by the stream and by consumers.
 */
export const EventEnvelopeSchema = z.object({
  id: z.string().uuid(),
  subject: z.string(),
  occurredAt: z.string().datetime({ offset: true }),
  source: z.string(),
  data: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;
