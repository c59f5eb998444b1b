export * from './communities.module.js';
export * from './communities.options.js';
export * from './communities.consumers.js';
export * from './growth/index.js';
