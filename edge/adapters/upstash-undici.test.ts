import { describe, expect, it } from 'vitest';
import { resendable } from './upstash-undici.js';

const failure = (code: string) => Object.assign(new Error(code), { code });

describe('resendable', () => {
  it('resends any command the endpoint never received (no connection made)', () => {
    expect(resendable(failure('ECONNREFUSED'), ['eval', 'return 1', '1', 'k'])).toBe(true);
    expect(resendable(new Error('connect', { cause: failure('ECONNREFUSED') }), ['incr', 'k'])).toBe(true);
  });

  it('resends a read after a reset, when it may have run once already', () => {
    expect(resendable(failure('UND_ERR_SOCKET'), ['get', 'k'])).toBe(true);
    expect(
      resendable(failure('ECONNRESET'), [
        ['GET', 'a'],
        ['mget', 'b', 'c'],
      ]),
    ).toBe(true);
  });

  it('never resends a script or a write that may have run: the rate limiter would count the request twice', () => {
    expect(resendable(failure('ECONNRESET'), ['eval', 'redis.call("INCR", KEYS[1])', '1', 'k'])).toBe(false);
    expect(
      resendable(failure('UND_ERR_SOCKET'), [
        ['get', 'a'],
        ['incr', 'b'],
      ]),
    ).toBe(false);
  });

  it('does not resend after errors it cannot place', () => {
    expect(resendable(new Error('timeout'), ['get', 'k'])).toBe(false);
    expect(resendable(failure('UND_ERR_HEADERS_TIMEOUT'), ['get', 'k'])).toBe(false);
  });
});
