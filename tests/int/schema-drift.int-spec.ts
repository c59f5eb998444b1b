import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabaseIfMissing, dropDatabase } from '@linli/nest-kit';
import { createTestDatabase, testServerUrl } from '@linli/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { diffSql } from '../../tools/lib/prisma-diff.mjs';

/**
 * Each service's committed migrations must produce the database its schema.prisma describes:
 * migrations applied to one database, the schema's own DDL to another, and the catalogues compared.
 * (Constraints added by hand to migrations — CHECKs, partial indexes — are allowed extras.)
 */
const root = join(__dirname, '..', '..');
const services = readdirSync(join(root, 'libs')).filter((scope) => existsSync(join(root, 'libs', scope, 'data-access', 'prisma', 'schema.prisma')));

async function catalogue(url: string): Promise<{ columns: string[]; indexes: Map<string, string> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query<{ row: string }>(
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS row
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT IN ('_prisma_migrations', '_linli_functions') ORDER BY 1`,
    );
    const indexes = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', '_linli_functions')`,
    );
    return { columns: columns.rows.map((r) => r.row), indexes: new Map(indexes.rows.map((r) => [r.indexname, r.indexdef])) };
  } finally {
    await client.end();
  }
}

describe.each(services)('%s schema', (service) => {
  it('matches its migrations', async () => {
    const schema = join(root, 'libs', service, 'data-access', 'prisma', 'schema.prisma');
    const migrated = await createTestDatabase(service, join(root, 'libs', service, 'data-access', 'prisma', 'migrations'));
    const expectedUrl = new URL(testServerUrl());
    expectedUrl.pathname = `/linli_drift_${service.replace(/-/g, '_')}_${process.pid}`;
    try {
      await createDatabaseIfMissing(expectedUrl.toString());
      const client = new pg.Client({ connectionString: expectedUrl.toString() });
      await client.connect();
      await client.query(diffSql(null, schema));
      await client.end();
      const actual = await catalogue(migrated.url);
      const expected = await catalogue(expectedUrl.toString());
      expect(actual.columns).toEqual(expected.columns);
      for (const [name, definition] of expected.indexes) expect(actual.indexes.get(name)).toBe(definition);
    } finally {
      await migrated.drop();
      await dropDatabase(expectedUrl.toString());
    }
  });
});
