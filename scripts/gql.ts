/**
 * `npm run gql -- <OperationName> '<variables JSON>' [--tenant demo] [--roles analyst,investigator] [--url …]`
 *
 * Local dev helper: signs a persisted operation with the LOCAL DEVELOPMENT signing key (.run/dev-keys.json) the way the
 * edge does, sends it to the origin that `npm start` runs, and prints status, cache/bookmark headers and the body.
 */
import { parseArgs } from 'node:util';
import { ensureDevKeys } from '../infra/local/dev-keys.js';
import { signedOriginRequest } from '../infra/local/origin-request.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string', default: 'demo' },
    subject: { type: 'string', default: 'dev-user' },
    roles: { type: 'string', default: 'analyst' },
    clearances: { type: 'string', default: '' },
    url: { type: 'string', default: 'http://127.0.0.1:4000/graphql' },
    bookmark: { type: 'string' },
  },
});
const [name, vars] = positionals;
if (!name) {
  console.error("usage: npm run gql -- <OperationName> '<variables JSON>' [--tenant demo] [--roles analyst]");
  process.exit(2);
}
const req = await signedOriginRequest({
  url: values.url!,
  key: ensureDevKeys().signing,
  operation: name,
  variables: vars ? JSON.parse(vars) : {},
  claims: {
    tenant: values.tenant!,
    subject: values.subject!,
    attributes: { roles: values.roles!.split(','), clearances: values.clearances!.split(',').filter(Boolean) },
  },
  headers: values.bookmark ? { 'x-gg-bookmark': values.bookmark } : {},
});
const res = await fetch(req);
console.log(
  `HTTP ${res.status}${res.headers.get('x-gg-bookmark') ? `  x-gg-bookmark: ${res.headers.get('x-gg-bookmark')}` : ''}`,
);
console.log(JSON.stringify(await res.json(), null, 2));
