/**
 * The one JWT verifier of every surface that takes a bearer token (edge, intake API, step-up): jose against a JWKS
 * URL or a baked JWK set, every claim typed by a schema (./claims.ts), the tenant from a claim, failures as 401 with
 * a `WWW-Authenticate` challenge that says what was wrong.
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { ClaimError, checkClaims } from './claims.js';
import type { Identity } from './identity.js';
import { isTenant } from './tenant.js';

/** Default longest token lifetime: a working day with margin; longer-lived tokens are refused. */
export const defaultMaxTokenLifetimeS = 24 * 3600;

/** What a verifier needs; surfaces embed this schema in their own configuration. */
export const jwtOptionsSchema = z.object({
  issuer: z.string().min(1),
  audience: z.string().min(1),
  /** Either a JWKS URL (fetched and cached by jose) … */
  jwksUrl: z.url().optional(),
  /** … or the keys themselves (a JWK set), for stages that bake them in. */
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  clockSkewS: z.number().int().min(0).max(300).default(30),
  /** Longest accepted `exp − iat`, and the furthest ahead `exp` may lie. */
  maxTokenLifetimeS: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(defaultMaxTokenLifetimeS),
  /** Claim holding the tenant id. */
  tenantClaim: z.string().default('tenant'),
});

/** Options of {@link createVerifier}, defaults applied. */
export type JwtOptions = z.output<typeof jwtOptionsSchema>;

/** Verifies an `Authorization` header value and returns the caller's identity; throws 401 {@link HttpError}s. */
export type Verify = (authorization: string | undefined) => Promise<Identity>;

/**
 * Memo of verified tokens (a hot path verifies the same token on every call): at most `maxEntries` identities keyed
 * by the token's sha256, each kept until the token's `exp` and never longer than `maxAgeS`. Only successes are kept,
 * so a refused token is checked again every time.
 */
export interface VerifyMemo {
  maxEntries: number;
  /**
   * Longest a verified token is trusted without checking its signature again. A key removed from a remote JWKS is
   * still trusted by jose's JWKS cache for up to 10 minutes; keeping this below that means the memo never makes a
   * revoked key live longer than it already does.
   */
  maxAgeS: number;
}

/** The edge's memo: enough distinct callers for one instance, five minutes at most. */
export const defaultVerifyMemo: VerifyMemo = { maxEntries: 10_000, maxAgeS: 300 };

function unauthenticated(message: string, error: string, description: string): HttpError {
  const quoted = description.replace(/["\\]/g, "'");
  return new HttpError(401, 'UNAUTHENTICATED', message, {
    'www-authenticate': `Bearer realm="graphgate", error="${error}", error_description="${quoted}"`,
  });
}

const invalidToken = (message: string) => unauthenticated(message, 'invalid_token', message);

/** jose's refusal as a message a person can act on; signature and format failures stay vague on purpose. */
function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'token is not valid yet (nbf)';
    return `token claim ${err.claim} is ${err.reason === 'missing' ? 'missing' : 'invalid'}`;
  }
  return 'token invalid';
}

/**
 * Builds the JWT verifier once (jose caches a remote JWKS and refetches on unknown kid). Missing, invalid or expired
 * tokens, tokens whose claims do not fit the schema, live too long or were issued in the future, and tokens without a
 * valid tenant claim become 401 `UNAUTHENTICATED` with a `WWW-Authenticate` challenge naming the reason.
 * @example const verify = createVerifier(config.jwt); const identity = await verify(req.headers.get('authorization'));
 */
export function createVerifier(jwt: JwtOptions, memo?: VerifyMemo): Verify {
  const verifyToken = createTokenVerifier(jwt);
  if (!memo) {
    return async (authorization) => (await verifyToken(bearerToken(authorization))).identity;
  }
  const verified = new LRUCache<string, { identity: Identity; untilMs: number }>({ max: memo.maxEntries });
  // An entry serves only while Date.now() is before the token's exp (without the skew jose allows) and before its
  // memo deadline; after that the token goes through the full check again, which refuses it once past exp + skew.
  return async function verify(authorization) {
    const token = bearerToken(authorization);
    const key = createHash('sha256').update(token).digest('base64');
    const now = Date.now();
    const hit = verified.get(key);
    if (hit && now < hit.untilMs) return hit.identity;
    if (hit) verified.delete(key);
    const { identity, expS } = await verifyToken(token);
    const untilMs = Math.min(expS * 1000, now + memo.maxAgeS * 1000);
    if (untilMs > now) verified.set(key, { identity, untilMs });
    return identity;
  };
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization?.startsWith('Bearer ')) {
    throw unauthenticated('missing bearer token', 'invalid_request', 'bearer token required');
  }
  return authorization.slice('Bearer '.length).trim();
}

function createTokenVerifier(jwt: JwtOptions): (token: string) => Promise<{ identity: Identity; expS: number }> {
  const keys: JWTVerifyGetKey = jwt.jwksUrl
    ? createRemoteJWKSet(new URL(jwt.jwksUrl), { timeoutDuration: 2_000, cooldownDuration: 30_000 })
    : createLocalJWKSet(jwt.jwks as Parameters<typeof createLocalJWKSet>[0]);
  const limits = { clockSkewS: jwt.clockSkewS, maxTokenLifetimeS: jwt.maxTokenLifetimeS };

  return async function verifyToken(token) {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: jwt.issuer,
        audience: jwt.audience,
        clockTolerance: jwt.clockSkewS,
        algorithms: ['ES256', 'RS256', 'EdDSA'],
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      throw invalidToken(describeJoseError(err));
    }
    const tenant = payload[jwt.tenantClaim];
    if (!isTenant(tenant)) throw unauthenticated('token has no valid tenant claim', 'invalid_token', 'no tenant');
    try {
      const identity = { tenant, ...checkClaims(payload, limits, Math.floor(Date.now() / 1000)) };
      // requiredClaims makes jose refuse a token without exp, and checkClaims has typed it as a number.
      return { identity, expS: payload.exp as number };
    } catch (err) {
      if (err instanceof ClaimError) throw invalidToken(err.message);
      throw err;
    }
  };
}
