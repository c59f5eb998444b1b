import type { z } from 'zod';
import { LinliError, UNSAFE_TEXT_MESSAGE, unsafeTextPaths, type FieldIssue } from '@linli/contracts';
import { NoBody, NoParams, NoQuery, type RouteDoc } from './route.js';

export type RequestPart = 'params' | 'query' | 'body';

/** zod issues as `{path, message}` with the request part first (`body.phone`, `query.phone`, `params.userId`). */
export function requestFieldIssues(part: RequestPart, error: z.ZodError): FieldIssue[] {
  const join = (path: readonly PropertyKey[]) => [part, ...path.map(String)].join('.');
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: join([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: join(issue.path), message: issue.message }],
  );
}

export interface ParsedRequest {
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * Every string of the request (path parameters, query, body — keys too) that holds a NUL character or a
 * lone surrogate, as field issues. Contract strings refuse them as well; this check covers the gateway's
 * own schemas and anything a schema does not look at, before a service or PostgreSQL sees it.
 */
export function unsafeTextIssues(raw: { params: unknown; query: unknown; body: unknown }): FieldIssue[] {
  return (['params', 'query', 'body'] as const).flatMap((part) =>
    unsafeTextPaths(raw[part]).map((path) => ({ path: [part, ...path.map(String)].join('.'), message: UNSAFE_TEXT_MESSAGE })),
  );
}

/** Validates path parameters, query and body against the route's schemas; every offending field is reported at once. */
export function parseRequest(route: RouteDoc, raw: { params: unknown; query: unknown; body: unknown }): ParsedRequest {
  const unsafe = unsafeTextIssues(raw);
  if (unsafe.length > 0) throw new LinliError('COMMON.VALIDATION_FAILED', 'the request holds text that is not valid (a NUL character or an unpaired surrogate)', { fields: unsafe });
  const parts: [RequestPart, z.ZodType, unknown][] = [
    ['params', route.params ?? NoParams, raw.params ?? {}],
    ['query', route.query ?? NoQuery, raw.query ?? {}],
    ['body', route.body ?? NoBody, raw.body],
  ];
  const parsed: Partial<ParsedRequest> = {};
  const fields: FieldIssue[] = [];
  for (const [part, schema, value] of parts) {
    const result = schema.safeParse(value);
    if (result.success) parsed[part] = result.data;
    else fields.push(...requestFieldIssues(part, result.error));
  }
  if (fields.length > 0) throw new LinliError('COMMON.VALIDATION_FAILED', 'the request is invalid', { fields });
  return parsed as ParsedRequest;
}
