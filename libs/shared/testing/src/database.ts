import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabaseIfMissing, dropDatabase, migrate, quoteIdent, schemaChecksum } from '@linli/nest-kit';

import { natsTestUrl, testServerUrl } from './test-config.js';

export { natsTestUrl, testServerUrl };

function withDatabase(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: cloned (`CREATE DATABASE … TEMPLATE`) from a template
 * that is migrated once per schema (the template name carries the checksum of the migrations, the
 * function files beside them and the kernel's tables, so a change to any of them gets a fresh
 * template). Parallel Jest workers coordinate with an advisory lock.
 */
export async function createTestDatabase(service: string, migrationsDir: string): Promise<TestDatabase> {
  const server = testServerUrl();
  const checksum = schemaChecksum(migrationsDir).slice(0, 10);
  const safe = service.replace(/[^a-z0-9]/g, '_');
  const template = `linli_${safe}_tpl_${checksum}`;
  const admin = new pg.Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (!rowCount) {
        const building = `${template}_building`;
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
        await createDatabaseIfMissing(withDatabase(server, building));
        await migrate({ databaseUrl: withDatabase(server, building), migrationsDir });
        await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(template)}`);
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
    }
    const name = `linli_${safe}_t_${randomBytes(5).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
    const url = withDatabase(server, name);
    return { url, name, drop: () => dropDatabase(url) };
  } finally {
    await admin.end();
  }
}

/** A subject prefix of its own for one test file, so files sharing a NATS server stay apart. */
export function testSubjectPrefix(): string {
  return `t-${randomBytes(4).toString('hex')}`;
}
