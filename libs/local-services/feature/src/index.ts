export * from './local-services.module.js';
