export * from './env.js';
export type { CallerClaims, Identity } from './identity.js';
export * from './jwt.js';
export * from './tenant.js';
