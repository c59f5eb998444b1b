import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultFunctionsDir, functionDrift, listFunctions } from '@linli/nest-kit';
import { createTestDatabase, type TestDatabase } from '@linli/testing';

/**
 * Each service's PL/pgSQL functions are kept once, in `prisma/functions/<name>.sql`. A freshly
 * migrated database (the test template, rebuilt whenever a migration or function file changes) must
 * hold exactly those bodies; and the check must notice a file edited without migrating.
 */
const root = join(__dirname, '..', '..');
const migrationsOf = (service: string) => join(root, 'libs', service, 'data-access', 'prisma', 'migrations');
const services = readdirSync(join(root, 'libs')).filter((scope) => existsSync(defaultFunctionsDir(migrationsOf(scope))));

it('finds the services that keep functions', () => {
  expect(services).toContain('orders');
});

describe.each(services)('%s functions', (service) => {
  let db: TestDatabase;
  const functionsDir = defaultFunctionsDir(migrationsOf(service));

  beforeAll(async () => {
    db = await createTestDatabase(service, migrationsOf(service));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('are defined in their files only: no migration after KEPT_SINCE creates or replaces one (it would be overwritten by the file)', () => {
    const since = readFileSync(join(functionsDir, 'KEPT_SINCE'), 'utf8').trim();
    const kept = listFunctions(functionsDir).map((fn) => fn.name);
    const offenders = readdirSync(migrationsOf(service))
      .filter((name) => name > since && existsSync(join(migrationsOf(service), name, 'migration.sql')))
      .flatMap((name) => {
        const sql = readFileSync(join(migrationsOf(service), name, 'migration.sql'), 'utf8');
        return kept.filter((fn) => new RegExp(`CREATE\\s+(OR\\s+REPLACE\\s+)?FUNCTION\\s+${fn}\\b`, 'i').test(sql)).map((fn) => `${name} defines ${fn}`);
      });
    expect(offenders).toEqual([]);
  });

  it('are in a freshly migrated database exactly as their files say', async () => {
    expect(listFunctions(functionsDir).length).toBeGreaterThan(0);
    expect(await functionDrift(db.url, functionsDir)).toEqual([]);
  });

  it('drift when a file is edited without migrating', async () => {
    const edited = mkdtempSync(join(tmpdir(), `linli-${service}-functions-`));
    try {
      cpSync(functionsDir, edited, { recursive: true });
      const [first] = listFunctions(edited);
      const file = join(edited, `${first!.name}.sql`);
      const sql = readFileSync(file, 'utf8');
      const at = sql.lastIndexOf('END');
      writeFileSync(file, `${sql.slice(0, at)}  -- edited\n${sql.slice(at)}`);
      expect(await functionDrift(db.url, edited)).toEqual([
        { name: first!.name, problem: 'body differs from the file' },
        { name: first!.name, problem: 'file changed since the database was migrated' },
      ]);
    } finally {
      rmSync(edited, { recursive: true, force: true });
    }
  });
});
