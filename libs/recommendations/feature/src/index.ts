export * from './recommendations.module.js';
export * from './recommendations.options.js';
export * from './engine/household.js';
export * from './engine/serving-index.js';
export * from './engine/training.js';
export * from './engine/index-builder.js';
export * from './engine/recommendation-engine.js';
