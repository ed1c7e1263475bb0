/**
 * The gate in front of every sensitive call. Policy decides first (`graphgate/stepup/decision`, which reads the
 * stage/tenant enforcement setting from policy data): an exemption runs the call; otherwise the grant is checked, and
 * a missing or invalid grant refuses the call unless the setting is `monitor`. Every outcome — ok, exempted, monitored
 * or denied — is written to the audit ledger with the decision id; there is no switch that skips the gate.
 */
import type { AuditLedger } from '../audit/index.js';
import type { PolicyEngine } from '../policy/index.js';
import { appendStepUpAudit } from './audit.js';
import { StepUpError } from './errors.js';
import type { GrantCaller, GrantChecker } from './grants.js';

/** Header carrying the grant (sent by the client, forwarded by the edge, covered by the internal signature). */
export { stepUpGrantHeader } from '../signing/forwarded-headers.js';

export interface SensitiveCallGate {
  checkGrant: GrantChecker;
  ledger: AuditLedger;
  policy: PolicyEngine;
  /** The deployment stage, which selects the stage's enforcement setting in policy data. */
  stage: string;
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
 * Decides a sensitive call and audits it. Resolves when the call may run, with the step-up challenge whose grant
 * allowed it (null when exempted or monitored without a grant), so the call's own audit entries can name it; rejects with the grant's StepUpError (stable
 * code) when it may not. Errors that are not step-up refusals (a store or the policy down) propagate unaudited, and
 * the call does not run.
 */
export async function gateSensitiveCall(
  gate: SensitiveCallGate,
  call: SensitiveCall,
): Promise<{ challengeId: string | null }> {
  const { caller, operation, scopes } = call;
  const base = {
    tenant: caller.tenant,
    subject: caller.subject,
    sessionId: caller.sessionId ?? null,
    operation,
    scopes,
  };
  const decision = gate.policy.evaluate('graphgate/stepup/decision', {
    caller: policyCaller(caller.attributes),
    request: { operation: { name: operation, sensitive: true } },
    tenant: caller.tenant,
    stage: gate.stage,
  });
  const decisionId = decision.decision_id;
  if (decision.allow && decision.exemption) {
    await appendStepUpAudit(gate.ledger, 'stepup.sensitive-call', {
      ...base,
      outcome: 'exempted',
      reason: decision.exemption,
      decisionId,
    });
    return { challengeId: null };
  }
  try {
    const grant = await gate.checkGrant(caller, call.grantToken, scopes);
    await appendStepUpAudit(gate.ledger, 'stepup.sensitive-call', {
      ...base,
      outcome: 'ok',
      challengeId: grant.challengeId,
      credentialId: grant.credentialId,
      grantRef: grant.grantRef,
      decisionId,
    });
    return { challengeId: grant.challengeId };
  } catch (err) {
    if (!(err instanceof StepUpError)) throw err;
    const c = err.context as { challengeId?: string; credentialId?: string; grantRef?: string };
    // allow without an exemption is the monitor setting: the call runs, and the missing grant is on record.
    await appendStepUpAudit(gate.ledger, 'stepup.sensitive-call', {
      ...base,
      outcome: decision.allow ? 'monitored' : 'denied',
      reason: err.code,
      challengeId: c.challengeId ?? null,
      credentialId: c.credentialId ?? null,
      grantRef: c.grantRef ?? null,
      decisionId,
    });
    if (!decision.allow) throw err;
    return { challengeId: null };
  }
}
