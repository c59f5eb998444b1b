export * from './communities-data.module.js';
export { Prisma } from './generated/prisma/client.js';
