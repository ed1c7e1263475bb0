/**
 * `npm run gql -- <OperationName> '<variables JSON>' [--tenant demo] [--roles analyst,investigator] [--url …]`
 *
 * Local dev helper: signs a persisted operation with the LOCAL DEVELOPMENT signing key (.run/dev-keys.json) the way the
 * edge does, sends it to the origin that `npm start` runs, and prints status, cache/bookmark headers and the body.
 */
import { parseArgs } from 'node:util';
import { operationByName } from '../functions/core/manifest/index.js';
import { signInternalRequest } from '../functions/core/signing/internal-request.js';
import { ensureDevKeys } from '../infra/local/dev-keys.js';

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
const op = operationByName(name);
const body = JSON.stringify({
  operationName: op.name,
  variables: vars ? JSON.parse(vars) : {},
  extensions: { persistedQuery: { version: 1, sha256Hash: op.id } },
});
const url = new URL(values.url!);
const headers = await signInternalRequest(
  ensureDevKeys().signing,
  { method: 'POST', path: url.pathname, body },
  {
    tenant: values.tenant!,
    subject: values.subject!,
    attributes: { roles: values.roles!.split(','), clearances: values.clearances!.split(',').filter(Boolean) },
  },
);
const res = await fetch(url, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...headers,
    ...(values.bookmark ? { 'x-gg-bookmark': values.bookmark } : {}),
  },
  body,
});
console.log(
  `HTTP ${res.status}${res.headers.get('x-gg-bookmark') ? `  x-gg-bookmark: ${res.headers.get('x-gg-bookmark')}` : ''}`,
);
console.log(JSON.stringify(await res.json(), null, 2));
