import { z } from 'zod';
import { baseConfigFragment, tokenConfigFragment } from '@linli/nest-kit';

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;

/** `*`, nothing (CORS off), or a comma-separated list of origins (`https://app.example.com,http://localhost:5173`). */
const corsOrigins = z
  .string()
  .trim()
  .default('')
  .transform((raw) => (raw === '*' ? ('*' as const) : raw.split(',').map((o) => o.trim()).filter(Boolean)))
  .refine((value) => value === '*' || value.every((origin) => ORIGIN.test(origin)), 'must be *, empty, or comma-separated http(s) origins');

const perMinute = z.coerce.number().int().positive().max(1_000_000);

/** The gateway's own keys; the app composes them with the kit's base and token fragments. */
export const gatewayConfigFragment = {
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  CORS_ORIGINS: corsOrigins,
  RATE_LIMIT_PER_MINUTE_CLIENT: perMinute.default(600),
  RATE_LIMIT_PER_MINUTE_USER: perMinute.default(300),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
  /** Registers development-only routes (`/v1/dev/*`, e.g. the SMS outbox). Never in production. */
  DEV_ROUTES: z.stringbool().default(false),
  /** Trust `X-Forwarded-For` from the ingress, so per-client limits see the real client address. */
  TRUST_PROXY: z.stringbool().default(false),
  /**
   * How far back a starting gateway reads session revocations: at least identity's
   * ACCESS_TOKEN_TTL_SECONDS, so no revoked session's token is honoured after a restart.
   */
  REVOCATION_REPLAY_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  /** The web console's build folder, served under `/console/`; empty or without a build: not served. */
  CONSOLE_DIR: z.string().trim().default(''),
};

/** The parsed configuration `createGateway` needs (what `apps/gateway/src/config.ts` produces). */
export type GatewayConfig = z.output<
  z.ZodObject<typeof baseConfigFragment & typeof tokenConfigFragment & typeof gatewayConfigFragment>
>;
