import { z } from 'zod';
import { ErrorCodeSchema, LinliError, SERVICE_NAMES, ServiceNameSchema, health, type ServiceName } from '@linli/contracts';
import type { HealthService, RpcClient } from '@linli/nest-kit';
import type { RouteDoc } from './route.js';

export const ServiceHealthSchema = z.object({
  status: z.enum(['up', 'degraded', 'down']),
  version: z.string().optional(),
  uptimeSeconds: z.number().nonnegative().optional(),
  checks: z.record(z.string(), z.enum(['up', 'down'])).optional(),
  /** Why a service counts as down (no responder, timeout, …). */
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).optional(),
});
export type ServiceHealth = z.infer<typeof ServiceHealthSchema>;

export const PlatformHealthSchema = z.object({
  status: z.enum(['up', 'degraded']),
  services: z.record(ServiceNameSchema, ServiceHealthSchema),
});
export type PlatformHealth = z.infer<typeof PlatformHealthSchema>;

/** `GET /v1/health`: answered by the gateway itself, asking every service in parallel. */
export const healthRoute: RouteDoc = {
  method: 'GET',
  path: '/v1/health',
  summary: 'Health of the gateway and of every service',
  description: 'Asks each service on `rpc.<service>.health.v1` in parallel with a short timeout. 200 when all are up.',
  tags: ['Health'],
  auth: { public: true },
  response: PlatformHealthSchema,
  extraResponses: [{ status: 503, description: 'At least one service is down or degraded', schema: PlatformHealthSchema }],
};

async function ask(rpc: RpcClient, service: Exclude<ServiceName, 'gateway'>, timeoutMs: number): Promise<ServiceHealth> {
  try {
    const report = await rpc.request(health[service], {}, { timeoutMs });
    return { status: report.status, version: report.version, uptimeSeconds: report.uptimeSeconds, checks: report.checks };
  } catch (error) {
    const linli = error instanceof LinliError ? error : new LinliError('COMMON.INTERNAL', 'health check failed');
    return { status: 'down', error: { code: linli.code, message: linli.message } };
  }
}

/** The gateway's own report (NATS connection) plus every other service's, asked in parallel. */
export async function platformHealth(rpc: RpcClient, own: HealthService, timeoutMs: number): Promise<PlatformHealth> {
  const others = SERVICE_NAMES.filter((service): service is Exclude<ServiceName, 'gateway'> => service !== 'gateway');
  const [gateway, ...reports] = await Promise.all([own.report(), ...others.map((service) => ask(rpc, service, timeoutMs))]);
  const services = { gateway: { status: gateway.status, version: gateway.version, uptimeSeconds: gateway.uptimeSeconds, checks: gateway.checks } } as Record<ServiceName, ServiceHealth>;
  others.forEach((service, i) => (services[service] = reports[i]!));
  const status = Object.values(services).every((s) => s.status === 'up') ? 'up' : 'degraded';
  return { status, services };
}
