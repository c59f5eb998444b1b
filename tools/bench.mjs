#!/usr/bin/env node
// `npm run bench -- <name> [args]`: runs tools/bench-<name>.mjs, which writes bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(here).filter((f) => /^bench-.+\.mjs$/.test(f)).map((f) => f.slice(6, -4));
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|') || 'name'}> [options]`);
  process.exit(2);
}
const script = join(here, `bench-${name}.mjs`);
if (!existsSync(script)) process.exit(2);
const result = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
