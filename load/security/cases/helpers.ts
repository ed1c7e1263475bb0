/** Small builders the case generators share. */
import { operationByName } from '../../../functions/core/manifest/index.js';
import type { Case, Expectation } from '../types.js';

/** The persisted-query body of operation `name`, as a client sends it. */
export function apq(name: string, variables: unknown = {}, extra: Record<string, unknown> = {}): string {
  const op = operationByName(name);
  return JSON.stringify({
    operationName: op.name,
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: op.id } },
    ...extra,
  });
}

/** The manifest id of `name`. */
export const opId = (name: string) => operationByName(name).id;

export const json = { 'content-type': 'application/json' } as const;

/** A POST of `body` to the edge's /graphql with a valid analyst token unless `auth` says otherwise. */
export function edgePost(
  id: string,
  category: Case['category'],
  body: string | Uint8Array,
  expect: Expectation,
  more: Partial<Case> = {},
): Case {
  return {
    id,
    category,
    target: 'edge',
    method: 'POST',
    path: '/graphql',
    headers: { ...json, ...more.headers },
    body,
    auth: more.auth ?? {},
    expect,
    ...more,
  };
}

/** Nested arrays `depth` deep. */
export const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** Nested objects `depth` deep. */
export const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

// Expectations used across categories.
export const unauthenticated: Expectation = { status: [401], code: ['UNAUTHENTICATED'] };
export const badRequest: Expectation = { status: [400] };
export const tooDeep: Expectation = { status: [400], code: ['JSON_TOO_DEEP', 'JSON_TOO_MANY_VALUES'] };
export const tooLarge: Expectation = { status: [413], code: ['PAYLOAD_TOO_LARGE'] };
export const unsupportedType: Expectation = { status: [415], code: ['UNSUPPORTED_MEDIA_TYPE'] };
/** Any refusal that is the client's: a 4xx. */
export const clientError: Expectation = { status: [400, 401, 403, 404, 405, 409, 413, 415, 422, 429] };

/** `text` as the raw UTF-8 bytes of a header value (fetch only takes Latin-1 strings; a client can send any bytes). */
export const utf8Header = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
