// One Jest config, five tiers: unit (*.spec.ts beside the code), int (*.int-spec.ts against the
// machine's real PostgreSQL and NATS), e2e (tests/e2e, real service processes), security
// (tests/security: every route of the gateway's table probed against the real platform) and browser
// (tests/browser: the web console in Debian's Chromium against real service processes).
const fs = require('node:fs');
const path = require('node:path');
const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));

// ESM-only packages that Jest (CommonJS) must transform.
const esmPackages = ['@nestjs', '@nats-io', 'uid', 'load-esm', 'file-type', 'strtok3', 'token-types', 'peek-readable', '@tokenizer', 'uint8array-extras', 'cookie', 'fastify-plugin', 'content-disposition'];

const common = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@linli/source', 'node', 'require', 'default'] },
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  transformIgnorePatterns: [`node_modules/(?!((${esmPackages.join('|')})/|.*\\.mjs$))`],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,tests,bench}/**/*.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,tests}/**/*.int-spec.ts'], setupFilesAfterEnv: ['<rootDir>/tools/jest/int-timeout.cjs'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'], setupFilesAfterEnv: ['<rootDir>/tools/jest/e2e-timeout.cjs'] },
    { ...common, displayName: 'security', testMatch: ['<rootDir>/tests/security/**/*.security-spec.ts'], setupFilesAfterEnv: ['<rootDir>/tools/jest/e2e-timeout.cjs'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/tests/browser/**/*.browser-spec.ts'], setupFilesAfterEnv: ['<rootDir>/tools/jest/browser-timeout.cjs'] },
  ],
};
