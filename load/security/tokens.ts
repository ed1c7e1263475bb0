/**
 * Mints the corpus's bearer tokens at run time from a {@link TokenSpec}: valid tokens from the stack's own dev issuer,
 * and the classic forgeries (alg none, HS256 keyed with the public key, a foreign key, a flipped signature).
 */
import { randomUUID } from 'node:crypto';
import { CompactSign, generateKeyPair, importJWK } from 'jose';
import type { DevKeys } from '../../infra/local/dev-keys.js';
import type { TokenSpec } from './types.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const encoder = new TextEncoder();

/** A minter bound to the stack's issuer keys and the corpus tenant. */
export async function tokenMinter(keys: DevKeys, tenant: string) {
  const devKey = await importJWK(keys.jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  const foreign = await generateKeyPair('ES256');

  /** Valid claims for `tenant`, overridden by `spec.claims` (a null value removes the claim). */
  function claimsOf(spec: TokenSpec): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: keys.jwt.issuer,
      aud: keys.jwt.audience,
      sub: 'corpus-user',
      tenant,
      roles: ['analyst'],
      clearances: [],
      purposes: ['investigation'],
      jti: randomUUID(),
      iat: now,
      exp: now + 300,
      ...spec.claims,
    };
    for (const [k, v] of Object.entries(claims)) if (v === null) delete claims[k];
    return claims;
  }

  /** The Authorization header value for `spec`. */
  return async function mint(spec: TokenSpec): Promise<string> {
    const payload = encoder.encode(JSON.stringify(claimsOf(spec)));
    const header = { alg: 'ES256', kid: keys.jwt.kid, typ: 'JWT', ...spec.header };
    let token: string;
    switch (spec.signing ?? 'dev') {
      case 'none':
        token = `${b64({ ...header, alg: 'none' })}.${Buffer.from(payload).toString('base64url')}.`;
        break;
      case 'hs256': {
        const secret = encoder.encode(JSON.stringify(keys.jwt.publicJwk));
        token = await new CompactSign(payload).setProtectedHeader({ ...header, alg: 'HS256' }).sign(secret);
        break;
      }
      case 'foreign':
        token = await new CompactSign(payload).setProtectedHeader({ ...header, alg: 'ES256' }).sign(foreign.privateKey);
        break;
      case 'corrupt': {
        const good = await new CompactSign(payload).setProtectedHeader({ ...header, alg: 'ES256' }).sign(devKey);
        const sig = Buffer.from(good.split('.')[2]!, 'base64url');
        sig[0] = sig[0]! ^ 0xff;
        token = `${good.split('.').slice(0, 2).join('.')}.${sig.toString('base64url')}`;
        break;
      }
      default:
        token = await new CompactSign(payload).setProtectedHeader({ ...header, alg: 'ES256' }).sign(devKey);
    }
    return `${spec.scheme ?? 'Bearer'} ${token}`;
  };
}
