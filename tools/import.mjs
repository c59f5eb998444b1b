#!/usr/bin/env node
// `npm run import -- --data <dir> [...]` (`--help` for the options): bulk-loads a canonical purchase
// history (transactions.csv, optional customers.csv and products.csv) into the recommendations
// database, resumably. The database is DATABASE_URL or the local default; migrations are applied
// first. Runs the TypeScript source.
import { join } from 'node:path';
import { root, runTs } from './lib/run-ts.mjs';

const args = process.argv.slice(2);
if (process.env.DATABASE_URL && !args.includes('--database-url')) args.push('--database-url', process.env.DATABASE_URL);
runTs('import', join(root, 'libs/recommendations/feature/src/cli/import.ts'), ['--migrations', join(root, 'libs/recommendations/data-access/prisma/migrations'), ...args]);
