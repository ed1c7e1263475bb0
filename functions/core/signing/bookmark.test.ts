import { describe, expect, it } from 'vitest';
import { openBookmarks, sealBookmarks } from './bookmark.js';
import { SignatureError } from './errors.js';

const key = { kid: 'k1', secret: 'test-secret-one' };
const now = 1_800_000_000_000;

async function refusal(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof SignatureError ? `${err.code}: ${err.message}` : 'other';
  }
}

describe('sealed bookmarks', () => {
  it('opens what it sealed for the same tenant, and several at once', async () => {
    const a = await sealBookmarks(key, 'acme', ['FB:one'], { now });
    const b = await sealBookmarks(key, 'acme', ['FB:two', 'FB:one'], { now });
    expect(await openBookmarks([key], 'acme', a, now)).toEqual(['FB:one']);
    expect(await openBookmarks([key], 'acme', `${a}, ${b}`, now)).toEqual(['FB:one', 'FB:two']);
    expect(await openBookmarks([key], 'acme', '  ', now)).toEqual([]);
    expect(await openBookmarks([key], 'acme', null, now)).toEqual([]);
  });

  it('opens a bookmark sealed with the previous key during rotation', async () => {
    const previous = { kid: 'k0', secret: 'old-secret' };
    const sealed = await sealBookmarks(previous, 'acme', ['FB:one'], { now });
    expect(await openBookmarks([key, previous], 'acme', sealed, now)).toEqual(['FB:one']);
  });

  it('refuses raw, forged, other-tenant, other-key, expired and oversized values as BAD_BOOKMARK', async () => {
    const sealed = await sealBookmarks(key, 'acme', ['FB:one'], { now, ttlS: 60 });
    const [, payload, mac] = sealed.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ e: 9e9, b: ['FB:future'] })).toString('base64url');
    const cases: [string, string][] = [
      ['FB:kcwQpkZqnN/RQGKGc3TJhsP0diGQ', 'not a bookmark this service issued'],
      [`gb1.${forgedPayload}.${mac}`, 'not a bookmark this service issued'],
      [`gb1.${payload}.${mac}x`, 'not a bookmark this service issued'],
      [`gb1.${payload}.${mac}.extra`, 'not a bookmark this service issued'],
      [`gb1.${payload}.!!!`, 'not a bookmark this service issued'],
      [await sealBookmarks({ kid: 'k1', secret: 'another' }, 'acme', ['FB:one'], { now }), 'not a bookmark'],
      [Array(9).fill(sealed).join(','), 'at most 8 bookmarks'],
      ['x'.repeat(5000), 'at most 8 bookmarks'],
    ];
    for (const [value, message] of cases) {
      expect(await refusal(openBookmarks([key], 'acme', value, now))).toMatch(
        new RegExp(`^BAD_BOOKMARK: .*${message}`),
      );
    }
    expect(await refusal(openBookmarks([key], 'other', sealed, now))).toMatch(/^BAD_BOOKMARK: .*not a bookmark/);
    expect(await refusal(openBookmarks([key], 'acme', sealed, now + 61_000))).toMatch(/^BAD_BOOKMARK: .*expired/);
  });
});
