/**
 * Every NATS subject of Linli with its zod schema. No NestJS, no Prisma: anything may import it.
 */
export * from './errors.js';
export * from './define.js';
export * from './common.js';
export * as communities from './communities.js';
export * as growth from './growth.js';
export * as identity from './identity.js';
export * as leaderOps from './leader-ops.js';
export * as leaderCustomers from './leader-customers.js';
export * as localServices from './local-services.js';
export * as orders from './orders.js';
export * as recommendations from './recommendations.js';
export { registry, rpcContracts, eventContracts } from './registry.js';
export { isSafeText, unsafeTextPaths, UNSAFE_TEXT_MESSAGE } from './zod.js';
