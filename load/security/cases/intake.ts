/**
 * The intake API: who may submit, what a body may look like, and events that can never be stored. Every refusal is a
 * 4xx; nothing that can never succeed is answered as a retryable 503.
 */
import type { Case, CorpusContext, Expectation, TokenSpec } from '../types.js';
import { badRequest, nestedArrays, nestedObjects, tooDeep, tooLarge, unsupportedType } from './helpers.js';

const producer: TokenSpec = { claims: { roles: ['producer'] } };
const invalidEvent: Expectation = { status: [400], code: ['INVALID_EVENT'] };

/** A valid record; `over` replaces fields. */
function record(over: Record<string, unknown> = {}) {
  return {
    kind: 'PERSON',
    names: ['Intake Probe'],
    source: { system: 'corpus', recordId: `r-${Math.random().toString(36).slice(2, 10)}` },
    licence: 'INTERNAL_ONLY',
    dataClass: 'ENTITY',
    ...over,
  };
}
const events = (...es: unknown[]) => JSON.stringify({ events: es });
const event = (key: string, over: Record<string, unknown> = {}) => ({ idempotencyKey: key, record: record(over) });

export function intakeCases(_ctx: CorpusContext): Case[] {
  const post = (name: string, body: string, expect: Expectation, more: Partial<Case> = {}): Case => ({
    id: `intake/${name}`,
    category: 'intake',
    target: 'intake',
    method: 'POST',
    path: '/intake',
    headers: { 'content-type': 'application/json' },
    body,
    auth: producer,
    expect,
    ...more,
  });
  const ok = events(event('corpus-ok'));
  const cases: Case[] = [
    post('no-token', ok, { status: [401] }, { auth: 'none' }),
    post('analyst-token', ok, { status: [403], code: ['FORBIDDEN'] }, { auth: {} }),
    post(
      'role-substring',
      ok,
      { status: [403], code: ['FORBIDDEN'] },
      { auth: { claims: { roles: ['reproducers'] } } },
    ),
    post('role-case', ok, { status: [403], code: ['FORBIDDEN'] }, { auth: { claims: { roles: ['Producer'] } } }),
    post('role-string', ok, { status: [401] }, { auth: { claims: { roles: 'producer' } } }),
    post('jsonp', ok, unsupportedType, { headers: { 'content-type': 'application/jsonp' } }),
    post('json-seq', ok, unsupportedType, { headers: { 'content-type': 'application/json-seq' } }),
    post('text-plain', ok, unsupportedType, { headers: { 'content-type': 'text/plain' } }),
    post('no-content-type', ok, unsupportedType, { headers: {} }),
    post('empty-body', '', badRequest),
    post('not-json', '{', badRequest),
    post('array-body', '[]', badRequest),
    post('no-events', '{}', badRequest),
    post('events-empty', events(), badRequest),
    post('events-object', '{"events":{}}', badRequest),
    post('events-string', '{"events":"x"}', badRequest),
    post('too-many-events', events(...Array.from({ length: 501 }, (_, i) => event(`k${i}`))), badRequest),
    post('event-null', events(null), invalidEvent),
    post('event-number', events(1), invalidEvent),
    post('key-missing', events({ record: record() }), invalidEvent),
    post('key-traversal', events(event('../../etc/passwd')), invalidEvent),
    post('key-space', events(event('a b')), invalidEvent),
    post('key-empty', events(event('')), invalidEvent),
    post('key-long', events(event('k'.repeat(129))), invalidEvent),
    post('key-object', events({ idempotencyKey: { k: 1 }, record: record() }), invalidEvent),
    post('names-empty', events(event('n1', { names: [] })), invalidEvent),
    post('names-too-many', events(event('n2', { names: Array.from({ length: 21 }, (_, i) => `n${i}`) })), invalidEvent),
    post('name-too-long', events(event('n3', { names: ['n'.repeat(201)] })), invalidEvent),
    post('name-number', events(event('n4', { names: [7] })), invalidEvent),
    post('kind-unknown', events(event('k1', { kind: 'ALIEN' })), invalidEvent),
    post('licence-unknown', events(event('k2', { licence: 'WHATEVER' })), invalidEvent),
    post('class-unknown', events(event('k3', { dataClass: 'TOP_SECRET' })), invalidEvent),
    post('date-bad', events(event('k4', { dates: [{ type: 'birth', value: '1999-13-40' }] })), invalidEvent),
    post('source-missing', events(event('k5', { source: null })), invalidEvent),
    post('attributes-array', events(event('k6', { attributes: [1, 2] })), invalidEvent),
    post('record-too-large', events(event('k7', { attributes: { blob: 'b'.repeat(17_000) } })), invalidEvent),
    post('nul-in-name', events(event('c1', { names: ['Jane\u0000Doe'] })), invalidEvent),
    post('lone-surrogate-in-name', events(event('c2', { names: ['Jane\ud800'] })), invalidEvent),
    post('uffff-in-source', events(event('c3', { source: { system: 'crm', recordId: 'r\uffff' } })), invalidEvent),
    post('ufffe-in-attribute', events(event('c4', { attributes: { note: 'a\ufffeb' } })), invalidEvent),
    post('control-in-key', events(event('c5', { attributes: { 'no\u0001te': 'x' } })), invalidEvent),
    post('escape-sequence', events(event('c6', { names: ['\u001b[31mred'] })), invalidEvent),
    post('duplicate-key-conflict', events(event('dup', { names: ['A'] }), event('dup', { names: ['B'] })), {
      status: [202],
    }),
    post('attributes-deep-33', events(event('d1', { attributes: { a: JSON.parse(nestedArrays(33)) } })), tooDeep),
    post(
      'attributes-deep-5000',
      `{"events":[{"idempotencyKey":"d2","record":{"attributes":{"a":${nestedArrays(5000)}}}}]}`,
      tooDeep,
    ),
    post(
      'attributes-deep-objects',
      `{"events":[{"idempotencyKey":"d3","record":{"attributes":${nestedObjects(3000)}}}]}`,
      tooDeep,
    ),
    post(
      'proto-attributes',
      `{"events":[{"idempotencyKey":"p1","record":${JSON.stringify(record()).replace(/}$/, ',"attributes":{"__proto__":{"admin":true}}}')}}]}`,
      { status: [202, 400] },
    ),
    post('tenant-in-record', events(event('t1', { tenant: 'someone-else' })), { status: [202, 400] }),
    post('two-megabytes', `{"events":[],"pad":"${'p'.repeat(2 * 1024 * 1024)}"}`, tooLarge),
    post('get', '', { status: [404, 405] }, { method: 'GET', body: undefined }),
    post('put', ok, { status: [404, 405] }, { method: 'PUT' }),
    post('trailing-slash', ok, { status: [404] }, { path: '/intake/' }),
    post('other-path', ok, { status: [404] }, { path: '/intake/../admin' }),
  ];
  return cases;
}
