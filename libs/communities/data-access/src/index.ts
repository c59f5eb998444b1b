export * from './communities-data.module.js';
export * from './executor.js';
export * from './replicas.repository.js';
export * from './communities.repository.js';
export * from './content.repository.js';
export * from './events.repository.js';
export * from './cocreation.repository.js';
export * from './surveys.repository.js';
export { Prisma } from './generated/prisma/client.js';
