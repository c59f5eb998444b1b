#!/usr/bin/env node
// Builds every app (and, through project references, every lib it uses) with `tsc -b`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const projects = readdirSync(join(root, 'apps'))
  .map((app) => join('apps', app, 'tsconfig.json'))
  .filter((file) => existsSync(join(root, file)));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-b', ...projects, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
