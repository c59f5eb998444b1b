import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@linli/testing';

/**
 * The outbox and processed-event tables come from one source, nest-kit's OUTBOX_TABLES_SQL, which
 * migrate() applies to every service database. The older services' migrations created the same
 * tables (history that stays); a database of a service whose migrations never mention them must end
 * up with the same tables, columns, defaults and indexes.
 */
const root = join(__dirname, '..', '..');
const services = readdirSync(join(root, 'libs')).filter((scope) => existsSync(join(root, 'libs', scope, 'data-access', 'prisma', 'migrations')));

async function kernelCatalogue(url: string): Promise<{ columns: string[]; indexes: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query<{ row: string }>(
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS row
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ('outbox_events', 'processed_events') ORDER BY 1`,
    );
    const indexes = await client.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('outbox_events', 'processed_events') ORDER BY 1`,
    );
    return { columns: columns.rows.map((r) => r.row), indexes: indexes.rows.map((r) => r.indexdef) };
  } finally {
    await client.end();
  }
}

let fresh: TestDatabase;
let emptyMigrations: string;
let expected: { columns: string[]; indexes: string[] };

beforeAll(async () => {
  emptyMigrations = mkdtempSync(join(tmpdir(), 'linli-no-migrations-'));
  fresh = await createTestDatabase('kernel-only', emptyMigrations);
  expected = await kernelCatalogue(fresh.url);
});
afterAll(async () => {
  await fresh?.drop();
  rmSync(emptyMigrations, { recursive: true, force: true });
});

it('a database with no migrations of its own gets the kernel tables', () => {
  expect(expected.columns.some((c) => c.startsWith('outbox_events.seq bigint'))).toBe(true);
  expect(expected.indexes.join('\n')).toContain('outbox_events_unpublished_seq_idx');
});

it.each(services)('%s: its migrated outbox and processed-event tables are the kernel tables', async (service) => {
  const db = await createTestDatabase(service, join(root, 'libs', service, 'data-access', 'prisma', 'migrations'));
  try {
    expect(await kernelCatalogue(db.url)).toEqual(expected);
  } finally {
    await db.drop();
  }
});
