/**
 * Grant checks. A grant is an opaque random token whose sha256 is stored server-side (not a MAC'd self-contained
 * token): it can be revoked by deleting one item, it needs no extra signing key to rotate, and the one read it costs
 * is paid only on sensitive calls, which are rare.
 */
import { GrantError } from './errors.js';
import { grantRefOf, looksLikeGrant } from './tokens.js';
import type { GrantRecord, GrantStore } from './types.js';

/** The caller of a sensitive operation as the origin knows it (session may be absent on tokens without sid/jti). */
export interface GrantCaller {
  tenant: string;
  subject: string;
  sessionId?: string;
}

/** Checks a grant token for a sensitive call; throws a GrantError with a stable code, or returns the grant. */
export type GrantChecker = (
  caller: GrantCaller,
  token: string | null | undefined,
  scopes: string[],
) => Promise<GrantRecord>;

/**
 * Builds the check the origin runs on every sensitive call: the token must exist, be unexpired, belong to the same
 * tenant, subject and session, and carry every scope the operation needs. Not audited here: the origin audits the
 * call with its operation and outcome.
 */
export function createGrantChecker(deps: { grants: GrantStore; now?: () => number }): GrantChecker {
  const nowS = () => Math.floor((deps.now ?? Date.now)() / 1000);
  return async (caller, token, scopes) => {
    if (!token) throw new GrantError('GRANT_MISSING', 'this operation needs a step-up grant (x-gg-step-up-grant)');
    if (!looksLikeGrant(token))
      throw new GrantError('GRANT_NOT_FOUND', 'the step-up grant is not one this service issued');
    const grant = await deps.grants.get(grantRefOf(token));
    if (!grant) throw new GrantError('GRANT_NOT_FOUND', 'the step-up grant is not one this service issued');
    const context = { grantRef: grant.grantRef, credentialId: grant.credentialId, challengeId: grant.challengeId };
    if (grant.expiresAt <= nowS()) throw new GrantError('GRANT_EXPIRED', 'the step-up grant has expired', { context });
    if (
      !caller.sessionId ||
      grant.sessionId !== caller.sessionId ||
      grant.tenant !== caller.tenant ||
      grant.subject !== caller.subject
    ) {
      throw new GrantError('GRANT_SESSION_MISMATCH', 'the step-up grant belongs to another session', { context });
    }
    const missing = scopes.filter((s) => !grant.scopes.includes(s));
    if (missing.length > 0) {
      throw new GrantError('GRANT_SCOPE_INSUFFICIENT', `the step-up grant lacks scope ${missing.join(', ')}`, {
        context,
      });
    }
    return grant;
  };
}
