/** Test helpers: a database per test file cloned from a migrated template, NATS helpers, factories, error-code matchers. */
export * from './database.js';
export * from './nats.js';
export * from './factories.js';
export * from './errors.js';
export * from './service-harness.js';
export * from './kernel-tables.js';
