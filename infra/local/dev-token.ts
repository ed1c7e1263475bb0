import { importJWK, SignJWT } from 'jose';
import { type DevKeys, ensureDevKeys } from './dev-keys.js';

/** Claims of a local development token; roles default to analyst, the session id (jti) to a fresh UUID. */
export interface DevTokenClaims {
  tenant: string;
  sub: string;
  roles?: string[];
  clearances?: string[];
  /** Purposes of use (the `purposes` claim), left out when absent. */
  purposes?: string[];
  ttlS?: number;
  sid?: string;
}

/**
 * A JWT signed with the LOCAL DEVELOPMENT issuer key (.run/dev-keys.json), which the local edge, intake API and
 * step-up function trust; for `npm start`'s sample calls, `npm run token` and the benchmarks. `keys`: another run's
 * keys (a scratch twin's), instead of `npm start`'s.
 */
export async function devToken(claims: DevTokenClaims, keys: DevKeys = ensureDevKeys()): Promise<string> {
  const { jwt } = keys;
  const key = await importJWK(jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  return new SignJWT({
    tenant: claims.tenant,
    roles: claims.roles ?? ['analyst'],
    clearances: claims.clearances ?? [],
    ...(claims.purposes ? { purposes: claims.purposes } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', kid: jwt.kid })
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setSubject(claims.sub)
    .setJti(claims.sid ?? crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlS ?? 3600}s`)
    .sign(key);
}
