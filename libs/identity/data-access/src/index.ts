export * from './identity-data.module.js';
export * from './users.repository.js';
export { Prisma } from './generated/prisma/client.js';
export type * from './generated/prisma/models.js';
export * from './sms-budget.repository.js';
export * from './dev-sms-outbox.repository.js';
export * from './one-time-codes.repository.js';
export * from './sessions.repository.js';
