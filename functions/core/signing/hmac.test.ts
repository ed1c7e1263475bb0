import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './hmac.js';

describe('base64url', () => {
  it('decodes what it encodes, for every length and every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 34; n++) {
      const bytes = all.subarray(256 - n);
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(new Uint8Array(bytes));
    }
  });

  it('decodes the URL-safe alphabet: - and _ stand for + and /', () => {
    expect([...fromBase64Url('-_-_')]).toEqual([0xfb, 0xff, 0xbf]);
  });

  it('refuses characters outside the alphabet, padding, and a length no encoding has', () => {
    for (const bad of ['ab+c', 'ab/c', 'abc=', 'ab c', 'abcde']) expect(() => fromBase64Url(bad)).toThrow(TypeError);
  });
});
