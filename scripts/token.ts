/**
 * `npm run token -- [--tenant demo] [--sub dev-user] [--roles analyst] [--clearances pii] [--ttl 3600]`
 * Prints a JWT signed with the LOCAL DEVELOPMENT issuer key (.run/dev-keys.json) that the local edge trusts.
 */
import { parseArgs } from 'node:util';
import { importJWK, SignJWT } from 'jose';
import { ensureDevKeys } from '../infra/local/dev-keys.js';

export async function devToken(claims: {
  tenant: string;
  sub: string;
  roles?: string[];
  clearances?: string[];
  ttlS?: number;
  sid?: string;
}): Promise<string> {
  const { jwt } = ensureDevKeys();
  const key = await importJWK(jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  return new SignJWT({ tenant: claims.tenant, roles: claims.roles ?? ['analyst'], clearances: claims.clearances ?? [] })
    .setProtectedHeader({ alg: 'ES256', kid: jwt.kid })
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setSubject(claims.sub)
    .setJti(claims.sid ?? crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlS ?? 3600}s`)
    .sign(key);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string', default: 'demo' },
      sub: { type: 'string', default: 'dev-user' },
      roles: { type: 'string', default: 'analyst' },
      clearances: { type: 'string', default: '' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  console.log(
    await devToken({
      tenant: values.tenant!,
      sub: values.sub!,
      roles: values.roles!.split(',').filter(Boolean),
      clearances: values.clearances!.split(',').filter(Boolean),
      ttlS: Number(values.ttl),
    }),
  );
}
