/**
 * The claims a graphgate token may carry, as a schema: the verifier refuses a token whose claims do not fit it, so no
 * code after the verifier ever meets an object where it expects a string (`roles.includes('producer')` on a string
 * role "reproducers" matches a substring; an object `roles` iterates its values in policy).
 */
import { z } from 'zod';
import type { CallerClaims } from './identity.js';

/** Largest lengths of claim values: far above real ids and role names, far below anything that costs memory. */
export const claimLimits = { subject: 256, sessionId: 128, listItems: 32, listItem: 64 } as const;

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });

const list = z
  .array(text(claimLimits.listItem), { error: 'must be an array of strings' })
  .max(claimLimits.listItems, { error: `must hold at most ${claimLimits.listItems} values` })
  .optional();

const numericDate = z.number({ error: 'must be a NumericDate (seconds since the epoch)' });

/** The registered and graphgate claims the verifier reads; others are ignored. */
export const tokenClaimsSchema = z.object({
  sub: text(claimLimits.subject),
  exp: numericDate,
  iat: numericDate.optional(),
  nbf: numericDate.optional(),
  sid: text(claimLimits.sessionId).optional(),
  jti: text(claimLimits.sessionId).optional(),
  roles: list,
  clearances: list,
  purposes: list,
});

/** Time bounds of a token, in seconds. */
export interface LifetimeLimits {
  clockSkewS: number;
  /** Longest accepted `exp − iat`, and the furthest `exp` may lie ahead of now. */
  maxTokenLifetimeS: number;
}

/** What a token's claims give besides the tenant. */
export interface CheckedClaims {
  subject: string;
  sessionId: string | undefined;
  attributes: CallerClaims;
}

/** A claim that is missing, of the wrong type or out of bounds; `message` says which and why. */
export class ClaimError extends Error {
  override name = 'ClaimError';
}

/**
 * Validates the claims jose has already checked the signature, issuer, audience, `exp` and `nbf` of: types and bounds
 * of every claim we read, `iat` not ahead of now beyond the skew, and the token's lifetime. Throws {@link ClaimError}.
 */
export function checkClaims(payload: unknown, limits: LifetimeLimits, nowS: number): CheckedClaims {
  const parsed = tokenClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const claim = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
    throw new ClaimError(`token claim ${claim} ${issue.message}`);
  }
  const c = parsed.data;
  const { clockSkewS, maxTokenLifetimeS } = limits;
  if (c.iat !== undefined && c.iat > nowS + clockSkewS) throw new ClaimError('token claim iat lies in the future');
  if (c.iat !== undefined && c.exp - c.iat > maxTokenLifetimeS) {
    throw new ClaimError(`token lifetime (exp - iat) exceeds ${maxTokenLifetimeS} s`);
  }
  if (c.exp - nowS > maxTokenLifetimeS + clockSkewS) {
    throw new ClaimError(`token claim exp lies more than ${maxTokenLifetimeS} s ahead`);
  }
  return {
    subject: c.sub,
    sessionId: c.sid ?? c.jti,
    attributes: { roles: c.roles ?? [], clearances: c.clearances ?? [], purposes: c.purposes ?? [] },
  };
}
