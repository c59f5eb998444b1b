export * from './identity.module.js';
export * from './identity.options.js';
export * from './identity.exception.js';
export * from './accounts.service.js';
export * from './auth.service.js';
export * from './sms-sender.js';
export * from './wechat-auth.js';
export * from './session-revocations.js';
