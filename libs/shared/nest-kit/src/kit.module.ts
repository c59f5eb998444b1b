import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  type InjectionToken,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { health, type ServiceName } from '@linli/contracts';
import { HealthService } from './health.js';
import { EventConsumers, ensureStreams } from './jetstream.js';
import { OutboxRelay } from './outbox.js';
import { PgSql, type ServiceDatabase } from './prisma.js';
import { RpcClient, RpcServer } from './rpc.js';
import type { TransactionalSql } from './sql.js';
import { Subjects } from './subjects.js';
import { flushTelemetry } from './telemetry.js';

export const NATS_CONNECTION = Symbol.for('linli.nats-connection');
export const JETSTREAM = Symbol.for('linli.jetstream');
export const KIT_OPTIONS = Symbol.for('linli.kit-options');
/** Token under which a service provides its Prisma client (as {@link TransactionalSql}) for outbox and consumers. */
export const DATABASE = Symbol.for('linli.database');

export interface KitOptions {
  service: ServiceName;
  natsUrl: string;
  rpcTimeoutMs: number;
  /** Requests served at once (default 64); see `RpcServerOptions`. */
  rpcMaxInFlight?: number;
  healthPort: number;
  subjectPrefix?: string;
  version?: string;
  streamReplicas?: number;
}

/** Ordered shutdown: stop intake and wait for in-flight work (before), then drain NATS (after). */
@Injectable()
class NatsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Nats');
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(KIT_OPTIONS) private readonly options: KitOptions,
    private readonly health: HealthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.health.listen(this.options.healthPort);
    this.logger.log(`${this.options.service} connected to NATS at ${this.nc.getServer()}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await flushTelemetry().catch(() => undefined);
    await this.health.close();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }
}

@Global()
@Module({})
export class LinliKitModule {
  /** The kit configured from a service's parsed config. */
  static fromConfig(
    service: ServiceName,
    config: { NATS_URL: string; RPC_TIMEOUT_MS: number; RPC_MAX_IN_FLIGHT?: number; HEALTH_PORT: number; NATS_SUBJECT_PREFIX?: string },
  ): DynamicModule {
    return LinliKitModule.forRoot({
      service,
      natsUrl: config.NATS_URL,
      rpcTimeoutMs: config.RPC_TIMEOUT_MS,
      rpcMaxInFlight: config.RPC_MAX_IN_FLIGHT,
      healthPort: config.HEALTH_PORT,
      subjectPrefix: config.NATS_SUBJECT_PREFIX,
    });
  }

  static forRoot(options: KitOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: KIT_OPTIONS, useValue: options },
      { provide: Subjects, useValue: new Subjects(options.subjectPrefix ?? '') },
      {
        provide: NATS_CONNECTION,
        inject: [Subjects],
        useFactory: async (subjects: Subjects) => {
          // noAsyncTraces: no Error (stack capture) is made up front for every request and its timer,
          // which cost measurable CPU per RPC and per JetStream publish; errors still carry name and message.
          const nc = await connect({ servers: options.natsUrl.split(','), name: options.service, maxReconnectAttempts: -1, noAsyncTraces: true });
          await ensureStreams(nc, subjects, { replicas: options.streamReplicas });
          return nc;
        },
      },
      { provide: JETSTREAM, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => jetstream(nc) },
      {
        provide: HealthService,
        inject: [NATS_CONNECTION],
        useFactory: (nc: NatsConnection) => {
          const service = new HealthService(options.service, options.version ?? '0.1.0');
          service.addCheck('nats', () => !nc.isClosed());
          return service;
        },
      },
      {
        provide: RpcServer,
        inject: [NATS_CONNECTION, Subjects, DiscoveryService, HealthService],
        useFactory: (nc: NatsConnection, subjects: Subjects, discovery: DiscoveryService, healthService: HealthService) => {
          const server = new RpcServer(nc, subjects, options.service, discovery, { maxInFlight: options.rpcMaxInFlight });
          server.register(health[options.service], () => healthService.report(), { unqueued: true });
          return server;
        },
      },
      {
        provide: RpcClient,
        inject: [NATS_CONNECTION, Subjects],
        useFactory: (nc: NatsConnection, subjects: Subjects) => new RpcClient(nc, subjects, options.rpcTimeoutMs),
      },
      NatsLifecycle,
    ];
    return {
      module: LinliKitModule,
      imports: [DiscoveryModule],
      providers,
      exports: [KIT_OPTIONS, Subjects, NATS_CONNECTION, JETSTREAM, HealthService, RpcServer, RpcClient],
    };
  }
}

@Injectable()
class EventingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly consumers: EventConsumers,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stop();
    await this.relay.stop();
  }
}

/**
 * Outbox relay and durable consumers for a service whose database is provided under {@link DATABASE}.
 * Add the result to the providers (and exports) of the service's data-access module.
 */
export function eventingProviders(): Provider[] {
  return [
    {
      provide: OutboxRelay,
      // Straight on the pool: the relay runs a transaction for every batch of events.
      inject: [PgSql, JETSTREAM, Subjects, KIT_OPTIONS],
      useFactory: (sql: PgSql, js: JetStreamClient, subjects: Subjects, options: KitOptions) =>
        new OutboxRelay(sql, js, subjects, { source: options.service, pollIntervalMs: 100 }),
    },
    {
      provide: EventConsumers,
      inject: [NATS_CONNECTION, DATABASE, Subjects],
      useFactory: (nc: NatsConnection, db: TransactionalSql, subjects: Subjects) => new EventConsumers(nc, db, subjects),
    },
    EventingLifecycle,
  ];
}

interface DisconnectableDb {
  $disconnect(): Promise<void>;
  $queryRawUnsafe(query: string): PromiseLike<unknown>;
}

const DATABASE_CONNECTION = Symbol.for('linli.database-connection');

/**
 * Providers of a service's database: its Prisma client under `token` (and under {@link DATABASE}),
 * raw SQL on the same pool under {@link PgSql}, a readiness check, disconnect on shutdown (which also
 * ends the pool), the outbox relay and durable consumers.
 */
export function databaseProviders(token: abstract new (...args: never[]) => unknown, create: () => ServiceDatabase<DisconnectableDb>): Provider[] {
  @Injectable()
  class DatabaseLifecycle implements OnApplicationShutdown {
    constructor(@Inject(DATABASE) private readonly db: DisconnectableDb, @Inject(HealthService) health: HealthService) {
      health.addCheck('database', async () => {
        await this.db.$queryRawUnsafe('SELECT 1');
        return true;
      });
    }

    async onApplicationShutdown(): Promise<void> {
      await this.db.$disconnect();
    }
  }
  return [
    { provide: DATABASE_CONNECTION, useFactory: create },
    { provide: token, inject: [DATABASE_CONNECTION], useFactory: (database: ServiceDatabase<DisconnectableDb>) => database.client },
    { provide: DATABASE, useExisting: token },
    { provide: PgSql, inject: [DATABASE_CONNECTION], useFactory: (database: ServiceDatabase<DisconnectableDb>) => database.sql },
    DatabaseLifecycle,
    ...eventingProviders(),
  ];
}

/** Tokens exported by a data-access module built with {@link databaseProviders}. */
export function databaseExports(token: abstract new (...args: never[]) => unknown): InjectionToken[] {
  return [token, DATABASE, PgSql, OutboxRelay, EventConsumers];
}
