import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { clientPrintings, normaliseDocument } from './normalise.js';

const normal = (text: string) => print(normaliseDocument(parse(text)));

describe('the normal form of a document', () => {
  it('adds __typename to every selection set below the operation root, last', () => {
    const out = normal('query Q { a { b c { d } ... on T { e } } }');
    expect(out).toBe(
      'query Q {\n  a {\n    b\n    c {\n      d\n      __typename\n    }\n    ... on T {\n      e\n      __typename\n    }\n    __typename\n  }\n}',
    );
  });

  it('moves a plain __typename to the end, keeps aliased or conditional ones, and is idempotent', () => {
    const moved = normal('query Q { a { __typename b } }');
    const kept = normal('query Q { a { t: __typename b __typename @include(if: true) } }');
    expect(moved).toBe(normal('query Q { a { b } }'));
    expect(kept).toMatch(/t: __typename\n {4}b\n {4}__typename @include\(if: true\)\n {4}__typename\n/);
    expect(normal(moved)).toBe(moved);
  });

  it('sorts operations before fragments, each by name in code-unit order', () => {
    const out = normal('fragment b on T { x } fragment B on T { x } query Q { a { ...b ...B } }');
    expect(out.indexOf('query Q')).toBe(0);
    expect(out.indexOf('fragment B')).toBeLessThan(out.indexOf('fragment b'));
  });

  it("prints the same document as graphql-js does and as urql's one-newline join does", () => {
    const doc = normaliseDocument(parse('query Q { a { ...F } } fragment F on T { x }'));
    const [apollo, urql] = clientPrintings(doc);
    expect(apollo).toContain('}\n\nfragment F');
    expect(urql).toBe(apollo!.replace('}\n\nfragment', '}\nfragment'));
  });
});
