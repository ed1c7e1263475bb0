/**
 * The gate in front of every sensitive call: enforcement flag, then the policy exemption
 * (`graphgate/stepup/decision`), then the grant. Every outcome — allowed, exempted, refused or run with enforcement
 * off — is written to the audit ledger.
 */
import type { AuditLedger } from '../audit/index.js';
import type { PolicyEngine } from '../policy/index.js';
import { appendStepUpAudit } from './audit.js';
import { StepUpError } from './errors.js';
import type { GrantCaller, GrantChecker } from './grants.js';

/** Header carrying the grant (sent by the client, forwarded by the edge). */
export const stepUpGrantHeader = 'x-gg-step-up-grant';

export interface SensitiveCallGate {
  checkGrant: GrantChecker;
  ledger: AuditLedger;
  policy: PolicyEngine;
  /** Feature flag: is enforcement on for this tenant (per stage and tenant, from config)? */
  enforced: (tenant: string) => boolean;
}

/** One call of a sensitive operation: who, with which claim attributes, what, and the grant it brought. */
export interface SensitiveCall {
  caller: GrantCaller & { attributes: Record<string, unknown> };
  operation: string;
  scopes: string[];
  grantToken: string | null;
}

/** The policy's caller shape: only edge-key holders can assert a service caller (the edge never forwards `kind`). */
function policyCaller(attributes: Record<string, unknown>) {
  return attributes.kind === 'service'
    ? { kind: 'service', service: typeof attributes.service === 'string' ? attributes.service : null }
    : { kind: 'human' };
}

/**
 * Decides a sensitive call and audits it. Resolves when the call may run; rejects with the grant's StepUpError (stable
 * code) when it may not. Errors that are not step-up refusals (a store down) propagate unaudited.
 */
export async function gateSensitiveCall(gate: SensitiveCallGate, call: SensitiveCall): Promise<void> {
  const { caller, operation, scopes } = call;
  const base = {
    tenant: caller.tenant,
    subject: caller.subject,
    sessionId: caller.sessionId ?? null,
    operation,
    scopes,
  };
  if (!gate.enforced(caller.tenant)) {
    await appendStepUpAudit(gate.ledger, 'stepup.sensitive-call', { ...base, outcome: 'not-enforced' });
    return;
  }
  const decision = gate.policy.evaluate('graphgate/stepup/decision', {
    caller: policyCaller(caller.attributes),
    request: { operation: { name: operation, sensitive: true } },
  });
  if (decision.allow && decision.exemption) {
    await appendStepUpAudit(gate.ledger, 'stepup.sensitive-call', {
      ...base,
      outcome: 'exempted',
      reason: decision.exemption,
      decisionId: decision.decision_id,
    });
    return;
  }
  try {
    const grant = await gate.checkGrant(caller, call.grantToken, scopes);
    await appendStepUpAudit(gate.ledger, 'stepup.sensitive-call', {
      ...base,
      outcome: 'ok',
      challengeId: grant.challengeId,
      credentialId: grant.credentialId,
      grantRef: grant.grantRef,
    });
  } catch (err) {
    if (!(err instanceof StepUpError)) throw err;
    const c = err.context as { challengeId?: string; credentialId?: string; grantRef?: string };
    await appendStepUpAudit(gate.ledger, 'stepup.sensitive-call', {
      ...base,
      outcome: 'denied',
      reason: err.code,
      challengeId: c.challengeId ?? null,
      credentialId: c.credentialId ?? null,
      grantRef: c.grantRef ?? null,
    });
    throw err;
  }
}
