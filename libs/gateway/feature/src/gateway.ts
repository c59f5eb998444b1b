import 'reflect-metadata';
import { maxHeaderSize } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Catch,
  Injectable,
  Module,
  type ArgumentsHost,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type ExceptionFilter,
  type LoggerService,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NatsConnection } from '@nats-io/transport-node';
import { HealthService, LinliKitModule, NATS_CONNECTION, RpcClient, Subjects, createLogger, initTelemetry } from '@linli/nest-kit';
import type { GatewayConfig } from './gateway.config.js';
import { registerGatewayHttp } from './http.js';
import { ErrorResponder, clientErrorHandler } from './http-errors.js';
import { requestIdFor } from './request-context.js';
import { RevokedSessions, SessionRevocationFeed } from './revocations.js';
import type { GatewayRoute } from './route.js';
import { routes as allRoutes } from './routes/index.js';

/**
 * Knows when shutdown has begun, so responses sent from then on close their connection: keep-alive
 * clients then let go, and the HTTP server can finish closing as soon as the requests in flight end.
 */
@Injectable()
export class GatewayShutdown implements BeforeApplicationShutdown {
  closing = false;

  beforeApplicationShutdown(): void {
    this.closing = true;
  }
}

/** The gateway's Nest module: the kit (NATS, RPC client, its own health subject, ordered shutdown). */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return { module: GatewayModule, imports: [LinliKitModule.fromConfig('gateway', config)], providers: [GatewayShutdown], exports: [GatewayShutdown] };
  }
}

/** Everything that reaches Nest's error path (unknown routes, body parsing, hooks) gets the envelope too. */
@Catch()
class GatewayExceptionFilter implements ExceptionFilter {
  constructor(private readonly errors: ErrorResponder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.errors.send(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }
}

export interface GatewayOptions {
  /** An extra span exporter (tests use an in-memory one), used when this call is what sets tracing up. */
  exporter?: SpanExporter;
  logger?: LoggerService | false;
  /** The route table; every route by default. */
  routes?: readonly GatewayRoute[];
  /** Timeout of each service's health request behind `GET /v1/health`. */
  healthTimeoutMs?: number;
}

export interface Gateway {
  readonly app: NestFastifyApplication;
  /** Starts listening; resolves to the base URL. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Stops accepting requests, finishes the ones in flight, then drains NATS. */
  close(): Promise<void>;
}

/** Builds the whole gateway in-process from parsed configuration (the app's `main.ts` and tests use it). */
export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  // A no-op when the process already set tracing up (main.ts does, first); tests get it here.
  const telemetry = initTelemetry({ serviceName: 'gateway', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, exporter: options.exporter });
  const errors = new ErrorResponder(config.BODY_LIMIT_BYTES);
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    genReqId: requestIdFor,
    logger: false,
    // A request that arrives on an open connection while shutting down is still served (NATS is
    // drained only after the HTTP server closes) and its response closes the connection, instead of
    // Fastify's own 503 body outside the error envelope.
    return503OnClosing: false,
    // No Nest middleware runs here (routes are Fastify routes; CORS is a Fastify plugin), so no
    // @fastify/middie either: it sat in every request's onRequest hooks for nothing.
    skipMiddie: true,
    // Refusals before routing get the error envelope too: a URL the router cannot decode or an
    // over-long path parameter (frameworkErrors), and what Node's HTTP parser refuses — an over-long
    // URL or header block (431), a forbidden character in a header (clientErrorHandler).
    frameworkErrors: (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      errors.send(request, reply, error);
    },
    clientErrorHandler: clientErrorHandler(maxHeaderSize),
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), adapter, {
    bodyParser: false,
    abortOnError: false,
    logger: options.logger ?? createLogger('gateway', config.LOG_LEVEL, false),
  });
  app.useGlobalFilters(new GatewayExceptionFilter(errors));
  const origins = config.CORS_ORIGINS;
  if (origins === '*' || origins.length > 0) {
    app.enableCors({
      origin: origins === '*' ? '*' : origins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'traceparent', 'tracestate'],
      exposedHeaders: ['x-request-id', 'x-trace-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      maxAge: 600,
    });
  }
  // Revoked sessions are known before the first request is served.
  const revoked = new RevokedSessions();
  const feed = await SessionRevocationFeed.start(app.get<NatsConnection>(NATS_CONNECTION), app.get(Subjects), revoked, {
    replaySeconds: config.REVOCATION_REPLAY_SECONDS,
  });
  await registerGatewayHttp(app.getHttpAdapter().getInstance(), {
    config,
    rpc: app.get(RpcClient),
    health: app.get(HealthService),
    routes: options.routes ?? allRoutes,
    errors,
    healthTimeoutMs: options.healthTimeoutMs ?? 1500,
    shutdown: app.get(GatewayShutdown),
    revoked,
  });
  await app.init();
  return {
    app,
    async listen({ port = config.HTTP_PORT, host = '0.0.0.0' } = {}) {
      await app.listen(port, host);
      const address = app.getHttpServer().address() as AddressInfo;
      return `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${address.port}`;
    },
    async close() {
      await feed.stop();
      await app.close();
      await telemetry.shutdown();
    },
  };
}
