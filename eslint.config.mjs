// One flat config for the whole workspace. `@nx/eslint/plugin` (nx.json) infers a `lint` target for
// every project under this file, running `eslint .` in the project root; ESLint finds this config by
// walking up, so projects need no config of their own. See docs/adr/0001-workspace-layout.md.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const root = dirname(fileURLToPath(import.meta.url));

/** Files that only run under Jest (they may use `@linli/testing`, `any`, `process.env`). */
const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.test-harness.ts', '**/*.fixture.ts', '**/test-fixtures/**/*.ts'];

/**
 * Every `scope:*` tag declared by a workspace project, so a new service gets its scope constraint
 * (own scope + shared) without touching this file.
 */
function declaredScopes() {
  const scopes = new Set(['shared']);
  const manifests = [];
  for (const dir of ['apps', 'libs']) {
    if (!existsSync(join(root, dir))) continue;
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      manifests.push(join(root, dir, entry.name, 'package.json'));
      if (dir === 'libs') {
        for (const sub of readdirSync(join(root, dir, entry.name), { withFileTypes: true })) {
          if (sub.isDirectory()) manifests.push(join(root, dir, entry.name, sub.name, 'package.json'));
        }
      }
    }
  }
  for (const manifest of manifests) {
    if (!existsSync(manifest)) continue;
    const tags = JSON.parse(readFileSync(manifest, 'utf8')).nx?.tags ?? [];
    for (const tag of tags) if (tag.startsWith('scope:')) scopes.add(tag.slice('scope:'.length));
  }
  return [...scopes].sort();
}

/** Every workspace project (under apps/ and libs/<scope>/) with its folder, package name and tags. */
function projects() {
  const found = [];
  const add = (dir) => {
    const manifest = join(root, dir, 'package.json');
    if (existsSync(manifest)) found.push({ dir, name: JSON.parse(readFileSync(manifest, 'utf8')).name, tags: JSON.parse(readFileSync(manifest, 'utf8')).nx?.tags ?? [] });
  };
  for (const app of existsSync(join(root, 'apps')) ? readdirSync(join(root, 'apps'), { withFileTypes: true }) : []) if (app.isDirectory()) add(`apps/${app.name}`);
  for (const scope of existsSync(join(root, 'libs')) ? readdirSync(join(root, 'libs'), { withFileTypes: true }) : []) {
    if (!scope.isDirectory()) continue;
    for (const lib of readdirSync(join(root, 'libs', scope.name), { withFileTypes: true })) if (lib.isDirectory()) add(`libs/${scope.name}/${lib.name}`);
  }
  return found;
}

/**
 * Raw SQL and the `pg` driver live in data-access libs (repositories) and in nest-kit (outbox,
 * consumers, migrations); test infrastructure may use them too. Everywhere else — apps, feature libs,
 * contracts, pure utilities — code calls a repository. Scoped by tag, so a new service's libs are
 * covered without touching this file. `tools/eslint/raw-sql.spec.ts` proves the rule fires.
 */
const SQL_ALLOWED_TYPES = ['type:data-access', 'type:testing', 'type:e2e'];
const SQL_ALLOWED_PACKAGES = ['@linli/nest-kit'];
const noRawSqlFiles = projects()
  .filter((p) => !SQL_ALLOWED_PACKAGES.includes(p.name) && !p.tags.some((tag) => SQL_ALLOWED_TYPES.includes(tag)))
  .map((p) => `${p.dir}/**/*.ts`);
const RAW_SQL_MESSAGE = 'No raw SQL outside data-access libs: add a named method to a repository in libs/<service>/data-access and call it.';
const noRawSql = [
  'error',
  { selector: 'MemberExpression[property.name=/^\\$(queryRaw|executeRaw)/]', message: RAW_SQL_MESSAGE },
  { selector: "MemberExpression[object.name='Prisma'][property.name=/^(sql|raw|join|empty)$/]", message: RAW_SQL_MESSAGE },
];
const PG_MESSAGE = 'The pg driver is for data-access libs and nest-kit; call a repository (or PgSql through one).';
const noDeepImportsOrPg = [
  'error',
  {
    paths: ['pg', 'pg-pool', 'pg-cursor', 'pg-copy-streams', '@prisma/adapter-pg'].map((name) => ({ name, message: PG_MESSAGE })),
    patterns: [
      {
        regex: '^@linli/[^/]+/.+',
        message: 'Import the package entry point (`@linli/<name>`); export what you need from its src/index.ts.',
      },
      {
        group: ['**/dist/**', '**/dist'],
        message: 'Import the package, not its build output.',
      },
    ],
  },
];

const scopeConstraints = declaredScopes().map((scope) => ({
  sourceTag: `scope:${scope}`,
  onlyDependOnLibsWithTags: scope === 'shared' ? ['scope:shared'] : [`scope:${scope}`, 'scope:shared'],
}));

/** Layering. `type:testing` is only reachable from test files (added below). */
const typeLayers = {
  'type:app': ['type:feature', 'type:data-access', 'type:contracts', 'type:util'],
  'type:feature': ['type:feature', 'type:data-access', 'type:contracts', 'type:util'],
  'type:data-access': ['type:contracts', 'type:util'],
  'type:contracts': ['type:contracts'],
  'type:util': ['type:contracts', 'type:util'],
  'type:testing': ['type:feature', 'type:data-access', 'type:contracts', 'type:util', 'type:testing'],
  'type:e2e': ['type:feature', 'type:data-access', 'type:contracts', 'type:util', 'type:testing'],
};

const platformConstraints = [
  {
    sourceTag: 'platform:shared',
    onlyDependOnLibsWithTags: ['platform:shared'],
    bannedExternalImports: ['@nestjs/*', '@prisma/*'],
  },
  { sourceTag: 'platform:server', onlyDependOnLibsWithTags: ['platform:server', 'platform:shared'] },
];

function depConstraints({ testing }) {
  const typeConstraints = Object.entries(typeLayers).map(([sourceTag, allowed]) => ({
    sourceTag,
    onlyDependOnLibsWithTags: testing && !allowed.includes('type:testing') && sourceTag !== 'type:contracts' ? [...allowed, 'type:testing'] : allowed,
  }));
  return [...scopeConstraints, ...typeConstraints, ...platformConstraints];
}

function boundaries({ testing, untaggedE2e = false }) {
  const constraints = depConstraints({ testing });
  // tests/ is not an npm workspace, so Nx sees the project (through its eslint target) but not the
  // tags in tests/package.json. Until it is a workspace, hold its files to the type:e2e layer.
  if (untaggedE2e) constraints.push({ sourceTag: '*', onlyDependOnLibsWithTags: typeLayers['type:e2e'] });
  return [
    'error',
    {
      allow: [],
      enforceBuildableLibDependency: false,
      // Services never lazy-load libraries; a dynamic `import()` in a test must not forbid static imports elsewhere.
      checkDynamicDependenciesExceptions: ['@linli/*'],
      // nest-kit's integration tests use @linli/testing, which is built on nest-kit. The edge exists
      // only through test files, so the cycle is accepted for this one pair.
      ignoredCircularDependencies: [['@linli/nest-kit', '@linli/testing']],
      depConstraints: constraints,
    },
  ];
}

/** Libraries are imported by package name only; their exports map exposes nothing but the entry point. */
const noDeepImports = [
  'error',
  {
    patterns: [
      {
        regex: '^@linli/[^/]+/.+',
        message: 'Import the package entry point (`@linli/<name>`); export what you need from its src/index.ts.',
      },
      {
        group: ['**/dist/**', '**/dist'],
        message: 'Import the package, not its build output.',
      },
    ],
  },
];

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', '**/coverage/**', '.nx/**', 'tmp/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    plugins: { '@nx': nx },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ testing: false }),
      'no-restricted-imports': noDeepImports,
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Configuration is read in apps/*/src/{config,main}.ts and test configuration only (CONTRIBUTING.md).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in apps/<service>/src/config.ts or main.ts and pass it in.' }],
    },
  },
  {
    files: noRawSqlFiles,
    ignores: TEST_FILES,
    rules: { 'no-restricted-syntax': noRawSql, 'no-restricted-imports': noDeepImportsOrPg },
  },
  {
    files: ['apps/*/src/config.ts', 'apps/*/src/main.ts', 'apps/*/vite.config.ts', '**/test-config.ts', 'tests/**/*.ts', ...TEST_FILES],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ testing: true }),
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ testing: true, untaggedE2e: true }),
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
