import * as z from './zod.js';
import { defineRpc } from './define.js';
import { LinliError } from './errors.js';

export const SERVICE_NAMES = [
  'gateway',
  'identity',
  'orders',
  'leader-ops',
  'recommendations',
  'communities',
  'local-services',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export const ServiceNameSchema = z.enum(SERVICE_NAMES);

export const ROLES = ['resident', 'leader', 'partner', 'ops'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const UserIdSchema = z.string().uuid();
/** Money is always integer cents (分). */
export const CentsSchema = z.number().int().nonnegative();
/** Mainland mobile numbers, stored in E.164 (`+8613800138000`). */
export const PhoneSchema = z
  .string()
  .trim()
  .transform((raw) => raw.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^(\+?86)?1[3-9]\d{9}$/, 'must be a mainland mobile number'))
  .transform((digits) => `+86${digits.slice(-11)}`);
export const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
export const IsoDateTimeSchema = z.string().datetime({ offset: true });

/** The caller as the gateway authenticated it; passed on every user-facing RPC. */
export const ActorSchema = z.object({ userId: UserIdSchema, roles: z.array(RoleSchema).min(1) });
export type Actor = z.infer<typeof ActorSchema>;

export const HealthRequestSchema = z.object({}).strict();
export const HealthResponseSchema = z.object({
  service: ServiceNameSchema,
  status: z.enum(['up', 'degraded']),
  version: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  checks: z.record(z.string(), z.enum(['up', 'down'])),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** `rpc.<service>.health.v1` for each service. */
export const health = Object.fromEntries(
  SERVICE_NAMES.map((service) => [
    service,
    defineRpc(`rpc.${service}.health.v1`, HealthRequestSchema, HealthResponseSchema),
  ]),
) as Record<ServiceName, ReturnType<typeof defineRpc<typeof HealthRequestSchema, typeof HealthResponseSchema>>>;

/**
 * One service's part of a user's personal-data copy (PIPL): what it holds about the user, in named
 * sections (`orders`, `payments`, `bindings`, …). Identity's `rpc.identity.user.export.v1` asks every
 * service on its `rpc.<service>.personal-data.export.v1` and returns the sections together.
 * `userIds` are the user and the accounts merged into them, so merged history is included.
 */
export const PersonalDataExportRequestSchema = z
  .object({ actor: ActorSchema, userId: UserIdSchema, userIds: z.array(UserIdSchema).min(1).max(100) })
  .strict();
export const PersonalDataExportSchema = z.object({
  service: ServiceNameSchema,
  sections: z.record(z.string(), z.unknown()),
});
export type PersonalDataExport = z.infer<typeof PersonalDataExportSchema>;

/** A person's copy is for that person or ops: `AUTH.FORBIDDEN` for anyone else. */
export function assertMayReadPersonalData(request: { actor: Actor; userId: string }): void {
  if (request.actor.userId !== request.userId && !request.actor.roles.includes('ops')) throw new LinliError('AUTH.FORBIDDEN', 'you may not read data about another user');
}

/** The services that hold data about users (every one but the gateway). */
export const DATA_SERVICES = SERVICE_NAMES.filter((service): service is Exclude<ServiceName, 'gateway'> => service !== 'gateway');
export type DataService = (typeof DATA_SERVICES)[number];

/** `rpc.<service>.personal-data.export.v1` for each service that holds user data. */
export const personalDataExport = Object.fromEntries(
  DATA_SERVICES.map((service) => [
    service,
    defineRpc(`rpc.${service}.personal-data.export.v1`, PersonalDataExportRequestSchema, PersonalDataExportSchema),
  ]),
) as Record<DataService, ReturnType<typeof defineRpc<typeof PersonalDataExportRequestSchema, typeof PersonalDataExportSchema>>>;
