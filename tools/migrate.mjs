#!/usr/bin/env node
// Applies every service's migrations (or one: --service <name>) to its own database, creating it
// when missing; then the kernel's outbox tables and the service's function files
// (libs/<service>/data-access/prisma/functions/*.sql), as nest-kit's migrate() does. Database
// server: DATABASE_SERVER_URL (default the local PostgreSQL); a service's own DATABASE_URL wins when --service is given (as in the chart's migration Job). Uses the built
// nest-kit (npm run build) or, in a source checkout, the TypeScript source.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withHelp } from './lib/cli.mjs';
import { SERVICES, databaseUrl } from './lib/services.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function migrateAll({ server, services = SERVICES, log = console.log, urlFor } = {}) {
  const { migrate } = await import('@linli/nest-kit');
  const results = [];
  for (const service of services) {
    const migrationsDir = join(root, 'libs', service, 'data-access', 'prisma', 'migrations');
    if (!existsSync(migrationsDir)) {
      log(`${service}: no migrations`);
      continue;
    }
    const url = urlFor ? urlFor(service) : databaseUrl(server, service);
    const result = await migrate({ databaseUrl: url, migrationsDir, createDatabase: true });
    const functions = result.functions.length ? `; functions ${result.functions.join(', ')}` : '';
    log(`${service}: ${result.applied.length ? `applied ${result.applied.join(', ')}` : 'up to date'}${functions} (${result.database})`);
    results.push(result);
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = withHelp(`
npm run db:migrate [-- --service <name>]
  Creates and migrates every service's database (or one), then applies the kernel's outbox tables and
  the service's function files. DATABASE_SERVER_URL names the server; with --service, DATABASE_URL wins.
`);
  const index = args.indexOf('--service');
  const only = index >= 0 ? args[index + 1] : undefined;
  if (only && !SERVICES.includes(only)) {
    console.error(`unknown service ${only}; one of ${SERVICES.join(', ')}`);
    process.exit(2);
  }
  const server = process.env.DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  migrateAll({
    server,
    services: only ? [only] : SERVICES,
    urlFor: only && process.env.DATABASE_URL ? () => process.env.DATABASE_URL : undefined,
  }).catch((error) => {
    console.error(`migration failed: ${error.message}`);
    process.exit(1);
  });
}
