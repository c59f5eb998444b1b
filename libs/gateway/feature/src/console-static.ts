import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * The web console's built files (apps/console/dist) under `/console/`: hashed assets cached for a
 * year, `index.html` never cached and answered for every client-side route (`/console/ops/assets`).
 * Its content security policy lets the pages talk to this origin only.
 */
export const CONSOLE_PREFIX = '/console/';
export const CONSOLE_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/** Caching and policy headers of a console file; `target` is the plugin's raw response or a Fastify reply. */
function headers(target: { setHeader(name: string, value: string): unknown } | FastifyReply, path: string): void {
  const set = (name: string, value: string) => ('header' in target ? target.header(name, value) : target.setHeader(name, value));
  const isIndex = path.endsWith('index.html');
  set('cache-control', isIndex ? 'no-cache' : 'public, max-age=31536000, immutable');
  if (isIndex) set('content-security-policy', CONSOLE_SECURITY_POLICY);
}

/**
 * Serves the console from `dir` when it holds a build (`index.html`); returns whether it does.
 * The plugin is queued, not awaited: awaiting a registration here would load the routes registered
 * before it ahead of Nest's error handler, and their errors would leave the envelope.
 */
export function registerConsole(fastify: FastifyInstance, dir: string): boolean {
  if (!dir || !existsSync(join(dir, 'index.html'))) return false;
  void fastify.register(async (scope) => {
    // Routes for the files found now (no wildcard): unknown paths fall through to the SPA route below.
    await scope.register(fastifyStatic, { root: dir, prefix: CONSOLE_PREFIX, wildcard: false, index: 'index.html', cacheControl: false, setHeaders: headers });
    scope.get('/console', (_request, reply) => reply.redirect(CONSOLE_PREFIX));
    scope.get(`${CONSOLE_PREFIX}*`, (request, reply) => {
      // A missing file (an old asset) is a 404, not the page.
      if (/\.[a-z0-9]+$/i.test(request.url.split('?')[0]!)) return reply.callNotFound();
      headers(reply, 'index.html');
      return reply.sendFile('index.html');
    });
  });
  return true;
}
