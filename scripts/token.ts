/**
 * `npm run token -- [--tenant demo] [--sub dev-user] [--roles analyst] [--clearances pii] [--ttl 3600]`
 * Prints a JWT signed with the LOCAL DEVELOPMENT issuer key (.run/dev-keys.json) that the local edge trusts.
 */
import { parseArgs } from 'node:util';
import { devToken } from '../infra/local/dev-token.js';

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
