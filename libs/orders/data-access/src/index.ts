export * from './orders-data.module.js';
export { Prisma } from './generated/prisma/client.js';
export type * from './generated/prisma/models.js';
export * from './personal-data.repository.js';
export * from './refund-policy.repository.js';
export * from './resident-profiles.repository.js';
export * from './sorting-list.repository.js';
export * from './pickup-point-days.repository.js';
