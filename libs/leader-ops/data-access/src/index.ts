export * from './leader-ops-data.module.js';
export { Prisma } from './generated/prisma/client.js';
export type { Compound, LeaderApplication, PickupPoint, PickupPointCompound, ResidentBinding } from './generated/prisma/client.js';
export type * from './generated/prisma/models.js';
export * from './personal-data.repository.js';
