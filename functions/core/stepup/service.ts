/**
 * The step-up service: passkey registration and step-up authentication ceremonies (@simplewebauthn/server), grant
 * issue and check. Every step writes an audit entry, failures included, with the stable code as the reason.
 */
import type { AuditLedger } from '../audit/index.js';
import { appendStepUpAudit, type StepUpAuditFields } from './audit.js';
import { authenticationCeremony } from './authentication.js';
import type { CeremonyContext, RelyingParty } from './ceremony.js';
import { StepUpError } from './errors.js';
import { createGrantChecker } from './grants.js';
import { registrationCeremony } from './registration.js';
import type { StepUpCaller, StepUpStores } from './types.js';

export interface StepUpServiceDeps {
  stores: StepUpStores;
  ledger: AuditLedger;
  rp: RelyingParty;
  /** Every step-up scope the manifest knows (`@sensitive(scope:)`); a request for another scope is refused. */
  knownScopes: string[];
  /** Challenge lifetime. @default 120 */
  challengeTtlS?: number;
  /** Grant lifetime, also the `max_age` of the 401 challenge. @default 300 */
  grantTtlS?: number;
  /** Epoch ms. */
  now?: () => number;
}

/** Refuses callers without a session: a grant bound to nothing could be replayed by anyone holding the token. */
export function requireSession(caller: { tenant: string; subject: string; sessionId?: string }): StepUpCaller {
  if (!caller.sessionId) {
    throw new StepUpError('SESSION_REQUIRED', 'the token has no session id (sid or jti); step-up needs a session');
  }
  return { tenant: caller.tenant, subject: caller.subject, sessionId: caller.sessionId };
}

/**
 * Builds the service.
 * @example
 * const stepUp = createStepUpService({ stores, ledger, rp: { id: 'localhost', name: 'graphgate', origins }, knownScopes });
 * const { challengeId, options } = await stepUp.authenticationOptions(caller, ['mutate:merge']);
 */
export function createStepUpService(deps: StepUpServiceDeps) {
  const now = deps.now ?? Date.now;
  const ctx: CeremonyContext = {
    stores: deps.stores,
    rp: deps.rp,
    knownScopes: new Set(deps.knownScopes),
    challengeTtlS: deps.challengeTtlS ?? 120,
    grantTtlS: deps.grantTtlS ?? 300,
    nowS: () => Math.floor(now() / 1000),
    async audited(kind, base, fn) {
      const fields: Partial<StepUpAuditFields> = {};
      try {
        const result = await fn(fields);
        await appendStepUpAudit(deps.ledger, kind, { ...base, ...fields, outcome: 'ok' });
        return result;
      } catch (err) {
        const reason = err instanceof StepUpError ? err.code : 'INTERNAL_ERROR';
        await appendStepUpAudit(deps.ledger, kind, { ...base, ...fields, outcome: 'denied', reason });
        throw err;
      }
    },
  };

  return {
    ...registrationCeremony(ctx),
    ...authenticationCeremony(ctx),
    checkGrant: createGrantChecker({ grants: deps.stores.grants, now }),
    /** Grant lifetime in seconds (the `max_age` clients are told). */
    grantTtlS: ctx.grantTtlS,
    ledger: deps.ledger,
  };
}

/** The step-up service. */
export type StepUpService = ReturnType<typeof createStepUpService>;
