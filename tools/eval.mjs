#!/usr/bin/env node
// Runs the recommendations-analytics evaluation CLI from its TypeScript source:
//   npm run eval -- <ltv|recs|tags> --data <dir> [...]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'libs/recommendations/analytics/src/cli/eval.ts');
const res = spawnSync(
  process.execPath,
  ['--conditions=@linli/source', '--import', '@swc-node/register/esm-register', entry, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
if (res.error) {
  console.error(`eval: could not start node: ${res.error.message}`);
  process.exit(1);
}
process.exit(res.status ?? 1);
