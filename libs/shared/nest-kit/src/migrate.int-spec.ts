/**
 * `migrate` against real PostgreSQL (order, idempotence, an advisory lock across concurrent runs,
 * refusing changed history, rolling back a failing migration) and `createTestDatabase`.
 */
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, testServerUrl, type TestDatabase } from '@linli/testing';
import { dropDatabase, functionDrift, migrate } from './migrate.js';
import { PgSql, fixtureMigrations } from '../test-fixtures/support.js';

let db: TestDatabase;
let sql: PgSql;
const scratch: string[] = [];
const extraDatabases: string[] = [];

/** A migrations folder of its own, starting from the fixture's 0001_init. */
function migrationsFolder(migrations: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'linli-migrations-'));
  scratch.push(dir);
  cpSync(fixtureMigrations, dir, { recursive: true });
  for (const [name, body] of Object.entries(migrations)) writeMigration(dir, name, body);
  return dir;
}

function writeMigration(dir: string, name: string, body: string): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'migration.sql'), body);
}

/**
 * A schema of its own in the test database, reached through `search_path` in the URL: to migrate()
 * it is an empty database, and it costs no CREATE DATABASE.
 */
async function emptyDatabase(): Promise<string> {
  const schema = `m_${randomBytes(5).toString('hex')}`;
  await sql.$executeRawUnsafe(`CREATE SCHEMA ${schema}`);
  const url = new URL(db.url);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function appliedNames(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY started_at, migration_name',
    );
    return rows.map((row) => row.migration_name);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('nest-kit', fixtureMigrations);
  sql = new PgSql(db.url);
});

afterAll(async () => {
  await sql?.end();
  await db?.drop();
  for (const url of extraDatabases) await dropDatabase(url);
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('migrate', () => {
  it('applies pending migrations in name order, then nothing on the next run', async () => {
    const dir = migrationsFolder({
      // Written out of order on purpose: 0003 needs what 0002 creates.
      '20250602000000_add_index': 'CREATE INDEX steps_name_idx ON steps (name);\nINSERT INTO steps (name) VALUES (\'0003\');',
      '20250601000000_add_steps': 'CREATE TABLE steps (n serial PRIMARY KEY, name text NOT NULL);\nINSERT INTO steps (name) VALUES (\'0002\');',
    });
    const lines: string[] = [];
    const first = await migrate({ databaseUrl: db.url, migrationsDir: dir, log: (line) => lines.push(line) });
    expect(first).toEqual({ database: db.name, applied: ['20250601000000_add_steps', '20250602000000_add_index'], alreadyApplied: 1, functions: [] });
    expect(lines).toHaveLength(2);
    const steps = await sql.$queryRawUnsafe<{ name: string }[]>('SELECT name FROM steps ORDER BY n');
    expect(steps.map((s) => s.name)).toEqual(['0002', '0003']);

    const again = await migrate({ databaseUrl: db.url, migrationsDir: dir });
    expect(again).toEqual({ database: db.name, applied: [], alreadyApplied: 3, functions: [] });
    expect(await sql.count('steps')).toBe(2);
    expect(await appliedNames(db.url)).toEqual(['0001_init', '20250601000000_add_steps', '20250602000000_add_index']);
  });

  it('serialises concurrent runs: each migration is applied exactly once', async () => {
    const url = await emptyDatabase();
    const dir = migrationsFolder({
      '0002_slow': 'SELECT pg_sleep(0.3);\nCREATE TABLE slow_one (id int PRIMARY KEY);',
      '0003_after': 'CREATE TABLE after_slow (id int REFERENCES slow_one (id));',
    });
    const results = await Promise.all([1, 2, 3].map(() => migrate({ databaseUrl: url, migrationsDir: dir })));

    const appliedByRun = results.map((r) => r.applied.length).sort();
    expect(appliedByRun).toEqual([0, 0, 3]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(['0001_init', '0002_slow', '0003_after']);
    expect(await appliedNames(url)).toHaveLength(3);
  });

  it('refuses to run when an applied migration was changed since', async () => {
    const url = await emptyDatabase();
    const dir = migrationsFolder({ '0002_table': 'CREATE TABLE t (id int);' });
    await migrate({ databaseUrl: url, migrationsDir: dir });

    writeMigration(dir, '0002_table', 'CREATE TABLE t (id bigint);');
    writeMigration(dir, '0003_more', 'CREATE TABLE u (id int);');
    await expect(migrate({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(/0002_table was changed after it was applied/);
    expect(await appliedNames(url)).toEqual(['0001_init', '0002_table']);
  });

  it('rolls a failing migration back whole, keeps the ones before it, and stops the run', async () => {
    const url = await emptyDatabase();
    const dir = migrationsFolder({
      '0002_fine': 'CREATE TABLE fine (id int);',
      '0003_broken': 'CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nSELECT 1 / 0;',
      '0004_never': 'CREATE TABLE never_reached (id int);',
    });
    await expect(migrate({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(/migration 0003_broken failed on .*division by zero/);

    const check = new PgSql(url);
    try {
      const tables = await check.$queryRawUnsafe<{ name: string }[]>(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1',
      );
      expect(tables.map((t) => t.name)).toEqual(['_prisma_migrations', 'fine', 'notes']);
    } finally {
      await check.end();
    }
    expect(await appliedNames(url)).toEqual(['0001_init', '0002_fine']);

    // Fixed, the run picks up where it stopped.
    writeMigration(dir, '0003_broken', 'CREATE TABLE half_done (id int);');
    const resumed = await migrate({ databaseUrl: url, migrationsDir: dir });
    expect(resumed.applied).toEqual(['0003_broken', '0004_never']);
  });

  it('creates the database first when asked to', async () => {
    const url = new URL(testServerUrl());
    url.pathname = `/linli_nest_kit_created_${randomBytes(5).toString('hex')}`;
    extraDatabases.push(url.toString());
    const result = await migrate({ databaseUrl: url.toString(), migrationsDir: fixtureMigrations, createDatabase: true });
    expect(result.applied).toEqual(['0001_init']);
  });
});

/** A functions folder of its own holding these files (name → SQL). */
function functionsFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'linli-functions-'));
  scratch.push(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, `${name}.sql`), body);
  return dir;
}

const answer = (n: number) => `-- A function for the tests.\nCREATE OR REPLACE FUNCTION kit_answer() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN ${n};\nEND\n$$;\n`;

describe('migrate: the kernel tables', () => {
  it('creates the outbox and processed-event tables after the migrations, however old the database', async () => {
    const url = await emptyDatabase();
    await migrate({ databaseUrl: url, migrationsDir: migrationsFolder() });
    const check = new PgSql(url);
    try {
      await check.$executeRawUnsafe(`INSERT INTO outbox_events (id, subject, payload) VALUES (gen_random_uuid(), 'x', '{}')`);
      await check.$executeRawUnsafe(`INSERT INTO processed_events (consumer, event_id) VALUES ('c', gen_random_uuid())`);
      // Again over tables that exist (as the older services' own migrations created them): nothing changes.
      await migrate({ databaseUrl: url, migrationsDir: migrationsFolder() });
      expect(await check.count('outbox_events')).toBe(1);
      expect(await check.count('processed_events')).toBe(1);
    } finally {
      await check.end();
    }
  });
});

describe('migrate: function files', () => {
  it('applies each function after the migrations, records its checksum, and re-applies it only when the file or the database’s body changes', async () => {
    const url = await emptyDatabase();
    const functionsDir = functionsFolder({ kit_answer: answer(41) });
    const first = await migrate({ databaseUrl: url, migrationsDir: migrationsFolder(), functionsDir });
    expect(first.functions).toEqual(['kit_answer']);
    const check = new PgSql(url);
    try {
      expect((await check.$queryRawUnsafe<{ v: number }[]>('SELECT kit_answer() AS v'))[0]!.v).toBe(41);
      expect((await migrate({ databaseUrl: url, migrationsDir: migrationsFolder(), functionsDir })).functions).toEqual([]);
      writeFileSync(join(functionsDir, 'kit_answer.sql'), answer(42));
      expect((await migrate({ databaseUrl: url, migrationsDir: migrationsFolder(), functionsDir })).functions).toEqual(['kit_answer']);
      expect((await check.$queryRawUnsafe<{ v: number }[]>('SELECT kit_answer() AS v'))[0]!.v).toBe(42);
      await check.$executeRawUnsafe('DROP FUNCTION kit_answer()');
      expect((await migrate({ databaseUrl: url, migrationsDir: migrationsFolder(), functionsDir })).functions).toEqual(['kit_answer']);
      expect((await check.$queryRawUnsafe<{ v: number }[]>('SELECT kit_answer() AS v'))[0]!.v).toBe(42);
    } finally {
      await check.end();
    }
  });

  it('reports drift: a file edited without migrating, a body replaced behind the file, a function missing', async () => {
    const url = await emptyDatabase();
    const functionsDir = functionsFolder({ kit_answer: answer(1) });
    await migrate({ databaseUrl: url, migrationsDir: migrationsFolder(), functionsDir });
    expect(await functionDrift(url, functionsDir)).toEqual([]);

    writeFileSync(join(functionsDir, 'kit_answer.sql'), answer(2));
    expect(await functionDrift(url, functionsDir)).toEqual([
      { name: 'kit_answer', problem: 'body differs from the file' },
      { name: 'kit_answer', problem: 'file changed since the database was migrated' },
    ]);
    await migrate({ databaseUrl: url, migrationsDir: migrationsFolder(), functionsDir });
    expect(await functionDrift(url, functionsDir)).toEqual([]);

    const check = new PgSql(url);
    try {
      await check.$executeRawUnsafe(answer(3));
      expect(await functionDrift(url, functionsDir)).toEqual([{ name: 'kit_answer', problem: 'body differs from the file' }]);
      await check.$executeRawUnsafe('DROP FUNCTION kit_answer()');
      expect(await functionDrift(url, functionsDir)).toEqual([{ name: 'kit_answer', problem: 'missing from the database' }]);
      await migrate({ databaseUrl: url, migrationsDir: migrationsFolder(), functionsDir });
      await check.$executeRawUnsafe(`CREATE FUNCTION kit_stray() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 0; END $$`);
      expect(await functionDrift(url, functionsDir)).toEqual([{ name: 'kit_stray', problem: 'in the database but kept in no function file' }]);
    } finally {
      await check.end();
    }
  });

  it('refuses a file that does not define its own function with CREATE OR REPLACE', async () => {
    const url = await emptyDatabase();
    const functionsDir = functionsFolder({ kit_other: answer(1) });
    await expect(migrate({ databaseUrl: url, migrationsDir: migrationsFolder(), functionsDir })).rejects.toThrow(/must define its function with CREATE OR REPLACE FUNCTION kit_other/);
  });
});

describe('createTestDatabase', () => {
  it('gives each caller a database of its own, cloned from the migrated template', async () => {
    const other = await createTestDatabase('nest-kit', fixtureMigrations);
    const otherSql = new PgSql(other.url);
    try {
      expect(other.name).not.toBe(db.name);
      expect(other.url).not.toBe(db.url);
      expect(await appliedNames(other.url)).toEqual(['0001_init']);
      await otherSql.$executeRawUnsafe("INSERT INTO notes (id, body) VALUES (gen_random_uuid(), 'only in the other one')");
      expect(await otherSql.count('notes', "body = 'only in the other one'")).toBe(1);
      expect(await sql.count('notes', "body = 'only in the other one'")).toBe(0);
    } finally {
      await otherSql.end();
      await other.drop();
    }
    const server = new URL(testServerUrl());
    server.pathname = '/postgres';
    const admin = new PgSql(server.toString());
    try {
      expect(await admin.count('pg_database', 'datname = $1', other.name)).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
