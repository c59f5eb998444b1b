import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ErrorCodeSchema, LinliError, type ErrorCode, type ErrorEnvelope } from '@linli/contracts';
import { errorStatus } from './error-status.js';
import { requestState } from './request-context.js';

/** Every error response of the gateway: the envelope plus the request id. */
export const HttpErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional().describe('Code-specific; `fields: [{path, message}]` for COMMON.VALIDATION_FAILED'),
  traceId: z.string(),
  requestId: z.string(),
});
export type HttpErrorBody = ErrorEnvelope & { requestId: string };

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message: string;
}

function frameworkError(error: unknown): FrameworkError | undefined {
  if (error instanceof HttpException && error.cause instanceof Error) return frameworkError(error.cause);
  if (error instanceof Error && (typeof (error as FrameworkError).statusCode === 'number' || typeof (error as FrameworkError).code === 'string')) {
    return error as FrameworkError;
  }
  return undefined;
}

function codeForStatus(status: number): ErrorCode | undefined {
  if (status === 404 || status === 405) return 'COMMON.ROUTE_NOT_FOUND';
  if (status === 413) return 'COMMON.PAYLOAD_TOO_LARGE';
  if (status === 429) return 'COMMON.RATE_LIMITED';
  if (status === 401) return 'AUTH.UNAUTHENTICATED';
  if (status === 403) return 'AUTH.FORBIDDEN';
  if (status === 503) return 'COMMON.UNAVAILABLE';
  if (status === 504) return 'COMMON.TIMEOUT';
  if (status >= 400 && status < 500) return 'COMMON.VALIDATION_FAILED';
  return undefined;
}

/**
 * Turns anything thrown while serving a request into the gateway's error response: LinliErrors
 * (from the gateway or, through the RPC client, from a service) keep their code; Fastify's own
 * errors (body parsing, size, routing) and Nest's 404 get theirs; anything else is COMMON.INTERNAL
 * with an error id that is logged with the stack.
 */
export class ErrorResponder {
  private readonly logger = new Logger('Gateway');

  constructor(private readonly bodyLimitBytes: number) {}

  toLinliError(error: unknown, request: FastifyRequest): LinliError {
    if (error instanceof LinliError) return error;
    const framework = frameworkError(error);
    switch (framework?.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new LinliError('COMMON.PAYLOAD_TOO_LARGE', `the request body is larger than ${this.bodyLimitBytes} bytes`, { limitBytes: this.bodyLimitBytes });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return new LinliError('COMMON.MALFORMED_JSON', 'the request body is not valid JSON');
      case 'FST_ERR_BAD_URL':
        return new LinliError('COMMON.VALIDATION_FAILED', 'the request URL is not valid (a malformed percent-encoding or a character that is not text)', {
          fields: [{ path: 'url', message: 'is not valid' }],
        });
      case 'FST_ERR_MAX_PARAM_LENGTH':
        return new LinliError('COMMON.VALIDATION_FAILED', 'a path parameter of the request URL is too long', {
          fields: [{ path: 'params', message: 'is too long' }],
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new LinliError('COMMON.VALIDATION_FAILED', 'send the request body as application/json', {
          fields: [{ path: 'headers.content-type', message: 'must be application/json' }],
        });
    }
    const status = framework && typeof framework.statusCode === 'number' ? framework.statusCode : error instanceof HttpException ? error.getStatus() : undefined;
    const code = status === undefined ? undefined : codeForStatus(status);
    if (code === 'COMMON.ROUTE_NOT_FOUND') return new LinliError(code, `no route ${request.method} ${request.url.split('?')[0]}`);
    if (code) return new LinliError(code, framework?.message ?? (error instanceof Error ? error.message : 'request failed'));
    const errorId = randomUUID();
    const { requestId, traceId } = requestState(request);
    this.logger.error(
      `unhandled error ${errorId} on ${request.method} ${request.routeOptions.url ?? '(no route)'} requestId=${requestId} traceId=${traceId}: ` +
        (error instanceof Error ? (error.stack ?? error.message) : String(error)),
    );
    return new LinliError('COMMON.INTERNAL', `internal error (error id ${errorId})`, { errorId });
  }

  /** Answers the request with the error envelope (unless a response already went out) and logs it. */
  send(request: FastifyRequest, reply: FastifyReply, error: unknown): HttpErrorBody {
    const linli = this.toLinliError(error, request);
    const status = errorStatus(linli.code);
    const state = requestState(request);
    const body: HttpErrorBody = { code: linli.code, message: linli.message, traceId: state.traceId, requestId: state.requestId };
    if (linli.details !== undefined) body.details = linli.details;
    const line = `${status} ${linli.code} ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]} requestId=${state.requestId} traceId=${state.traceId}`;
    if (status >= 500) this.logger.error(line);
    else this.logger.warn(line);
    if (reply.sent) return body;
    const retryAfter = (linli.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number' && Number.isFinite(retryAfter)) reply.header('retry-after', String(Math.max(0, Math.ceil(retryAfter))));
    void reply.code(status).type('application/json; charset=utf-8').send(body);
    return body;
  }
}

/** Node's `clientError` codes Fastify would answer in its own format, with the envelope's code and status instead. */
function clientErrorAnswer(error: { code?: string }, maxHeaderBytes: number): { status: number; code: ErrorCode; message: string } {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: errorStatus('COMMON.HEADERS_TOO_LARGE'), code: 'COMMON.HEADERS_TOO_LARGE', message: `the request line and headers are larger than ${maxHeaderBytes} bytes` };
  }
  // The client took too long to send its request: 408, not the 504 of a service timeout.
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'COMMON.TIMEOUT', message: 'the request did not arrive in time' };
  return { status: errorStatus('COMMON.VALIDATION_FAILED'), code: 'COMMON.VALIDATION_FAILED', message: 'the request is not valid HTTP' };
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses before any route sees it (an
 * over-long URL or header block, a header with a forbidden character, a malformed request line) is
 * answered with the error envelope, then the connection closes.
 */
export function clientErrorHandler(maxHeaderBytes: number): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const answer = clientErrorAnswer(error, maxHeaderBytes);
    const body: HttpErrorBody = { code: answer.code, message: answer.message, traceId: randomBytes(16).toString('hex'), requestId: randomUUID() };
    const json = JSON.stringify(body);
    const reason = answer.status === 431 ? 'Request Header Fields Too Large' : answer.status === 408 ? 'Request Timeout' : 'Bad Request';
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${answer.status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
          `x-request-id: ${body.requestId}\r\nx-trace-id: ${body.traceId}\r\nConnection: close\r\n\r\n${json}`,
      );
    }
    socket.destroy(error);
  };
}
