import { describe, expect, it } from 'vitest';
import { parseJsonRequest, requireJsonMediaType } from './json.js';

const headers = (type?: string) => new Headers(type === undefined ? {} : { 'content-type': type });

describe('requireJsonMediaType', () => {
  it('accepts application/json with parameters and in any case', () => {
    expect(() => requireJsonMediaType(headers('application/json'))).not.toThrow();
    expect(() => requireJsonMediaType(headers('Application/JSON; charset=utf-8'))).not.toThrow();
  });

  it.each([
    'application/jsonp',
    'application/graphql-response+json',
    'application/graphql+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    '',
    undefined,
  ])('refuses %s with 415', (type) => {
    expect(() => requireJsonMediaType(headers(type))).toThrow(
      expect.objectContaining({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }),
    );
  });
});

describe('parseJsonRequest', () => {
  it('parses JSON within the limits', () => {
    expect(parseJsonRequest('{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
  });

  it('answers text that is not JSON with 400 BAD_REQUEST', () => {
    expect(() => parseJsonRequest('{', { what: 'events' })).toThrow(
      expect.objectContaining({ status: 400, code: 'BAD_REQUEST', message: 'events is not valid JSON' }),
    );
  });

  it('answers 2,100 nested arrays (4 KB) with 400 JSON_TOO_DEEP', () => {
    const text = `{"v":${'['.repeat(2100)}${']'.repeat(2100)}}`;
    expect(text.length).toBeLessThan(8 * 1024);
    expect(() => parseJsonRequest(text)).toThrow(expect.objectContaining({ status: 400, code: 'JSON_TOO_DEEP' }));
  });

  it('answers too many values with 400 JSON_TOO_MANY_VALUES', () => {
    const text = `[${Array.from({ length: 20 }, () => 0).join(',')}]`;
    expect(() => parseJsonRequest(text, { limits: { maxDepth: 8, maxNodes: 20 } })).toThrow(
      expect.objectContaining({ status: 400, code: 'JSON_TOO_MANY_VALUES' }),
    );
  });
});
