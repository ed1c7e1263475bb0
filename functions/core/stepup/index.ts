/** The step-up area: WebAuthn ceremonies, session-bound grants, their stores (DynamoDB + memory) and audit entries. */
export { appendStepUpAudit, type StepUpAuditFields, type StepUpAuditKind } from './audit.js';
export type { IssuedGrant } from './authentication.js';
export type { RelyingParty } from './ceremony.js';
export { type DynamoDbStepUpOptions, dynamoDbStepUpStores } from './dynamodb-stores.js';
export * from './errors.js';
export { createGrantChecker, type GrantCaller, type GrantChecker } from './grants.js';
export { memoryStepUpStores } from './memory-stores.js';
export {
  gateSensitiveCall,
  type SensitiveCall,
  type SensitiveCallGate,
  stepUpGrantHeader,
} from './sensitive-call.js';
export { sensitiveScopes } from './sensitive-scopes.js';
export {
  createStepUpService,
  requireSession,
  type StepUpService,
  type StepUpServiceDeps,
} from './service.js';
export { grantRefOf } from './tokens.js';
export type * from './types.js';
