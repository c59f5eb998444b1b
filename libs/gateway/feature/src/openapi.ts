import { z } from 'zod';
import { apiIndexRoute } from './api-index.js';
import { healthRoute } from './health.js';
import { HttpErrorBodySchema } from './http-errors.js';
import { NoBody, defaultOperationId, describeAuth, isPartner, isPublic, openApiPath, type RouteDoc } from './route.js';
import { routes as rpcRoutes, schemaNames } from './routes/index.js';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

/** Error responses every route documents, by status. */
const ERROR_RESPONSES = {
  BadRequest: {
    status: '400',
    description: 'COMMON.VALIDATION_FAILED (with `details.fields`; also for text holding a NUL character or an unpaired surrogate), COMMON.MALFORMED_JSON or a domain error',
  },
  Unauthenticated: { status: '401', description: 'AUTH.UNAUTHENTICATED, AUTH.TOKEN_EXPIRED, AUTH.TOKEN_INVALID or AUTH.SESSION_REVOKED (signed out)' },
  PartnerUnauthenticated: { status: '401', description: 'LOCAL_SERVICES.API_KEY_MISSING, LOCAL_SERVICES.API_KEY_INVALID or LOCAL_SERVICES.API_KEY_REVOKED' },
  PartnerForbidden: { status: '403', description: 'LOCAL_SERVICES.API_KEY_SCOPE: the API key lacks a scope the route needs' },
  Forbidden: { status: '403', description: 'AUTH.FORBIDDEN: the caller lacks the role, or may not act on this resource' },
  PayloadTooLarge: { status: '413', description: 'COMMON.PAYLOAD_TOO_LARGE' },
  RateLimited: { status: '429', description: 'COMMON.RATE_LIMITED (per client address or per user); see `Retry-After`' },
  Error: {
    status: 'default',
    description: 'Any other error, e.g. COMMON.HEADERS_TOO_LARGE (431: URL or headers too long), COMMON.UNAVAILABLE (503), COMMON.TIMEOUT (504), COMMON.INTERNAL (500)',
  },
} as const;

/**
 * One route's schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses). Definitions zod hoists for
 * recursive schemas move to `components.schemas`, named after the operation.
 */
function jsonSchema(schema: z.ZodType, io: Io, owner: string, components: Record<string, JsonSchema>): JsonSchema {
  const { $schema: _ignored, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  if (!$defs) return rest;
  let text = JSON.stringify(rest);
  let defsText = JSON.stringify($defs);
  for (const name of Object.keys($defs)) {
    const target = `${owner}_${name.replace(/[^A-Za-z0-9_]/g, '')}`;
    text = text.split(`"#/$defs/${name}"`).join(`"#/components/schemas/${target}"`);
    defsText = defsText.split(`"#/$defs/${name}"`).join(`"#/components/schemas/${target}"`);
  }
  const defs = JSON.parse(defsText) as Record<string, JsonSchema>;
  for (const [name, def] of Object.entries(defs)) components[`${owner}_${name.replace(/[^A-Za-z0-9_]/g, '')}`] = def;
  return JSON.parse(text) as JsonSchema;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query', owner: string, components: Record<string, JsonSchema>) {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input', owner, components) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property as JsonSchema & { description?: string };
    return {
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const ref = (name: keyof typeof ERROR_RESPONSES) => ({ $ref: `#/components/responses/${name}` });

/** A response schema: a `$ref` to a named component when the schema has a name, inline otherwise. */
function responseSchema(schema: z.ZodType, owner: string, components: Record<string, JsonSchema>): JsonSchema {
  const name = schemaNames.get(schema);
  if (!name) return jsonSchema(schema, 'output', owner, components);
  components[name] ??= jsonSchema(schema, 'output', name, components);
  return { $ref: `#/components/schemas/${name}` };
}

function operation(route: RouteDoc, components: Record<string, JsonSchema>) {
  const operationId = route.operationId ?? defaultOperationId(route.method, route.path);
  const open = isPublic(route.auth);
  const responses: Record<string, unknown> = {
    [String(route.status ?? 200)]: {
      description: 'Success',
      content: {
        'application/json': { schema: responseSchema(route.response, operationId, components) },
        // Routes that can answer with a file (`format=csv`) document it beside the JSON.
        ...('file' in route && typeof route.file === 'function' ? { 'text/csv': { schema: { type: 'string' } } } : {}),
      },
    },
  };
  for (const extra of route.extraResponses ?? []) {
    responses[String(extra.status)] = {
      description: extra.description,
      content: { 'application/json': { schema: responseSchema(extra.schema, operationId, components) } },
    };
  }
  responses['400'] = ref('BadRequest');
  const partner = isPartner(route.auth);
  if (!open) responses['401'] = ref(partner ? 'PartnerUnauthenticated' : 'Unauthenticated');
  if (!open) responses['403'] = ref(partner ? 'PartnerForbidden' : 'Forbidden');
  if (route.body && route.body !== NoBody) responses['413'] = ref('PayloadTooLarge');
  responses['429'] = ref('RateLimited');
  responses['default'] = ref('Error');
  const roles = 'roles' in route.auth ? route.auth.roles : undefined;
  return {
    operationId,
    summary: route.summary,
    description: [route.description, describeAuth(route.auth)].filter(Boolean).join('\n\n'),
    tags: [...route.tags],
    ...(open ? { security: [] } : partner ? { security: [{ apiKey: [] }] } : { security: [{ bearer: [] }] }),
    ...(roles ? { 'x-linli-roles': roles } : {}),
    ...(isPartner(route.auth) ? { 'x-linli-api-key-scopes': route.auth.partner.scopes } : {}),
    ...(route.devOnly ? { 'x-linli-dev-only': true } : {}),
    parameters: [...parameters(route.params, 'path', operationId, components), ...parameters(route.query, 'query', operationId, components)],
    ...(route.body && route.body !== NoBody
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input', operationId, components) } } } }
      : {}),
    responses,
  };
}

/** Every documented route: the index, health and the RPC routes (development-only ones included, flagged). */
export function documentedRoutes(): RouteDoc[] {
  return [apiIndexRoute, healthRoute, ...rpcRoutes];
}

/** The OpenAPI 3.1 document of the given routes. */
export function buildOpenApi(routes: readonly RouteDoc[] = documentedRoutes()): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {
    ErrorEnvelope: jsonSchema(HttpErrorBodySchema, 'output', 'ErrorEnvelope', {}),
  };
  const paths: Record<string, Record<string, unknown>> = {};
  const tags: string[] = [];
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, schemas);
    for (const tag of route.tags) if (!tags.includes(tag)) tags.push(tag);
  }
  const responses = Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([name, { description }]) => [
      name,
      { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Linli API',
      version: '1',
      description:
        'HTTP API of the Linli community group-buying platform. Every error answers with `{code, message, details?, traceId, requestId}`; ' +
        'every response carries `x-request-id` and `x-trace-id`.',
    },
    servers: [{ url: '/' }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Access token from /v1/auth/otp/verify, /v1/auth/wechat or /v1/auth/refresh' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'A provider’s API key (`lsk_…`), for the partner API under /v1/partner/' },
      },
      schemas,
      responses,
    },
  };
}

/** The document as committed in `libs/gateway/feature/openapi.json`. */
export function renderOpenApi(routes?: readonly RouteDoc[]): string {
  return `${JSON.stringify(buildOpenApi(routes), null, 2)}\n`;
}
