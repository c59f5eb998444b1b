// `prisma migrate diff` without downloading any engine: Prisma 6.19's CLI uses its bundled wasm
// schema engine when the config declares a driver adapter (see docs/adr/0005-prisma-offline.md).
// Diffing two schema files needs no database; the adapter is only declared, never queried.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** SQL that takes a database from `fromSchema` (a schema file, or null for empty) to `toSchema`. */
export function diffSql(fromSchema, toSchema) {
  const dir = mkdtempSync(join(tmpdir(), 'linli-prisma-'));
  try {
    const config = join(root, `.prisma-diff-${process.pid}.config.mjs`);
    writeFileSync(
      config,
      `import { PrismaPg } from '@prisma/adapter-pg';
export default {
  experimental: { adapter: true },
  engine: 'js',
  async adapter() { return new PrismaPg({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', allowExitOnIdle: true }); },
};
`,
    );
    try {
      const args = [
        join(root, 'node_modules', 'prisma', 'build', 'index.js'),
        'migrate', 'diff', '--config', config,
        ...(fromSchema ? ['--from-schema-datamodel', fromSchema] : ['--from-empty']),
        '--to-schema-datamodel', toSchema, '--script',
      ];
      const result = spawnSync(process.execPath, args, {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_QUERY_ENGINE_LIBRARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres' },
        timeout: 120_000,
      });
      if (result.status !== 0) throw new Error(`prisma migrate diff failed: ${result.stderr || result.stdout}`);
      return result.stdout
        .split('\n')
        .filter((line) => !/^-- CreateSchema|^CREATE SCHEMA IF NOT EXISTS "public";/.test(line))
        .join('\n')
        .trim();
    } finally {
      rmSync(config, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
