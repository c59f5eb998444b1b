#!/usr/bin/env node
// `npm run openapi`: regenerates libs/gateway/feature/openapi.json from the gateway's route table
// (TypeScript run from source), then the web console's typed client from it
// (apps/console/src/api/schema.d.ts). `npm run openapi -- --check` only verifies both are up to date.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = join(root, 'libs', 'gateway', 'feature', 'src', 'write-openapi.ts');
const result = spawnSync(
  process.execPath,
  ['--conditions=@linli/source', '--import', '@swc-node/register/esm-register', script, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
if (result.status !== 0) process.exit(result.status ?? 1);
const client = spawnSync(process.execPath, [join(root, 'tools', 'console.mjs'), 'client', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(client.status ?? 1);
