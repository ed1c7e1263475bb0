/** The retention area: the policy-backed expiry rule for writes and the sweep that removes expired data. */
export { policyExpiry, type RetentionFacts, retentionDecision, retentionInput } from './expiry.js';
export { type SweepOptions, type SweepReport, sweep, sweepTenant, type TenantSweepReport } from './sweep.js';
