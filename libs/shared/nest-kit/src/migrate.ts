import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { OUTBOX_TABLES_SQL } from './sql.js';

export interface MigrateOptions {
  databaseUrl: string;
  migrationsDir: string;
  /**
   * PL/pgSQL functions kept once, one `<name>.sql` (`CREATE OR REPLACE FUNCTION …`) each, applied
   * after the migrations. Default: the `functions` folder beside `migrationsDir`, when there is one.
   */
  functionsDir?: string;
  /** Create the database first when it does not exist (needs a role that may create databases). */
  createDatabase?: boolean;
  log?: (line: string) => void;
}

export interface MigrateResult {
  database: string;
  applied: string[];
  alreadyApplied: number;
  /** Function files (re)applied by this run. */
  functions: string[];
}

/**
 * Applies `migrations/<name>/migration.sql` in name order inside one advisory lock, recording each
 * in `_prisma_migrations` exactly as `prisma migrate deploy` does (same table, sha256 checksum), so
 * `prisma migrate status` agrees. Needs no Prisma engine binary. A migration that fails is rolled
 * back whole (each runs in its own transaction) and stops the run; an applied migration whose file
 * changed since is reported as an error rather than silently ignored.
 *
 * Then, in the same lock, the kernel's outbox and processed-event tables ({@link OUTBOX_TABLES_SQL})
 * and the service's function files ({@link listFunctions}): a file is applied when it changed since
 * it was last applied, when the database's body of the function is not the file's (missing, or
 * replaced behind the file), or when this run applied a migration; its checksum is recorded in `_linli_functions`, so {@link functionDrift} can tell a database that
 * was not migrated since a function file changed.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const url = new URL(options.databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (options.createDatabase) await createDatabaseIfMissing(options.databaseUrl);
  const migrations = listMigrations(options.migrationsDir);
  const functions = listFunctions(options.functionsDir ?? defaultFunctionsDir(options.migrationsDir));
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(72707369)');
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const previous = done.get(migration.name);
      if (previous) {
        if (previous !== migration.checksum) throw new Error(`migration ${migration.name} was changed after it was applied to ${database}`);
        continue;
      }
      log(`applying ${migration.name} to ${database}`);
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed on ${database}: ${error instanceof Error ? error.message : String(error)}`);
      }
      applied.push(migration.name);
    }
    await client.query(OUTBOX_TABLES_SQL);
    const appliedFunctions = await applyFunctions(client, functions, applied.length > 0, database, log);
    return { database, applied, alreadyApplied: migrations.length - applied.length, functions: appliedFunctions };
  } finally {
    await client.query('SELECT pg_advisory_unlock(72707369)').catch(() => undefined);
    await client.end();
  }
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new Error(`no migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export interface FunctionFile {
  /** The function's name (the file's, without `.sql`). */
  name: string;
  sql: string;
  checksum: string;
  /** The text between the body's dollar quotes: what PostgreSQL keeps as `prosrc`. */
  body: string;
}

const FUNCTIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_linli_functions" (
  "name" TEXT PRIMARY KEY,
  "checksum" VARCHAR(64) NOT NULL,
  "applied_at" TIMESTAMPTZ NOT NULL DEFAULT now())`;

/** The `functions` folder beside a `migrations` folder. */
export function defaultFunctionsDir(migrationsDir: string): string {
  return join(migrationsDir, '..', 'functions');
}

/** The function files of a folder (none when it does not exist), in name order. */
export function listFunctions(dir: string): FunctionFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      const name = file.slice(0, -'.sql'.length);
      if (!new RegExp(`CREATE OR REPLACE FUNCTION ${name}\\(`).test(sql)) throw new Error(`${join(dir, file)} must define its function with CREATE OR REPLACE FUNCTION ${name}(…)`);
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex'), body: functionBody(sql, file) };
    });
}

/** The body of a function definition: the text between its first `$tag$` and the same tag's last occurrence. */
function functionBody(sql: string, file: string): string {
  const start = sql.indexOf('CREATE OR REPLACE FUNCTION');
  const found = /\$([A-Za-z_]*)\$/.exec(sql.slice(start));
  const open = found && { 0: found[0], index: start + found.index };
  if (!open) throw new Error(`${file}: no dollar-quoted function body`);
  const tag = open[0];
  const close = sql.lastIndexOf(tag);
  if (close <= open.index) throw new Error(`${file}: the function body's ${tag} is not closed`);
  return sql.slice(open.index + tag.length, close);
}

async function applyFunctions(client: pg.Client, functions: FunctionFile[], force: boolean, database: string, log: (line: string) => void): Promise<string[]> {
  if (functions.length === 0) return [];
  await client.query(FUNCTIONS_TABLE);
  const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM "_linli_functions"');
  const recorded = new Map(rows.map((row) => [row.name, row.checksum]));
  const live = await client.query<{ proname: string; prosrc: string }>(
    `SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() AND p.proname = ANY($1::text[])`,
    [functions.map((fn) => fn.name)],
  );
  const bodies = new Map(live.rows.map((row) => [row.proname, row.prosrc]));
  const applied: string[] = [];
  for (const fn of functions) {
    if (!force && recorded.get(fn.name) === fn.checksum && bodies.get(fn.name) === fn.body) continue;
    log(`applying function ${fn.name} to ${database}`);
    await client.query('BEGIN');
    try {
      await client.query(fn.sql);
      await client.query(
        `INSERT INTO "_linli_functions" (name, checksum) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()`,
        [fn.name, fn.checksum],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new Error(`function ${fn.name} failed on ${database}: ${error instanceof Error ? error.message : String(error)}`);
    }
    applied.push(fn.name);
  }
  return applied;
}

export interface FunctionDrift {
  name: string;
  problem: string;
}

/**
 * How a migrated database's functions differ from the function files: a function missing, a body
 * (`prosrc`) not the file's, a file changed since the database was last migrated (its recorded
 * checksum), or a PL/pgSQL function in the database that no file keeps. Empty when they agree.
 */
export async function functionDrift(databaseUrl: string, functionsDir: string): Promise<FunctionDrift[]> {
  const functions = listFunctions(functionsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('"_linli_functions"') IS NOT NULL AS present`);
    const recorded = new Map<string, string>();
    if ((exists.rows[0] as { present: boolean }).present) {
      const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM "_linli_functions"');
      for (const row of rows) recorded.set(row.name, row.checksum);
    }
    const drift: FunctionDrift[] = [];
    for (const fn of functions) {
      const { rows } = await client.query<{ prosrc: string }>(
        `SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = $1 AND n.nspname = current_schema()`,
        [fn.name],
      );
      if (rows.length === 0) drift.push({ name: fn.name, problem: 'missing from the database' });
      else if (rows.length > 1) drift.push({ name: fn.name, problem: `${rows.length} overloads in the database; a file defines one` });
      else if (rows[0]!.prosrc !== fn.body) drift.push({ name: fn.name, problem: 'body differs from the file' });
      if (recorded.get(fn.name) !== fn.checksum) drift.push({ name: fn.name, problem: 'file changed since the database was migrated' });
    }
    const kept = new Set(functions.map((fn) => fn.name));
    const { rows: all } = await client.query<{ proname: string }>(
      `SELECT DISTINCT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
        WHERE n.nspname = current_schema() AND l.lanname = 'plpgsql' ORDER BY 1`,
    );
    for (const { proname } of all) if (!kept.has(proname)) drift.push({ name: proname, problem: 'in the database but kept in no function file' });
    return drift;
  } finally {
    await client.end();
  }
}

/**
 * A checksum of everything `migrate()` applies for a service: its migrations, its function files and
 * the kernel's tables (a test template named by it is rebuilt when any of them changes).
 */
export function schemaChecksum(migrationsDir: string, functionsDir = defaultFunctionsDir(migrationsDir)): string {
  return createHash('sha256')
    .update(listMigrations(migrationsDir).map((m) => `${m.name}:${m.checksum}`).join('\n'))
    .update('\n--functions\n')
    .update(listFunctions(functionsDir).map((f) => `${f.name}:${f.checksum}`).join('\n'))
    .update('\n--kernel\n')
    .update(OUTBOX_TABLES_SQL)
    .digest('hex');
}

/** Runs `work` on a connection to the server's `postgres` database; returns the database named in the URL and what `work` gave. */
async function onServer<T>(databaseUrl: string, work: (admin: pg.Client, database: string) => Promise<T>): Promise<T> {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await work(client, database);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL when missing, connecting to the server's `postgres` database. */
export async function createDatabaseIfMissing(databaseUrl: string, template?: string): Promise<boolean> {
  return onServer(databaseUrl, async (client, database) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`);
    } catch (error) {
      // Created concurrently by another process.
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  await onServer(databaseUrl, (client, database) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`));
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
