/**
 * What the registration and authentication ceremonies share: their context, storing and taking challenges, the body
 * check and how a refused WebAuthn response is reported.
 */
import type { StepUpAuditFields, StepUpAuditKind } from './audit.js';
import { CeremonyError } from './errors.js';
import type { ChallengeRecord, StepUpCaller, StepUpStores } from './types.js';

/** Relying party: rpID (the registrable domain, `localhost` locally) and the exact page origins allowed. */
export interface RelyingParty {
  id: string;
  name: string;
  origins: string[];
}

/** What the ceremonies share: stores, config, the clock and the audited runner. */
export interface CeremonyContext {
  stores: StepUpStores;
  rp: RelyingParty;
  knownScopes: Set<string>;
  challengeTtlS: number;
  grantTtlS: number;
  nowS: () => number;
  /** Runs `fn`, audits its outcome (`ok`, or `denied` with the error code) and returns or rethrows. */
  audited<T>(
    kind: StepUpAuditKind,
    base: Omit<StepUpAuditFields, 'outcome'>,
    fn: (fields: Partial<StepUpAuditFields>) => Promise<T>,
  ): Promise<T>;
}

/** Stores a fresh challenge of `kind`, bound to the caller's session and to `scopes`, for the challenge TTL. */
export async function putChallenge(
  ctx: CeremonyContext,
  caller: StepUpCaller,
  challenge: Pick<ChallengeRecord, 'challengeId' | 'kind' | 'challenge' | 'scopes'>,
): Promise<void> {
  await ctx.stores.challenges.put({ ...challenge, ...caller, expiresAt: ctx.nowS() + ctx.challengeTtlS });
}

/** Takes a challenge once and refuses it when expired (dynalite keeps expired items; so does DynamoDB for a while). */
export async function takeLiveChallenge(
  ctx: CeremonyContext,
  challengeId: string,
  caller: StepUpCaller,
  kind: ChallengeRecord['kind'],
): Promise<ChallengeRecord> {
  const record = await ctx.stores.challenges.take(challengeId, caller, kind);
  if (record.expiresAt <= ctx.nowS())
    throw new CeremonyError('CHALLENGE_EXPIRED', 'the challenge has expired; start again');
  return record;
}

/** Validates the `{challengeId, response}` body both verify routes take. */
export function verifyBody<R>(body: unknown): { challengeId: string; response: R } {
  const b = body as { challengeId?: unknown; response?: unknown } | null;
  if (
    typeof b?.challengeId !== 'string' ||
    b.challengeId.length > 64 ||
    typeof b.response !== 'object' ||
    !b.response
  ) {
    throw new CeremonyError('BAD_REQUEST', 'send {"challengeId": "...", "response": {...}} from the WebAuthn ceremony');
  }
  return { challengeId: b.challengeId, response: b.response as R };
}

/**
 * Runs a @simplewebauthn verification; a throw or an unverified result is VERIFICATION_FAILED (`<what> refused`).
 * @example const { registrationInfo } = await verifiedBy('registration', () => verifyRegistrationResponse({ … }));
 */
export async function verifiedBy<V extends { verified: boolean }>(
  what: string,
  verify: () => Promise<V>,
): Promise<V & { verified: true }> {
  let verification: V;
  try {
    verification = await verify();
  } catch (cause) {
    throw new CeremonyError('VERIFICATION_FAILED', `${what} refused: ${(cause as Error).message}`, { cause });
  }
  if (!verification.verified) throw new CeremonyError('VERIFICATION_FAILED', `${what} refused`);
  return verification as V & { verified: true };
}
