#!/usr/bin/env node
// Generates every service's Prisma client (engine-free, into the owning lib), a few at a time. No
// binaries are downloaded: the generator does not need the schema engine, so any file stands in for it.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withHelp } from './lib/cli.mjs';

withHelp(`
npm run prisma:generate
  Generates every service's Prisma client into libs/<service>/data-access/src/generated (nothing downloaded).
`);

const root = fileURLToPath(new URL('..', import.meta.url));
const schemas = readdirSync(join(root, 'libs'))
  .map((scope) => join(root, 'libs', scope, 'data-access', 'prisma', 'schema.prisma'))
  .filter((file) => existsSync(file));
const prisma = join(root, 'node_modules', 'prisma', 'build', 'index.js');

function generate(schema) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prisma, 'generate', '--schema', schema], {
      cwd: root,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
        DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/unused',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`prisma generate failed for ${schema}:\n${output}`))));
  });
}

const queue = [...schemas];
const workers = Array.from({ length: 3 }, async () => {
  for (let schema = queue.shift(); schema; schema = queue.shift()) {
    await generate(schema);
    console.log(`generated Prisma client for ${schema.replace(root, '')}`);
  }
});
try {
  await Promise.all(workers);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
