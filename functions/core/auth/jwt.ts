/**
 * The one JWT verifier of every surface that takes a bearer token (edge, intake API, step-up): jose against a JWKS
 * URL or a baked JWK set, the tenant from a claim, failures as 401 with a `WWW-Authenticate` challenge.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import type { Identity } from './identity.js';
import { isTenant } from './tenant.js';

/** What a verifier needs; surfaces embed this schema in their own configuration. */
export const jwtOptionsSchema = z.object({
  issuer: z.string().min(1),
  audience: z.string().min(1),
  /** Either a JWKS URL (fetched and cached by jose) … */
  jwksUrl: z.url().optional(),
  /** … or the keys themselves (a JWK set), for stages that bake them in. */
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  clockSkewS: z.number().int().min(0).max(300).default(30),
  /** Claim holding the tenant id. */
  tenantClaim: z.string().default('tenant'),
});

/** Options of {@link createVerifier}, defaults applied. */
export type JwtOptions = z.output<typeof jwtOptionsSchema>;

/** Verifies an `Authorization` header value and returns the caller's identity; throws 401 {@link HttpError}s. */
export type Verify = (authorization: string | undefined) => Promise<Identity>;

function unauthenticated(message: string, error: string, description: string): HttpError {
  return new HttpError(401, 'UNAUTHENTICATED', message, {
    'www-authenticate': `Bearer realm="graphgate", error="${error}", error_description="${description}"`,
  });
}

/**
 * Builds the JWT verifier once (jose caches a remote JWKS and refetches on unknown kid). Missing, invalid or expired
 * tokens become 401 `UNAUTHENTICATED` with a `WWW-Authenticate` challenge; a token without a valid tenant claim is
 * invalid too.
 * @example const verify = createVerifier(config.jwt); const identity = await verify(req.headers.get('authorization'));
 */
export function createVerifier(jwt: JwtOptions): Verify {
  const keys: JWTVerifyGetKey = jwt.jwksUrl
    ? createRemoteJWKSet(new URL(jwt.jwksUrl), { timeoutDuration: 2_000, cooldownDuration: 30_000 })
    : createLocalJWKSet(jwt.jwks as Parameters<typeof createLocalJWKSet>[0]);

  return async function verify(authorization) {
    if (!authorization?.startsWith('Bearer ')) {
      throw unauthenticated('missing bearer token', 'invalid_request', 'bearer token required');
    }
    const token = authorization.slice('Bearer '.length).trim();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: jwt.issuer,
        audience: jwt.audience,
        clockTolerance: jwt.clockSkewS,
        algorithms: ['ES256', 'RS256', 'EdDSA'],
        requiredClaims: ['sub', 'exp'],
      });
      const tenant = payload[jwt.tenantClaim];
      if (!isTenant(tenant)) throw unauthenticated('token has no valid tenant claim', 'invalid_token', 'no tenant');
      const { roles, clearances, purposes } = payload as Record<string, unknown>;
      return {
        tenant,
        subject: payload.sub!,
        sessionId: typeof payload.sid === 'string' ? payload.sid : payload.jti,
        attributes: { roles: roles ?? [], clearances: clearances ?? [], purposes: purposes ?? [] },
      };
    } catch (err) {
      if (err instanceof HttpError) throw err;
      const description = err instanceof errors.JWTExpired ? 'token expired' : 'token invalid';
      throw unauthenticated(description, 'invalid_token', description);
    }
  };
}
