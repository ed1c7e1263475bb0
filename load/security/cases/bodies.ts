/** Request bodies that are not what they claim to be, at the edge and the step-up routes. */
import type { Case, CorpusContext, Expectation } from '../types.js';
import { apq, badRequest, edgePost, nestedArrays, nestedObjects, tooDeep, tooLarge } from './helpers.js';

export function bodyCases(ctx: CorpusContext): Case[] {
  const read = apq('GetEntity', { id: ctx.ids.entity });
  const malformed: [string, string | Uint8Array, Expectation][] = [
    ['empty', '', badRequest],
    ['whitespace', ' \n\t ', badRequest],
    ['open-brace', '{', badRequest],
    ['close-brace', '}', badRequest],
    ['null', 'null', badRequest],
    ['string', '"hello"', badRequest],
    ['number', '42', badRequest],
    ['true', 'true', badRequest],
    ['nul-byte', '\u0000', badRequest],
    // RFC 8259 lets a parser ignore a byte order mark: served or refused, never an error.
    ['bom-prefixed', `\ufeff${read}`, { status: [200, 400] }],
    ['two-documents', `${read}${read}`, badRequest],
    ['trailing-comma', read.replace(/}$/, ',}'), badRequest],
    ['comment', `/* hi */${read}`, badRequest],
    ['single-quotes', read.replaceAll('"', "'"), badRequest],
    ['nan-literal', read.replace(/}$/, ',"n":NaN}'), badRequest],
    ['truncated', read.slice(0, read.length - 5), badRequest],
    ['utf16-encoded', new Uint8Array(Buffer.from(read, 'utf16le')), badRequest],
    ['invalid-utf8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), badRequest],
    ['deep-arrays-33', `{"variables":${nestedArrays(33)}}`, tooDeep],
    ['deep-arrays-5000', `{"a":${nestedArrays(5000)}}`, tooDeep],
    ['deep-objects-1500', `{"a":${nestedObjects(1500)}}`, tooDeep],
    ['deep-in-extensions', `{"extensions":{"persistedQuery":${nestedArrays(100)}}}`, tooDeep],
    ['over-body-cap', apq('GetEntity', { id: ctx.ids.entity, pad: 'p'.repeat(20_000) }), tooLarge],
    ['one-megabyte', `{"a":"${'m'.repeat(1024 * 1024)}"}`, tooLarge],
    [
      'many-keys',
      JSON.stringify(Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, i]))),
      { status: [400, 413] },
    ],
  ];
  const cases = malformed.map(([name, body, expect]) => edgePost(`bodies/edge-${name}`, 'bodies', body, expect));

  const stepUp = (
    name: string,
    body: string,
    expect: Expectation,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ): Case => ({
    id: `bodies/step-up-${name}`,
    category: 'bodies',
    target: 'stepUp',
    method: 'POST',
    path: '/stepup/authenticate/options',
    headers,
    body,
    auth: {},
    expect,
  });
  cases.push(
    stepUp('open-brace', '{', badRequest),
    stepUp('array', '[]', badRequest),
    stepUp('string', '"x"', badRequest),
    stepUp('deep', `{"scopes":${nestedArrays(3000)}}`, tooDeep),
    stepUp('over-cap', `{"scopes":["${'s'.repeat(40_000)}"]}`, tooLarge),
    stepUp('text-plain', '{"scopes":["mutate:merge"]}', { status: [415] }, { 'content-type': 'text/plain' }),
    stepUp('no-content-type', '{"scopes":["mutate:merge"]}', { status: [415] }, {}),
    stepUp('nul', '\u0000', badRequest),
  );
  return cases;
}
