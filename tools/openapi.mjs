#!/usr/bin/env node
// `npm run openapi`: regenerates libs/gateway/feature/openapi.json from the gateway's route table
// (TypeScript run from source). `npm run openapi -- --check` only verifies it is up to date.
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
process.exit(result.status ?? 1);
