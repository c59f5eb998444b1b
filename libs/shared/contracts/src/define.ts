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
