#!/usr/bin/env node
// `npm run db:migration -- <service> <name>`: writes the SQL that takes the service's database from
// its last committed schema (git HEAD) to the working schema, as a new migration folder. Review it,
// add constraints Prisma cannot express, commit it with the schema change.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffSql } from './lib/prisma-diff.mjs';
import { SERVICES } from './lib/services.mjs';
import { withHelp } from './lib/cli.mjs';

withHelp(`
npm run db:migration -- <service> <name>
  Writes libs/<service>/data-access/prisma/migrations/<timestamp>_<name>/migration.sql: the SQL from the
  schema.prisma committed at HEAD to the working one. Functions go in prisma/functions/, not here.
`);

const root = fileURLToPath(new URL('..', import.meta.url));
const [service, name] = process.argv.slice(2);
if (!SERVICES.includes(service) || !/^[a-z0-9_]+$/.test(name ?? '')) {
  console.error(`usage: npm run db:migration -- <${SERVICES.join('|')}> <snake_case_name>`);
  process.exit(2);
}
const schema = join(root, 'libs', service, 'data-access', 'prisma', 'schema.prisma');
let previous = null;
try {
  const committed = execFileSync('git', ['show', `HEAD:${relative(root, schema)}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  previous = join(mkdtempSync(join(tmpdir(), 'linli-schema-')), 'schema.prisma');
  writeFileSync(previous, committed);
} catch {
  previous = null; // first migration of a new service
}
const sql = diffSql(previous, schema);
if (!sql || /^-- This is an empty migration/.test(sql)) {
  console.log('no schema change since the last commit');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
const dir = join(root, 'libs', service, 'data-access', 'prisma', 'migrations', `${stamp}_${name}`);
if (existsSync(dir)) throw new Error(`${dir} exists`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'migration.sql'), `${sql}\n`);
console.log(`wrote ${relative(root, join(dir, 'migration.sql'))}`);
