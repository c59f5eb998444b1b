import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';

/** What the gateway tracks about one request: its ids (echoed in headers and error bodies). */
export interface RequestState {
  readonly requestId: string;
  /** The incoming trace id (W3C `traceparent`) or a fresh one; replaced by the request span's once it starts. */
  traceId: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const states = new WeakMap<FastifyRequest, RequestState>();

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Fastify's `genReqId`: a well-formed incoming `x-request-id` is kept, anything else replaced by a UUID. */
export function requestIdFor(raw: IncomingMessage): string {
  const incoming = header(raw.headers['x-request-id']);
  return incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function incomingTraceId(traceparent: string | undefined): string | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  return match && !/^0+$/.test(match[1]!) ? match[1] : undefined;
}

export function requestState(request: FastifyRequest): RequestState {
  let state = states.get(request);
  if (!state) {
    state = {
      requestId: typeof request.id === 'string' && REQUEST_ID.test(request.id) ? request.id : randomUUID(),
      traceId: incomingTraceId(header(request.headers['traceparent'])) ?? randomBytes(16).toString('hex'),
    };
    states.set(request, state);
  }
  return state;
}
