export * from './leader-ops.module.js';
export * from './leader-ops.exception.js';
export * from './leader-ops.rules.js';
export * from './compounds.service.js';
export * from './applications.service.js';
export * from './pickup-points.service.js';
export * from './bindings.service.js';
export { IDENTITY_USERS_CONSUMER, eraseUser, mergeUsers } from './identity-users.consumer.js';
export * from './customers/index.js';
