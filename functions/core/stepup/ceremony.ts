/** What the registration and authentication ceremonies share: their context, the challenge take and the body check. */
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
