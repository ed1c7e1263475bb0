/**
 * Headers, methods and paths: content types, forwarded headers (bookmarks, step-up grants), headers only the edge may
 * set, odd methods and paths at the edge, and the origin's signature from outside.
 */
import type { Case, CorpusContext, Expectation } from '../types.js';
import { apq, clientError, edgePost, unsupportedType, utf8Header } from './helpers.js';

const served: Expectation = { status: [200] };

export function headerCases(ctx: CorpusContext): Case[] {
  const read = apq('GetEntity', { id: ctx.ids.entity });
  const victimRead = apq('GetEntity', { id: ctx.ids.victim });
  const cases: Case[] = [];

  const types: [string, string | undefined, Expectation][] = [
    ['jsonp', 'application/jsonp', unsupportedType],
    ['graphql-response-json', 'application/graphql-response+json', unsupportedType],
    ['graphql-json', 'application/graphql+json', unsupportedType],
    ['graphql', 'application/graphql', unsupportedType],
    ['text-plain', 'text/plain', unsupportedType],
    ['form', 'application/x-www-form-urlencoded', unsupportedType],
    ['multipart', 'multipart/form-data; boundary=x', unsupportedType],
    ['xml', 'application/xml', unsupportedType],
    ['json-seq', 'application/json-seq', unsupportedType],
    ['json-suffix', 'application/vnd.evil+json', unsupportedType],
    ['json-list', 'application/json, text/plain', unsupportedType],
    ['missing', undefined, unsupportedType],
    ['uppercase-json', 'APPLICATION/JSON', served],
    ['json-charset', 'application/json; charset=utf-8', served],
    ['json-odd-parameter', 'application/json ; profile="x"', served],
    ['json-latin1', 'application/json; charset=iso-8859-1', unsupportedType],
    ['json-utf16', 'application/json; charset="utf-16"', unsupportedType],
  ];
  for (const [name, type, expect] of types) {
    const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
    cases.push({ ...edgePost(`headers/content-type-${name}`, 'headers', read, expect), headers });
  }

  const bookmarks: [string, string][] = [
    ['garbage', 'not-a-bookmark'],
    ['neo4j-shaped-future', 'FB:kcwQAAAAAAAAAAAAAAAAAAAAAAAAkB+HkA=='],
    ['many-commas', ','.repeat(5000)],
    ['many-entries', Array.from({ length: 200 }, (_, i) => `FB:bm${i}`).join(',')],
    ['huge', 'b'.repeat(7000)],
    ['unicode', utf8Header('bookmark-☃')],
    ['json', '{"bookmark":true}'],
  ];
  for (const [name, value] of bookmarks) {
    cases.push(
      edgePost(
        `headers/bookmark-${name}`,
        'headers',
        read,
        { status: [200, 400, 431] },
        {
          headers: { 'content-type': 'application/json', 'x-gg-bookmark': value },
        },
      ),
    );
    cases.push(
      edgePost(
        `headers/bookmark-on-write-${name}`,
        'headers',
        apq('UpsertEntity', { input: { kind: 'PERSON', names: ['Bookmark Probe'] } }),
        { status: [200, 400, 431] },
        {
          headers: { 'content-type': 'application/json', 'x-gg-bookmark': value },
        },
      ),
    );
  }

  // Headers only the edge may set: a client sending them must gain nothing (the victim's entity stays invisible).
  const spoofed: [string, Record<string, string>][] = [
    ['tenant', { 'x-gg-tenant': ctx.victimTenant }],
    [
      'claims',
      {
        'x-gg-claims': Buffer.from(JSON.stringify({ tenant: ctx.victimTenant, roles: ['investigator'] })).toString(
          'base64url',
        ),
      },
    ],
    [
      'signature',
      { 'x-gg-signature': 'v1=deadbeef', 'x-gg-kid': 'local', 'x-gg-ts': String(Math.floor(Date.now() / 1000)) },
    ],
    ['nonce', { 'x-gg-nonce': 'replayed-nonce' }],
    ['forwarded-for', { 'x-forwarded-for': '127.0.0.1', forwarded: 'for=127.0.0.1;host=origin' }],
    ['forwarded-host', { 'x-forwarded-host': 'origin.internal', 'x-original-url': '/admin' }],
  ];
  for (const [name, headers] of spoofed) {
    cases.push(
      edgePost(
        `headers/spoof-${name}`,
        'headers',
        victimRead,
        { status: [200, 400] },
        { headers: { 'content-type': 'application/json', ...headers } },
      ),
    );
  }
  cases.push(
    edgePost(
      'headers/if-none-match-star',
      'headers',
      read,
      { status: [200, 304] },
      { headers: { 'content-type': 'application/json', 'if-none-match': '*' } },
    ),
    edgePost(
      'headers/if-none-match-huge',
      'headers',
      read,
      { status: [200, 431] },
      { headers: { 'content-type': 'application/json', 'if-none-match': `"${'e'.repeat(6000)}"` } },
    ),
    edgePost(
      'headers/accept-event-stream',
      'headers',
      read,
      { status: [406], code: ['NOT_ACCEPTABLE'] },
      { headers: { 'content-type': 'application/json', accept: 'text/event-stream' } },
    ),
    edgePost(
      'headers/accept-multipart',
      'headers',
      read,
      { status: [406], code: ['NOT_ACCEPTABLE'] },
      { headers: { 'content-type': 'application/json', accept: 'multipart/mixed' } },
    ),
    edgePost(
      'headers/accept-q-zero-everything',
      'headers',
      read,
      { status: [406], code: ['NOT_ACCEPTABLE'] },
      { headers: { 'content-type': 'application/json', accept: 'application/json;q=0, */*;q=0' } },
    ),
    edgePost(
      'headers/accept-garbage',
      'headers',
      read,
      { status: [406], code: ['NOT_ACCEPTABLE'] },
      { headers: { 'content-type': 'application/json', accept: ';;;,,=q=x' } },
    ),
    edgePost(
      'headers/huge-custom-header',
      'headers',
      read,
      { status: [200, 431] },
      { headers: { 'content-type': 'application/json', 'x-junk': 'j'.repeat(12_000) } },
    ),
    edgePost(
      'headers/many-headers',
      'headers',
      read,
      { status: [200, 431] },
      {
        headers: {
          'content-type': 'application/json',
          ...Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`x-h${i}`, 'v'])),
        },
      },
    ),
  );

  for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PURGE', 'PROPFIND']) {
    cases.push({
      id: `headers/method-${method}`,
      category: 'headers',
      target: 'edge',
      method,
      path: '/graphql',
      auth: {},
      expect: { status: [400, 404, 405] },
    });
  }
  for (const path of [
    '/graphql/',
    '/GRAPHQL',
    '/graphql/../metrics',
    '/metrics',
    '//graphql',
    '/graphql%2F',
    '/.env',
    '/admin',
    '/%00',
    '/graphql;x=1',
  ]) {
    cases.push(edgePost(`headers/path-${path}`, 'headers', read, clientError, { path }));
  }

  // The origin from outside: only what the edge signed is served.
  const origin = (name: string, expect: Expectation, more: Partial<Case>): Case => ({
    id: `headers/origin-${name}`,
    category: 'headers',
    target: 'origin',
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    body: read,
    expect,
    ...more,
  });
  const refused: Expectation = { status: [401] };
  cases.push(
    origin('unsigned', refused, {}),
    origin('signed-ok', served, { signature: {} }),
    origin('tampered-body', refused, { signature: { tamper: 'body' } }),
    origin('tampered-tenant', refused, { signature: { tamper: 'tenant' } }),
    origin('stale', refused, { signature: { tamper: 'stale' } }),
    origin('from-the-future', refused, { signature: { tamper: 'future' } }),
    origin('replayed', refused, { signature: { tamper: 'replay' } }),
    origin('wrong-key', refused, { signature: { tamper: 'kid' } }),
    origin('no-nonce', refused, { signature: { tamper: 'drop-nonce' } }),
    origin('jsonp', { status: [401, 415] }, { signature: {}, headers: { 'content-type': 'application/jsonp' } }),
    origin('trailing-slash', { status: [401, 404] }, { path: '/graphql/', signature: {} }),
    origin('other-path', { status: [401, 404] }, { path: '/anything', signature: {} }),
    origin('metrics', { status: [401, 404, 405] }, { method: 'GET', path: '/metrics', body: undefined }),
    origin(
      'graphiql',
      { status: [401, 404, 405] },
      { method: 'GET', path: '/graphql', headers: { accept: 'text/html' }, body: undefined },
    ),
    // The edge never signs such a tenant; signed anyway, it is refused with a code (a GraphQL error at the origin).
    origin(
      'bad-tenant-claim',
      { status: [200, 400, 401], code: ['INVALID_INPUT', 'BAD_REQUEST', 'MALFORMED_SIGNATURE', 'UNAUTHENTICATED'] },
      { signature: { claims: { tenant: 'Not A Tenant!' } } },
    ),
  );
  return cases;
}
