#!/usr/bin/env node
// `npm run import -- --data <dir> [...]`: bulk-loads a canonical purchase history (transactions.csv,
// optional customers.csv and products.csv) into the recommendations database, resumably. The database
// is DATABASE_URL or the local default; migrations are applied first. Runs the TypeScript source.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
if (process.env.DATABASE_URL && !args.includes('--database-url')) args.push('--database-url', process.env.DATABASE_URL);
const result = spawnSync(
  process.execPath,
  [
    '--conditions=@linli/source',
    '--import',
    '@swc-node/register/esm-register',
    join(root, 'libs/recommendations/feature/src/cli/import.ts'),
    '--migrations',
    join(root, 'libs/recommendations/data-access/prisma/migrations'),
    ...args,
  ],
  { cwd: root, stdio: 'inherit' },
);
if (result.error) {
  console.error(`import: could not start node: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
