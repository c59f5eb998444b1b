#!/usr/bin/env node
// `npm run eval -- <ltv|recs|tags> --data <dir> [...]` (`--help` for the options): runs the
// recommendations-analytics evaluation CLI from its TypeScript source.
import { join } from 'node:path';
import { root, runTs } from './lib/run-ts.mjs';

runTs('eval', join(root, 'libs/recommendations/analytics/src/cli/eval.ts'), process.argv.slice(2));
