#!/usr/bin/env node
// `npm run bench -- <name> [options]`: runs the benchmark bench/<name>.mjs (plain node) or
// bench/<name>.ts (TypeScript source, through the one launcher); each writes bench/results/<name>.json.
// A TypeScript benchmark names the node flags it needs in a `// node-flags: …` line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, runTs } from './lib/run-ts.mjs';

const dir = join(root, 'bench');
const available = readdirSync(dir)
  .filter((f) => /^[a-z0-9-]+\.(mjs|ts)$/.test(f) && !f.endsWith('.spec.ts'))
  .map((f) => f.replace(/\.(mjs|ts)$/, ''))
  .sort();
const [name, ...args] = process.argv.slice(2);
const usage = `usage: npm run bench -- <${available.join('|')}> [options]   (npm run bench -- <name> --help: its options; bench/README.md: the method)`;
if (name === '--help' || name === '-h') {
  console.log(usage);
  process.exit(0);
}
if (!name || !available.includes(name)) {
  console.error(usage);
  process.exit(2);
}
const ts = join(dir, `${name}.ts`);
if (existsSync(ts)) {
  const flags = /^\/\/ node-flags: (.+)$/m.exec(readFileSync(ts, 'utf8'))?.[1]?.trim().split(/\s+/) ?? [];
  runTs(`bench ${name}`, ts, args, { nodeArgs: flags });
}
const result = spawnSync(process.execPath, [join(dir, `${name}.mjs`), ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
