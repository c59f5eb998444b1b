import 'reflect-metadata';
import { ConsoleLogger, type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { initTelemetry, type Telemetry } from './telemetry.js';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export function levelsFrom(level: string): LogLevel[] {
  const index = LEVELS.indexOf(level as LogLevel);
  return LEVELS.slice(0, index < 0 ? 3 : index + 1);
}

export function createLogger(service: string, level: string, json: boolean): ConsoleLogger {
  return new ConsoleLogger(service, { json, logLevels: levelsFrom(level), prefix: service });
}

export interface ServiceBootOptions {
  service: string;
  module: unknown;
  logLevel: string;
  otlpEndpoint?: string;
  json?: boolean;
}

/**
 * Boots a NATS-only service: tracing first (so every span has a provider), then the Nest context
 * with shutdown hooks so SIGTERM drains subscriptions and waits for in-flight work.
 */
export async function bootService(options: ServiceBootOptions): Promise<{ app: INestApplicationContext; telemetry: Telemetry }> {
  const telemetry = initTelemetry({ serviceName: options.service, otlpEndpoint: options.otlpEndpoint });
  const logger = createLogger(options.service, options.logLevel, options.json ?? false);
  const app = await NestFactory.createApplicationContext(options.module as never, { logger });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  process.once('beforeExit', () => void telemetry.shutdown());
  logger.log(`${options.service} ready`);
  return { app, telemetry };
}

/** Prints a start-up failure (e.g. invalid configuration) and exits non-zero. */
export function exitOnBootError(service: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[${service}] failed to start: ${message}`);
  process.exit(1);
}

/** The config keys every service's kit module reads. */
export interface KitConfig {
  NATS_URL: string;
  RPC_TIMEOUT_MS: number;
  RPC_MAX_IN_FLIGHT?: number;
  HEALTH_PORT: number;
  LOG_LEVEL: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  NATS_SUBJECT_PREFIX?: string;
}

/**
 * The whole `main.ts` of a NATS service: parse config once (failing fast with the names of bad keys),
 * then boot the module built from it.
 */
export async function runService<C extends KitConfig>(
  service: string,
  parseConfig: (env: Record<string, string | undefined>) => C,
  moduleFor: (config: C) => unknown,
  env: Record<string, string | undefined>,
): Promise<void> {
  try {
    const config = parseConfig(env);
    await bootService({ service, module: moduleFor(config), logLevel: config.LOG_LEVEL, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  } catch (error) {
    exitOnBootError(service, error);
  }
}
