/**
 * JWT claims and token forgeries. One verifier serves the edge, intake and step-up, so most cases go to the edge and a
 * sample of the claim cases is repeated against the other two. Every refusal is 401 UNAUTHENTICATED.
 */
import type { Case, CorpusContext, TokenSpec } from '../types.js';
import { apq, edgePost, json, unauthenticated, utf8Header } from './helpers.js';

const now = () => Math.floor(Date.now() / 1000);
const year = 365 * 24 * 3600;

/** Claims no token may carry: each is wrong in type, bounds or time. */
const badClaims = (): [string, Record<string, unknown>][] => [
  ['sub-missing', { sub: null }],
  ['sub-empty', { sub: '' }],
  ['sub-number', { sub: 42 }],
  ['sub-object', { sub: { id: 'alice' } }],
  ['sub-array', { sub: ['alice'] }],
  ['sub-huge', { sub: 'a'.repeat(5000) }],
  ['tenant-missing', { tenant: null }],
  ['tenant-empty', { tenant: '' }],
  ['tenant-number', { tenant: 7 }],
  ['tenant-object', { tenant: { id: 'acme' } }],
  ['tenant-array', { tenant: ['acme'] }],
  ['tenant-traversal', { tenant: '../other' }],
  ['tenant-wildcard', { tenant: 'acme*' }],
  ['tenant-spaces', { tenant: 'ac me' }],
  ['tenant-newline', { tenant: 'acme\nx' }],
  ['tenant-huge', { tenant: 't'.repeat(1000) }],
  ['roles-substring-string', { roles: 'reproducers' }],
  ['roles-string', { roles: 'investigator' }],
  ['roles-object', { roles: { 0: 'investigator', length: 1 } }],
  ['roles-number', { roles: 1 }],
  ['roles-true', { roles: true }],
  ['roles-nested', { roles: [['investigator']] }],
  ['roles-numbers', { roles: [1, 2] }],
  ['roles-objects', { roles: [{ role: 'investigator' }] }],
  ['roles-too-many', { roles: Array.from({ length: 40 }, (_, i) => `r${i}`) }],
  ['roles-long-item', { roles: ['r'.repeat(300)] }],
  ['roles-empty-item', { roles: [''] }],
  ['clearances-string', { clearances: 'pii' }],
  ['clearances-object', { clearances: { pii: true } }],
  ['purposes-number', { purposes: 3 }],
  ['jti-object', { jti: { id: 'session' } }],
  ['jti-number', { jti: 12345 }],
  ['jti-huge', { jti: 'j'.repeat(1000) }],
  ['sid-array', { sid: ['s1'] }],
  ['exp-missing', { exp: null }],
  ['exp-string', { exp: 'tomorrow' }],
  ['exp-past', { exp: now() - 3600 }],
  ['exp-ten-years', { exp: now() + 10 * year }],
  ['iat-ten-years-ahead', { iat: now() + 10 * year, exp: now() + 10 * year + 300 }],
  ['iat-string', { iat: 'now' }],
  ['nbf-future', { nbf: now() + 3600 }],
  ['lifetime-too-long', { iat: now() - 10, exp: now() + 3 * year }],
  ['iss-wrong', { iss: 'https://evil.example/' }],
  ['iss-missing', { iss: null }],
  ['aud-wrong', { aud: 'someone-else' }],
  ['aud-missing', { aud: null }],
];

/** Forged or malformed tokens and Authorization headers. */
const forgeries: [string, TokenSpec][] = [
  ['alg-none', { signing: 'none' }],
  ['hs256-with-public-key', { signing: 'hs256' }],
  ['foreign-key-same-kid', { signing: 'foreign' }],
  ['flipped-signature', { signing: 'corrupt' }],
  ['unknown-kid', { header: { kid: 'not-a-key' } }],
  ['scheme-basic', { scheme: 'Basic' }],
  ['scheme-token', { scheme: 'Token' }],
];

const rawAuthorization: [string, string][] = [
  ['empty-bearer', 'Bearer '],
  ['bearer-only', 'Bearer'],
  ['garbage', 'Bearer abc'],
  ['two-parts', 'Bearer a.b'],
  ['three-empty-parts', 'Bearer ..'],
  ['not-base64', 'Bearer !!!.@@@.###'],
  ['json-header', `Bearer ${Buffer.from('{"alg":"ES256"').toString('base64url')}.e30.e30`],
  ['huge-token', `Bearer ${'a'.repeat(6000)}.${'b'.repeat(6000)}.c`],
  ['unicode-token', utf8Header('Bearer ☃.☃.☃')],
  ['two-tokens', 'Bearer a.b.c, Bearer d.e.f'],
];

/** Valid tokens the verifier must accept: the caller is served (and sees only its own tenant). */
const acceptable: [string, TokenSpec][] = [
  ['valid-analyst', {}],
  ['aud-array-with-ours', { claims: { aud: ['other', '@AUD@'] } }],
  ['unknown-role-is-no-scope', { claims: { roles: ['superuser'] } }],
  ['no-roles-claim', { claims: { roles: null } }],
];

export function jwtCases(ctx: CorpusContext, audience: string): Case[] {
  const read = apq('GetEntity', { id: ctx.ids.entity });
  const cases: Case[] = [];
  for (const [name, claims] of badClaims()) {
    cases.push(edgePost(`jwt/edge/${name}`, 'jwt', read, unauthenticated, { auth: { claims } }));
  }
  for (const [name, spec] of forgeries) {
    cases.push(edgePost(`jwt/edge/${name}`, 'jwt', read, unauthenticated, { auth: spec }));
  }
  for (const [name, value] of rawAuthorization) {
    cases.push(
      edgePost(
        `jwt/edge/raw-${name}`,
        'jwt',
        read,
        { status: [401, 431] },
        { auth: 'none', headers: { ...json, authorization: value } },
      ),
    );
  }
  cases.push(edgePost('jwt/edge/no-authorization', 'jwt', read, unauthenticated, { auth: 'none' }));
  for (const [name, spec] of acceptable) {
    const claims = spec.claims && { ...spec.claims };
    if (claims?.aud) claims.aud = (claims.aud as string[]).map((a) => (a === '@AUD@' ? audience : a));
    cases.push(edgePost(`jwt/edge/${name}`, 'jwt', read, { status: [200] }, { auth: { ...spec, claims } }));
  }
  // The same verifier behind intake and step-up: a sample of the claim cases there too.
  const sample = [
    'roles-substring-string',
    'roles-object',
    'sub-object',
    'jti-object',
    'iat-ten-years-ahead',
    'exp-past',
  ];
  for (const [name, claims] of badClaims().filter(([n]) => sample.includes(n))) {
    cases.push({
      id: `jwt/intake/${name}`,
      category: 'jwt',
      target: 'intake',
      method: 'POST',
      path: '/intake',
      headers: { ...json },
      body: '{"events":[]}',
      auth: { claims: { ...claims, roles: 'roles' in claims ? claims.roles : ['producer'] } },
      expect: unauthenticated,
    });
    cases.push({
      id: `jwt/step-up/${name}`,
      category: 'jwt',
      target: 'stepUp',
      method: 'POST',
      path: '/stepup/register/options',
      headers: { ...json },
      body: '{}',
      auth: { claims },
      expect: unauthenticated,
    });
  }
  for (const [name, spec] of forgeries.slice(0, 4)) {
    cases.push({
      id: `jwt/intake/${name}`,
      category: 'jwt',
      target: 'intake',
      method: 'POST',
      path: '/intake',
      headers: { ...json },
      body: '{"events":[]}',
      auth: { ...spec, claims: { roles: ['producer'] } },
      expect: unauthenticated,
    });
  }
  return cases;
}
