export * from './recommendations-data.module.js';
export * from './store.repository.js';
export * from './assets.repository.js';
export * from './bulk-reader.js';
export { Prisma } from './generated/prisma/client.js';
export * from './reporting.repository.js';
export * from './personal-data.repository.js';
export * from './asset-changes.repository.js';
export * from './referrals.repository.js';
