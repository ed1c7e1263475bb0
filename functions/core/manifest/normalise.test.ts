import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { clientPrintings, normaliseDocument, withoutTypenames } from './normalise.js';

const normal = (text: string) => print(normaliseDocument(parse(text)));

describe('the normal form of a document', () => {
  it('adds __typename to every selection set below the operation root, last', () => {
    const out = normal('query Q { a { b c { d } ... on T { e } } }');
    expect(out).toBe(
      'query Q {\n  a {\n    b\n    c {\n      d\n      __typename\n    }\n    ... on T {\n      e\n      __typename\n    }\n    __typename\n  }\n}',
    );
  });

  it("leaves a selection set that already selects a __ field alone (Apollo's rule), and is idempotent", () => {
    const own = normal('query Q { a { __typename b } c { t: __typename d } }');
    expect(own).toBe('query Q {\n  a {\n    __typename\n    b\n  }\n  c {\n    t: __typename\n    d\n  }\n}');
    expect(normal(own)).toBe(own);
  });

  it('strips plain __typename selections for recognition, keeping aliased ones', () => {
    const stripped = print(withoutTypenames(parse('query Q { a { __typename b t: __typename } }')));
    expect(stripped).toBe('query Q {\n  a {\n    b\n    t: __typename\n  }\n}');
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
