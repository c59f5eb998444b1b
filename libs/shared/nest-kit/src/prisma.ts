import { PrismaPg } from '@prisma/adapter-pg';
import { SpanKind } from '@opentelemetry/api';
import { inSpan } from './telemetry.js';

export interface PrismaConnectionOptions {
  url: string;
  poolSize?: number;
}

/**
 * The driver adapter every service's Prisma client uses (engine-free client, `pg` pool underneath).
 * Pooled connections stay open when idle (`pg` closes them after 10 s by default): a fresh connection
 * costs a backend start and loses the plans PostgreSQL cached for our PL/pgSQL functions, and a pool
 * that shrinks between bursts pays that on every burst.
 */
export function prismaAdapter(options: PrismaConnectionOptions): PrismaPg {
  return new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10, idleTimeoutMillis: 0 });
}

/**
 * Adds a client span around every Prisma operation (model queries and raw SQL), so a trace shows
 * each database call under the NATS handler that made it.
 */
export function withQueryTracing<T extends object>(client: T, dbName: string): T {
  const extendable = client as unknown as { $extends(extension: unknown): unknown };
  return extendable.$extends({
    name: 'linli-tracing',
    query: {
      async $allOperations({ model, operation, args, query }: { model?: string; operation: string; args: unknown; query: (args: unknown) => Promise<unknown> }) {
        return inSpan(
          `postgresql ${model ? `${model}.` : ''}${operation}`,
          { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.namespace': dbName, 'db.operation.name': operation } },
          () => query(args),
        );
      },
    },
  }) as T;
}

/** Database name from a postgres URL (for span attributes and logs). */
export function databaseName(url: string): string {
  try {
    return new URL(url).pathname.replace(/^\//, '') || 'postgres';
  } catch {
    return 'unknown';
  }
}

