export * from './growth.module.js';
export * from './growth.rules.js';
export { GROWTH_CONSUMERS } from './growth.consumers.js';
export { GrowthJobs } from './growth.jobs.js';
export { LedgerService } from './ledger.service.js';
