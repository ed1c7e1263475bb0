/** The step-up ceremony routes and the step-up gate on sensitive operations, reached from outside. */
import type { Case, CorpusContext, Expectation } from '../types.js';
import { apq, badRequest, clientError, edgePost, utf8Header } from './helpers.js';

const stepUpRequired: Expectation = { status: [401], code: ['STEP_UP_REQUIRED'] };

export function stepUpCases(ctx: CorpusContext): Case[] {
  const route = (name: string, path: string, body: string, expect: Expectation, more: Partial<Case> = {}): Case => ({
    id: `step-up/${name}`,
    category: 'step-up',
    target: 'stepUp',
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body,
    auth: {},
    expect,
    ...more,
  });
  const cases: Case[] = [
    route('register-options-no-token', '/stepup/register/options', '{}', { status: [401] }, { auth: 'none' }),
    route(
      'register-options-no-session',
      '/stepup/register/options',
      '{}',
      { status: [401, 403] },
      { auth: { claims: { jti: null, sid: null } } },
    ),
    route('register-verify-empty', '/stepup/register/verify', '{}', badRequest),
    route(
      'register-verify-unknown-challenge',
      '/stepup/register/verify',
      JSON.stringify({ challengeId: 'c-unknown', response: {} }),
      clientError,
    ),
    route(
      'register-verify-garbage-response',
      '/stepup/register/verify',
      JSON.stringify({
        challengeId: 'x',
        response: {
          id: 'x',
          rawId: '!!',
          type: 'public-key',
          response: { clientDataJSON: 'e30', attestationObject: '' },
        },
      }),
      clientError,
    ),
    route(
      'register-verify-huge-ids',
      '/stepup/register/verify',
      JSON.stringify({ challengeId: 'c'.repeat(5000), response: {} }),
      clientError,
    ),
    route(
      'auth-options-unknown-scope',
      '/stepup/authenticate/options',
      '{"scopes":["mutate:everything"]}',
      clientError,
    ),
    route('auth-options-scopes-string', '/stepup/authenticate/options', '{"scopes":"mutate:merge"}', badRequest),
    route('auth-options-scopes-object', '/stepup/authenticate/options', '{"scopes":{"0":"mutate:merge"}}', badRequest),
    route(
      'auth-options-many-scopes',
      '/stepup/authenticate/options',
      JSON.stringify({ scopes: Array.from({ length: 500 }, () => 'mutate:merge') }),
      clientError,
    ),
    route('auth-options-no-passkey', '/stepup/authenticate/options', '{"scopes":["mutate:merge"]}', clientError),
    route('auth-verify-empty', '/stepup/authenticate/verify', '{}', badRequest),
    route(
      'auth-verify-unknown-challenge',
      '/stepup/authenticate/verify',
      JSON.stringify({ challengeId: 'nope', response: { id: 'x', rawId: 'x', type: 'public-key', response: {} } }),
      clientError,
    ),
    route(
      'auth-verify-proto',
      '/stepup/authenticate/verify',
      '{"__proto__":{"challengeId":"x"},"constructor":{"prototype":{"ok":true}}}',
      badRequest,
    ),
    route(
      'auth-verify-other-tenant-token',
      '/stepup/authenticate/verify',
      '{"challengeId":"x","response":{}}',
      clientError,
      { auth: { claims: { tenant: ctx.victimTenant } } },
    ),
    route(
      'get-on-post-route',
      '/stepup/register/options',
      '',
      { status: [404, 405] },
      { method: 'GET', body: undefined },
    ),
    route('put-route', '/stepup/authenticate/verify', '{}', { status: [404, 405] }, { method: 'PUT' }),
    route('unknown-route', '/stepup/admin', '{}', { status: [404] }),
    route(
      'traversal',
      '/stepup/../../etc/passwd',
      '',
      { status: [404] },
      { method: 'GET', body: undefined, auth: 'none' },
    ),
    route(
      'page-with-query',
      '/stepup?token=<script>alert(1)</script>',
      '',
      { status: [200] },
      { method: 'GET', body: undefined, auth: 'none' },
    ),
  ];
  // The gate on @sensitive operations through the edge: no grant, or a grant that is not one.
  const sensitive: [string, string][] = [
    ['merge', apq('MergeEntity', { survivorId: ctx.ids.entity, mergedId: ctx.ids.other })],
    ['unmerge', apq('UnmergeEntity', { mergeId: 'm-unknown' })],
    ['reclassify', apq('ReclassifyEntity', { id: ctx.ids.entity, dataClass: 'PII', reason: 'probe' })],
  ];
  const grants: [string, string | undefined][] = [
    ['no-grant', undefined],
    ['garbage-grant', 'garbage'],
    ['jwt-as-grant', 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im11dGF0ZTptZXJnZSJ9.'],
    ['huge-grant', 'g'.repeat(6000)],
    ['unicode-grant', utf8Header('grant-☃')],
  ];
  for (const [op, body] of sensitive) {
    for (const [name, grant] of grants) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (grant) headers['x-gg-step-up-grant'] = grant;
      cases.push(edgePost(`step-up/${op}-${name}`, 'step-up', body, stepUpRequired, { headers }));
    }
  }
  return cases;
}
