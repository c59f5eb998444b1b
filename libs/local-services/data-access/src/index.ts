export * from './local-services-data.module.js';
export { Prisma } from './generated/prisma/client.js';
