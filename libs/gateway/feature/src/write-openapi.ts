/**
 * Writes the OpenAPI document generated from the route table to `libs/gateway/feature/openapi.json`
 * (`npm run openapi`), or with `--check` fails when the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderOpenApi } from './openapi.js';

const file = fileURLToPath(new URL('../openapi.json', import.meta.url));
const generated = renderOpenApi();
let committed = '';
try {
  committed = readFileSync(file, 'utf8');
} catch {
  // not written yet
}
if (process.argv.includes('--check')) {
  if (committed !== generated) {
    console.error(`${file} is out of date with the route table; run npm run openapi and commit it`);
    process.exit(1);
  }
  console.log(`${file} is up to date`);
} else if (committed === generated) {
  console.log(`${file} unchanged`);
} else {
  writeFileSync(file, generated);
  console.log(`wrote ${file}`);
}
