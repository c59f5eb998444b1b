import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { LinliError, type Actor } from '@linli/contracts';
import { SpanStatusCode } from '@opentelemetry/api';
import { AccessTokenVerifier, SpanKind, extractTraceContext, inSpan, type HealthService, type RpcClient } from '@linli/nest-kit';
import { apiIndex, apiIndexRoute } from './api-index.js';
import { authenticate } from './auth.js';
import { registerConsole } from './console-static.js';
import { PartnerKeyVerifier } from './partner-auth.js';
import { DOCS_HTML, DOCS_SCRIPT } from './docs-page.js';
import type { GatewayConfig } from './gateway.config.js';
import { healthRoute, platformHealth } from './health.js';
import { ErrorResponder } from './http-errors.js';
import { buildOpenApi } from './openapi.js';
import { requestState } from './request-context.js';
import type { RevokedSessions } from './revocations.js';
import { isPartner, type GatewayRoute, type RouteDoc } from './route.js';
import { parseRequest } from './validation.js';

export interface GatewayHttpOptions {
  config: GatewayConfig;
  rpc: RpcClient;
  health: HealthService;
  routes: readonly GatewayRoute[];
  errors: ErrorResponder;
  /** Timeout of each service's health request. */
  healthTimeoutMs: number;
  /** Set once shutdown begins. */
  shutdown: { readonly closing: boolean };
  /** Sessions whose access tokens are refused before they expire. */
  revoked: RevokedSessions;
}

type Limiter = (request: FastifyRequest) => Promise<
  { isAllowed: true; key: string } | { isAllowed: false; max: number; remaining: number; ttlInSeconds: number; isExceeded: boolean }
>;

const ONE_MINUTE = 60_000;

/** Counts one request against a limiter; throws COMMON.RATE_LIMITED once the minute's budget is spent. */
async function spend(limiter: Limiter, request: FastifyRequest, reply: FastifyReply, scope: 'client' | 'user'): Promise<void> {
  const result = await limiter(request);
  if (result.isAllowed) return;
  if (scope === 'client') {
    reply.header('x-ratelimit-limit', String(result.max));
    reply.header('x-ratelimit-remaining', String(result.remaining));
    reply.header('x-ratelimit-reset', String(result.ttlInSeconds));
  }
  if (result.isExceeded) {
    throw new LinliError('COMMON.RATE_LIMITED', `too many requests from this ${scope === 'client' ? 'client address' : 'user'}; retry later`, {
      scope,
      limitPerMinute: result.max,
      retryAfterSeconds: result.ttlInSeconds,
    });
  }
}

function headerCarrier(request: FastifyRequest) {
  return {
    get: (key: string) => {
      const value = request.headers[key.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
    set: () => undefined,
  };
}

/**
 * Runs one request as a SERVER span (continuing an incoming W3C trace), so the RPC client's NATS
 * span and the service's spans join it. Errors become the envelope inside the span, so the logged
 * trace id is the one the client sees.
 */
async function serve(
  request: FastifyRequest,
  reply: FastifyReply,
  route: RouteDoc,
  errors: ErrorResponder,
  work: (span: { setAttribute(key: string, value: string | number): unknown }) => Promise<{ status: number; body: unknown; file?: { contentType: string; filename: string } }>,
): Promise<FastifyReply> {
  const state = requestState(request);
  return inSpan(
    `${route.method} ${route.path}`,
    {
      kind: SpanKind.SERVER,
      parent: extractTraceContext(headerCarrier(request)),
      attributes: { 'http.request.method': route.method, 'http.route': route.path, 'linli.request_id': state.requestId },
    },
    async (span) => {
      const { traceId } = span.spanContext();
      if (!/^0+$/.test(traceId)) state.traceId = traceId;
      try {
        const { status, body, file } = await work(span);
        span.setAttribute('http.response.status_code', status);
        if (file) reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`);
        return reply.code(status).send(body);
      } catch (error) {
        const sent = errors.send(request, reply, error);
        span.setAttribute('http.response.status_code', reply.statusCode);
        span.setAttribute('linli.error_code', sent.code);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: sent.code });
        return reply;
      }
    },
  );
}

/**
 * Puts the gateway on a Fastify instance: request ids, trace ids, per-client and per-user rate
 * limits, the JSON body parser, one generic handler for every route of the table, health and docs.
 * Errors thrown before a handler runs (body parsing, size, rate limits, unknown routes) reach the
 * application's exception filter, which answers them with the same envelope.
 */
export async function registerGatewayHttp(fastify: FastifyInstance, options: GatewayHttpOptions): Promise<void> {
  const { config, rpc, errors } = options;

  // Bodies: JSON only; an empty body is "no body" (clients often send the header without one).
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: config.BODY_LIMIT_BYTES }, (_request, raw, done) => {
    const text = String(raw);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new LinliError('COMMON.MALFORMED_JSON', 'the request body is not valid JSON'), undefined);
    }
  });

  await fastify.register(fastifyRateLimit, { global: false });
  const clientLimit: Limiter = fastify.createRateLimit({
    max: config.RATE_LIMIT_PER_MINUTE_CLIENT,
    timeWindow: ONE_MINUTE,
    keyGenerator: (request) => `client:${request.ip}`,
  });
  const actors = new WeakMap<FastifyRequest, Actor>();
  const tokens = new AccessTokenVerifier(config.AUTH_TOKEN_SECRET);
  const partnerKeys = new PartnerKeyVerifier(rpc);
  const userLimit: Limiter = fastify.createRateLimit({
    max: config.RATE_LIMIT_PER_MINUTE_USER,
    timeWindow: ONE_MINUTE,
    keyGenerator: (request) => `user:${actors.get(request)?.userId ?? request.ip}`,
  });

  fastify.addHook('onRequest', async (request, reply) => {
    requestState(request);
    await spend(clientLimit, request, reply, 'client');
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    const state = requestState(request);
    reply.header('x-request-id', state.requestId);
    reply.header('x-trace-id', state.traceId);
    if (options.shutdown.closing) reply.header('connection', 'close');
    return payload;
  });

  for (const route of options.routes) {
    if (route.devOnly && !config.DEV_ROUTES) continue;
    fastify.route({
      method: route.method,
      url: route.path,
      handler: (request, reply) =>
        serve(request, reply, route, errors, async () => {
          const auth = route.auth;
          const partner = isPartner(auth) ? await partnerKeys.authenticate(auth, request.headers['x-api-key']) : undefined;
          const actor = isPartner(auth) ? undefined : authenticate(auth, request.headers.authorization, tokens, new Date(), options.revoked);
          if (actor) {
            actors.set(request, actor);
            await spend(userLimit, request, reply, 'user');
          }
          const input = parseRequest(route, request);
          const client = { ip: request.ip };
          const result: unknown = await rpc.requestBatched(route.rpc, route.toRpc({ ...input, actor, partner, client }) as never);
          const file = route.file?.({ ...input, actor, partner, client }, result);
          if (file) return { status: route.status ?? 200, body: file.content, file };
          // The RPC client already validated the reply against the contract; a route answering
          // with a narrower shape of its own is checked (and stripped) here.
          if (route.response === route.rpc.response) return { status: route.status ?? 200, body: result };
          const body = route.response.safeParse(result);
          if (!body.success) throw new Error(`reply of ${route.rpc.subject} does not match the response of ${route.method} ${route.path}: ${body.error.message}`);
          return { status: route.status ?? 200, body: body.data };
        }),
    });
  }

  fastify.route({
    method: healthRoute.method,
    url: healthRoute.path,
    handler: (request, reply) =>
      serve(request, reply, healthRoute, errors, async () => {
        parseRequest(healthRoute, request);
        const report = await platformHealth(rpc, options.health, options.healthTimeoutMs);
        return { status: report.status === 'up' ? 200 : 503, body: report };
      }),
  });

  const index = apiIndex(config.DEV_ROUTES);
  fastify.route({
    method: apiIndexRoute.method,
    url: apiIndexRoute.path,
    handler: (request, reply) =>
      serve(request, reply, apiIndexRoute, errors, async () => {
        parseRequest(apiIndexRoute, request);
        return { status: 200, body: index };
      }),
  });

  const registered = [apiIndexRoute, healthRoute, ...options.routes.filter((route) => !route.devOnly || config.DEV_ROUTES)];
  const document = JSON.stringify(buildOpenApi(registered));
  const docsSecurity = "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:";
  fastify.get('/docs/openapi.json', (_request, reply) => reply.type('application/json; charset=utf-8').send(document));
  fastify.get('/docs', (_request, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', docsSecurity).send(DOCS_HTML));
  fastify.get('/docs/docs.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').send(DOCS_SCRIPT));
  registerConsole(fastify, config.CONSOLE_DIR);
}
