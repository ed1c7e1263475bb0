import { describe, expect, it } from 'vitest';
import { RestRequestError } from './errors.js';
import { presentedToken, toRestCall } from './request.js';

const url = (pathAndQuery: string) => new URL(`http://upstash.local${pathAndQuery}`);
const noBody = Buffer.alloc(0);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('request forms', () => {
  it('reads one command from a JSON array posted to /', () => {
    expect(toRestCall('POST', url('/'), json(['SET', 'k', 1]))).toEqual({
      kind: 'command',
      command: ['SET', 'k', '1'],
    });
  });

  it('reads a command from the path, one URL-decoded argument per segment', () => {
    const call = toRestCall('GET', url('/hget/employee%3A23381/a%2Fb%20c'), noBody);
    expect(call).toEqual({ kind: 'command', command: ['hget', 'employee:23381', 'a/b c'] });
  });

  it('appends a POST body to a path command as its last argument, raw bytes, then the query parameters', () => {
    // Prepare
    const body = Buffer.from([0x7b, 0x22, 0xff, 0x7d]);

    // Act
    const call = toRestCall('POST', url('/set/foo?EX=100&NX&_token=secret'), body);

    // Assess
    expect(call).toEqual({ kind: 'command', command: ['set', 'foo', body, 'EX', '100', 'NX'] });
  });

  it('reads pipelines and transactions from their paths', () => {
    const body = json([
      ['SET', 'a', 1],
      ['GET', 'a'],
    ]);
    expect(toRestCall('POST', url('/pipeline'), body)).toMatchObject({ kind: 'pipeline' });
    expect(toRestCall('POST', url('/multi-exec'), body)).toMatchObject({ kind: 'multi-exec' });
  });

  it('refuses a whole transaction with a malformed command, since it cannot run in part', () => {
    const body = json([
      ['SET', 'a', 1],
      ['SET', 'b', { no: 1 }],
    ]);
    expect(() => toRestCall('POST', url('/multi-exec'), body)).toThrow(/body\[1\]\[2\]/);
    expect(toRestCall('POST', url('/pipeline'), body)).toMatchObject({ kind: 'pipeline' });
  });

  it('answers malformed requests with 400 (or 405 for a GET pipeline)', () => {
    const status = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof RestRequestError ? err.status : 'other';
      }
      return 'no error';
    };
    expect(status(() => toRestCall('POST', url('/'), Buffer.from('{nope')))).toBe(400);
    expect(status(() => toRestCall('GET', url('/'), noBody))).toBe(400);
    expect(status(() => toRestCall('GET', url('/get/%E0%A4%A'), noBody))).toBe(400);
    expect(status(() => toRestCall('GET', url('/pipeline'), noBody))).toBe(405);
  });
});

describe('presented token', () => {
  it('prefers the Authorization header and falls back to ?_token=', () => {
    expect(presentedToken('Bearer abc', url('/?_token=xyz'))).toBe('abc');
    expect(presentedToken(undefined, url('/get/k?_token=xyz'))).toBe('xyz');
    expect(presentedToken(undefined, url('/get/k'))).toBeUndefined();
    expect(presentedToken('Basic abc', url('/'))).toBe('');
  });
});
