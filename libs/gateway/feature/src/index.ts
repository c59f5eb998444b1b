/** The HTTP gateway: route table, auth, validation, rate limits, error mapping, health and OpenAPI. No business logic. */
export * from './gateway.js';
export * from './gateway.config.js';
export * from './route.js';
export * from './routes/index.js';
export * from './error-status.js';
export * from './health.js';
export * from './http-errors.js';
export * from './openapi.js';
