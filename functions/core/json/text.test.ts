import { describe, expect, it } from 'vitest';
import { invalidText, textProblem } from './text.js';

describe('storable text', () => {
  it('accepts ordinary text, tabs and newlines, and astral characters in pairs', () => {
    for (const s of ['Jane Doe', 'a\tb\nc\r', 'Zoë 日本', '😀', '\u007f\u0085', '\ue000\ufffd']) {
      expect(textProblem(s)).toBeUndefined();
    }
  });

  it.each([
    ['NUL', 'a\u0000b', 'U+0000'],
    ['a C0 control', '\u001b[31m', 'U+001B'],
    ['U+FFFE', '\ufffe', 'U+FFFE'],
    ['U+FFFF', 'x\uffff', 'U+FFFF'],
    ['a lone high surrogate', 'a\ud800', 'lone surrogate'],
    ['a lone low surrogate', '\udc00a', 'lone surrogate'],
  ])('refuses %s', (_, s, expected) => {
    expect(textProblem(s)).toContain(expected);
  });

  it('finds the first bad string or key with its path', () => {
    expect(invalidText({ names: ['ok', 'b\u0000'] })).toMatchObject({ path: ['names', 1] });
    expect(invalidText({ attributes: { 'k\uffff': 1 } })).toMatchObject({
      path: ['attributes', 'k\uffff'],
      problem: expect.stringMatching(/^key /),
    });
    expect(invalidText({ a: [1, null, true, { b: 'fine' }] })).toBeUndefined();
  });
});
