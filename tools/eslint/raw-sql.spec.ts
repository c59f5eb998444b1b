import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The lint rule that keeps raw SQL and the `pg` driver in data-access libs (eslint.config.mjs,
 * `noRawSql`): the fixture, linted as a feature-lib file, must fail on each of its four uses; the
 * same text in a data-access lib must pass that rule.
 */
const root = join(__dirname, '..', '..');
const fixture = readFileSync(join(__dirname, 'fixtures', 'raw-sql.ts.txt'), 'utf8');

function lintAs(file: string): { ruleId: string | null; message: string; line: number }[] {
  const eslint = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const run = spawnSync(
    process.execPath,
    // Module boundaries need Nx's project graph and are not what this test is about.
    [eslint, '--stdin', '--stdin-filename', file, '--format', 'json', '--rule', '@nx/enforce-module-boundaries: off'],
    { cwd: root, input: fixture, encoding: 'utf8' },
  );
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string; line: number }[] }[];
  return result!.messages;
}

const sqlRules = (messages: ReturnType<typeof lintAs>) =>
  messages.filter((m) => (m.ruleId === 'no-restricted-syntax' && /No raw SQL/.test(m.message)) || (m.ruleId === 'no-restricted-imports' && /pg driver/.test(m.message)));

describe('the raw-SQL lint rule', () => {
  it('fires in a feature lib on the pg import, $queryRawUnsafe, $executeRaw and Prisma.sql', () => {
    const hits = sqlRules(lintAs('libs/orders/feature/src/raw-sql-fixture.ts'));
    expect(hits.map((m) => [m.ruleId, m.line])).toEqual([
      ['no-restricted-imports', 3],
      ['no-restricted-syntax', 7],
      ['no-restricted-syntax', 8],
      ['no-restricted-syntax', 9],
    ]);
  });

  it('fires in an app and in a new service’s feature lib too', () => {
    expect(sqlRules(lintAs('apps/orders/src/raw-sql-fixture.ts'))).toHaveLength(4);
    expect(sqlRules(lintAs('libs/communities/feature/src/raw-sql-fixture.ts'))).toHaveLength(4);
  });

  it('lets data-access libs and nest-kit use SQL', () => {
    expect(sqlRules(lintAs('libs/orders/data-access/src/raw-sql-fixture.ts'))).toEqual([]);
    expect(sqlRules(lintAs('libs/shared/nest-kit/src/raw-sql-fixture.ts'))).toEqual([]);
  });
});
