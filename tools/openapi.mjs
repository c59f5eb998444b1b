#!/usr/bin/env node
// `npm run openapi`: regenerates libs/gateway/feature/openapi.json from the gateway's route table
// (TypeScript run from source), then the web console's typed client from it
// (apps/console/src/api/schema.d.ts). `npm run openapi -- --check` only verifies both are up to date.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { withHelp } from './lib/cli.mjs';
import { root, runTsForStatus } from './lib/run-ts.mjs';

const args = withHelp(`
npm run openapi [-- --check]
  Writes libs/gateway/feature/openapi.json from the gateway's route table, then the web console's
  typed client (apps/console/src/api/schema.d.ts) from it.
  --check   fail (exit 1) when either committed file differs, writing nothing
`);
const status = runTsForStatus('openapi', join(root, 'libs', 'gateway', 'feature', 'src', 'write-openapi.ts'), args);
if (status !== 0) process.exit(status);
const client = spawnSync(process.execPath, [join(root, 'tools', 'console.mjs'), 'client', ...args], { cwd: root, stdio: 'inherit' });
process.exit(client.status ?? 1);
