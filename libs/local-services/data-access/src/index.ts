export * from './local-services-data.module.js';
export * from './providers.repository.js';
export * from './catalog.repository.js';
export * from './bookings.repository.js';
export * from './webhooks.repository.js';
export { Prisma } from './generated/prisma/client.js';
