import { z } from 'zod';
import type { RouteDoc } from './route.js';

const LinkSchema = z.object({ href: z.string(), title: z.string() });

export const ApiIndexSchema = z.object({
  name: z.string(),
  /** Where to go from here: health, the API docs, the OpenAPI document (and development routes when enabled). */
  links: z.record(z.string(), LinkSchema),
});
export type ApiIndex = z.infer<typeof ApiIndexSchema>;

/** `GET /v1`: an index of links, answered by the gateway itself. */
export const apiIndexRoute: RouteDoc = {
  method: 'GET',
  path: '/v1',
  summary: 'Index of the API: links to health, the docs and the OpenAPI document',
  tags: ['Health'],
  auth: { public: true },
  response: ApiIndexSchema,
  operationId: 'getApiIndex',
};

export function apiIndex(devRoutes: boolean): ApiIndex {
  const links: ApiIndex['links'] = {
    health: { href: '/v1/health', title: 'Health of the gateway and of every service' },
    docs: { href: '/docs', title: 'API reference (HTML)' },
    openapi: { href: '/docs/openapi.json', title: 'OpenAPI 3.1 document (JSON)' },
  };
  if (devRoutes) links['sms-outbox'] = { href: '/v1/dev/sms-outbox?phone=%2B8613900000001', title: 'Development SMS outbox: sign-in codes sent to a phone' };
  return { name: 'Linli API v1', links };
}
