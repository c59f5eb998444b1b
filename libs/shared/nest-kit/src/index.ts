/** NestJS kit shared by every Linli service: config, NATS RPC, outbox, JetStream consumers, telemetry, health. */
export * from './config.js';
export * from './subjects.js';
export * from './telemetry.js';
export * from './rpc.js';
export * from './periodic.js';
export * from './provider-lifecycle.js';
export * from './sql.js';
export * from './coalescer.js';
export * from './outbox.js';
export * from './jetstream.js';
export * from './health.js';
export * from './kit.module.js';
export * from './prisma.js';
export * from './migrate.js';
export * from './tokens.js';
export * from './bootstrap.js';
