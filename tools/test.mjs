#!/usr/bin/env node
// `npm test`: everything a change must pass, in order of cost.
//   build (Prisma clients, type-checks every app and lib, the console bundle and its size budget) → lint (module boundaries) →
//   unit tests → integration tests (real PostgreSQL + NATS) → end-to-end tests (real processes) →
//   security tests (every route of the gateway's table probed against the real platform) →
//   browser tests (the console in Debian's Chromium, real processes).
// Integration and e2e tiers need PostgreSQL on 127.0.0.1:5432 and NATS with JetStream on 127.0.0.1:4222
// (override with TEST_DATABASE_SERVER / TEST_NATS_URL).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withHelp } from './lib/cli.mjs';

withHelp(`
npm test [-- <step>...]
  Runs build, lint, unit tests, integration tests and end-to-end tests in that order, stopping at the
  first failure. Name steps (by prefix: build, lint, unit, integration, end-to-end) to run only those.
`);

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;
const bin = (pkg) => {
  const manifest = JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8'));
  const entry = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[pkg];
  return join(root, 'node_modules', pkg, entry);
};
const steps = [
  ['build', [join(root, 'tools', 'build.mjs')]],
  ['lint', [bin('nx'), 'run-many', '-t', 'lint', '--outputStyle=static']],
  ['unit tests', [bin('jest'), '--selectProjects', 'unit', '--maxWorkers=2']],
  ['integration tests', [bin('jest'), '--selectProjects', 'int', '--maxWorkers=2']],
  ['end-to-end tests', [bin('jest'), '--selectProjects', 'e2e', '--runInBand']],
  ['security tests', [bin('jest'), '--selectProjects', 'security', '--runInBand']],
  ['browser tests', [bin('jest'), '--selectProjects', 'browser', '--runInBand']],
];
const only = process.argv.slice(2);
const results = [];
for (const [name, args] of steps) {
  if (only.length && !only.some((o) => name.startsWith(o))) continue;
  const started = Date.now();
  console.log(`\n=== ${name}`);
  const result = spawnSync(node, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push(`${result.status === 0 ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
  if (result.status !== 0) {
    console.log(`\n${results.join('\n')}`);
    process.exit(result.status ?? 1);
  }
}
console.log(`\n${results.join('\n')}`);
