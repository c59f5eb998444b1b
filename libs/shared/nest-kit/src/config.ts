import { z } from 'zod';

/** Thrown when configuration is invalid. Its message names the bad keys, never their values. */
export class ConfigError extends Error {
  constructor(readonly keys: string[], problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses configuration once, at start-up, from an environment-like record. Fails fast with the
 * names of every missing or malformed key; values are never printed (they may be secrets).
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const keys = [...new Set(result.error.issues.map((issue) => issue.path.map(String).join('.') || '(root)'))];
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.') || '(root)';
    // zod messages may echo the received value; keep only the kind of problem.
    const kind = issue.code === 'invalid_type' && issue.message.includes('undefined') ? 'is required' : `is invalid (${issue.code})`;
    return `${key} ${kind}`;
  });
  throw new ConfigError(keys, problems);
}

const port = z.coerce.number().int().min(0).max(65535);
const logLevel = z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log');

/** Config fragments shared by every service; each app composes its own schema from these. */
export const baseConfigFragment = {
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  LOG_LEVEL: logLevel,
  HEALTH_PORT: port.default(0),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Requests a service works on at once; more wait, and those whose caller gave up are dropped. */
  RPC_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(64),
  /** Namespaces every subject and stream; empty in production, unique per test run. */
  NATS_SUBJECT_PREFIX: z.string().regex(/^[a-z0-9-]+$/).optional(),
};

export const databaseConfigFragment = {
  DATABASE_URL: z
    .string()
    .min(1)
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
};

export const tokenConfigFragment = {
  AUTH_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters'),
};

export type BaseConfig = z.infer<z.ZodObject<typeof baseConfigFragment>>;
export type DatabaseConfig = z.infer<z.ZodObject<typeof databaseConfigFragment>>;
