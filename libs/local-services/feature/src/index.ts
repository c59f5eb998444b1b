export * from './local-services.module.js';
export * from './local-services.options.js';
export * from './local-services.exception.js';
export * from './payment-provider.js';
export * from './points-ledger.js';
export * from './webhook-signing.js';
export * from './api-keys.js';
export { WebhookDispatcher } from './webhooks.service.js';
export { LocalServicesStore } from './local-services.store.js';
