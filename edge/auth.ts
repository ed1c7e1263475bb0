import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { EdgeConfig } from './config.js';
import { EdgeError } from './errors.js';

/** Who is calling, from verified JWT claims. */
export interface Identity {
  tenant: string;
  subject: string;
  sessionId: string | undefined;
  /** Attributes the policy scope reads (roles, clearances, …). */
  attributes: Record<string, unknown>;
}

const tenantPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

function challenge(error: string, description: string): Record<string, string> {
  return { 'www-authenticate': `Bearer realm="graphgate", error="${error}", error_description="${description}"` };
}

/**
 * Builds the JWT verifier once (jose caches a remote JWKS and refetches on unknown kid). Missing, invalid or expired
 * tokens become 401 with a `WWW-Authenticate` challenge; a token without a valid tenant claim is invalid too.
 */
export function createVerifier(jwt: EdgeConfig['jwt']) {
  const keys: JWTVerifyGetKey = jwt.jwksUrl
    ? createRemoteJWKSet(new URL(jwt.jwksUrl), { timeoutDuration: 2_000, cooldownDuration: 30_000 })
    : createLocalJWKSet(jwt.jwks as Parameters<typeof createLocalJWKSet>[0]);

  return async function verify(authorization: string | undefined): Promise<Identity> {
    if (!authorization?.startsWith('Bearer ')) {
      throw new EdgeError(
        401,
        'UNAUTHENTICATED',
        'missing bearer token',
        challenge('invalid_request', 'bearer token required'),
      );
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
      if (typeof tenant !== 'string' || !tenantPattern.test(tenant)) {
        throw new EdgeError(
          401,
          'UNAUTHENTICATED',
          'token has no valid tenant claim',
          challenge('invalid_token', 'no tenant'),
        );
      }
      const { roles, clearances, purposes } = payload as Record<string, unknown>;
      return {
        tenant,
        subject: payload.sub!,
        sessionId: typeof payload.sid === 'string' ? payload.sid : payload.jti,
        attributes: { roles: roles ?? [], clearances: clearances ?? [], purposes: purposes ?? [] },
      };
    } catch (err) {
      if (err instanceof EdgeError) throw err;
      const expired = err instanceof errors.JWTExpired;
      const description = expired ? 'token expired' : 'token invalid';
      throw new EdgeError(401, 'UNAUTHENTICATED', description, challenge('invalid_token', description));
    }
  };
}
