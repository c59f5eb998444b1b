#!/usr/bin/env node
// `npm run bench -- recommendations [--customers N] [--skus M] [--requests R] [--no-refit] [--out file]`:
// serving latency and memory of the recommendations engine on synthetic data (default 100,000
// customers × 10,000 SKUs); writes bench/results/recommendations.json. Runs the TypeScript source.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync(
  process.execPath,
  ['--expose-gc', '--max-old-space-size=8192', '--conditions=@linli/source', '--import', '@swc-node/register/esm-register', join(root, 'tools/bench-recommendations.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
if (result.error) {
  console.error(`bench: could not start node: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
