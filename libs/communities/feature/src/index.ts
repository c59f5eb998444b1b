export * from './communities.module.js';
