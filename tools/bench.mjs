#!/usr/bin/env node
// `npm run bench -- <name> [args]`: runs bench/<name>.mjs or tools/bench-<name>.mjs, which writes bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const benchDir = join(here, '..', 'bench');
const scripts = new Map(readdirSync(here).filter((f) => /^bench-.+\.mjs$/.test(f)).map((f) => [f.slice(6, -4), join(here, f)]));
for (const f of existsSync(benchDir) ? readdirSync(benchDir) : []) if (/^[a-z][a-z0-9-]*\.mjs$/.test(f)) scripts.set(f.slice(0, -4), join(benchDir, f));
const available = [...scripts.keys()].sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|') || 'name'}> [options]`);
  process.exit(2);
}
const script = scripts.get(name);
if (!existsSync(script)) process.exit(2);
const result = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
