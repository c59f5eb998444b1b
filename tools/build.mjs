#!/usr/bin/env node
// Generates the Prisma clients, then builds every app (and, through project references, every lib it
// uses) with `tsc -b`, then the web console's production bundle (apps/console/dist, held to its size
// budget) — so `npm run build` works on a fresh clone and the image holds the console the gateway serves.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withHelp } from './lib/cli.mjs';

withHelp(`
npm run build [-- <tsc -b options>]
  Generates the Prisma clients, then type-checks and builds every app and the libs it uses (tsc -b).
  Extra arguments go to tsc -b (e.g. --verbose, --clean).
`);

const root = fileURLToPath(new URL('..', import.meta.url));
const projects = readdirSync(join(root, 'apps'))
  .map((app) => join('apps', app, 'tsconfig.json'))
  .filter((file) => existsSync(join(root, file)));
const generated = spawnSync(process.execPath, [join(root, 'tools', 'prisma-generate.mjs')], { cwd: root, stdio: 'inherit' });
if (generated.status !== 0) process.exit(generated.status ?? 1);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-b', ...projects, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
const bundled = spawnSync(process.execPath, [join(root, 'tools', 'console.mjs'), 'build'], { cwd: root, stdio: 'inherit' });
process.exit(bundled.status ?? 1);
