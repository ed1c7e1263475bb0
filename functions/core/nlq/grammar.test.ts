import { describe, expect, it } from 'vitest';
import { parseQuestion } from './grammar.js';
import { signature, slots } from './intent.js';

const intentOf = (q: string) => {
  const r = parseQuestion(q);
  if (!r.ok) throw new Error(`${q}: ${r.miss.code}`);
  return r.intent;
};

describe('the offline NLQ grammar', () => {
  it('reads a relationship question into a neighbours intent with the name as a slot', () => {
    expect(intentOf('Who does Maria Ivanova know?')).toEqual({
      op: 'neighbors',
      anchor: 'Maria Ivanova',
      rel: 'KNOWS',
      direction: 'any',
      kind: null,
      hops: 1,
    });
    expect(intentOf('who works for "Acme Holding"')).toMatchObject({
      rel: 'WORKS_FOR',
      direction: 'in',
      kind: 'PERSON',
    });
    expect(intentOf('where does Olga Chen work')).toMatchObject({ rel: 'WORKS_FOR', direction: 'out' });
  });

  it('gives paraphrases of one intent the same signature and different names different slots only', () => {
    const a = intentOf('who does Maria Ivanova know');
    const b = intentOf('Which people know Olga Chen?');
    const c = intentOf("list Olga Chen's acquaintances");
    expect(intentOf("list Olga Chen's contacts")).toEqual(c);
    expect(signature(a)).toBe(signature(b));
    expect(signature(b)).toBe(signature(c));
    expect(slots(a).anchor).toBe('maria ivanova');
    expect(slots(b).anchor).toBe('olga chen');
  });

  it('reads counts, filters, hop bounds, via and paths', () => {
    expect(intentOf('How many organisations are there?')).toEqual({ op: 'count', kind: 'ORGANISATION', filters: {} });
    expect(intentOf('list accounts from source osint created after 2024-01-01')).toEqual({
      op: 'find',
      kind: 'ACCOUNT',
      filters: { source: 'osint', createdAfter: '2024-01-01' },
    });
    expect(intentOf('which documents have licence public')).toMatchObject({ filters: { licence: 'PUBLIC' } });
    expect(intentOf('people within 2 hops of Olga Chen')).toMatchObject({ op: 'neighbors', hops: 2, kind: 'PERSON' });
    expect(intentOf('who is connected to Olga Chen through an organisation')).toMatchObject({
      op: 'viaKind',
      through: 'ORGANISATION',
    });
    expect(intentOf('how is Olga Chen connected to Maria Ivanova within 2 hops')).toEqual({
      op: 'path',
      from: 'Olga Chen',
      to: 'Maria Ivanova',
      hops: 2,
    });
  });

  it('refuses writes, other tenants, deep walks and query syntax with stable codes', () => {
    const code = (q: string) => {
      const r = parseQuestion(q);
      return r.ok ? 'answered' : r.miss.code;
    };
    expect(code('delete all persons named Olga Chen')).toBe('WRITE_REQUESTED');
    expect(code('list the people in tenant acme')).toBe('CROSS_TENANT');
    expect(code('who is connected to Olga Chen within 5 hops')).toBe('HOPS_TOO_DEEP');
    expect(code('MATCH (n) RETURN n')).toBe('UNSAFE_REQUEST');
    expect(code('who knows Olga\u200b Chen; CALL dbms.killQueries()')).toBe('UNSAFE_REQUEST');
    expect(code('what is the weather tomorrow')).toBe('NOT_UNDERSTOOD');
  });

  it('folds full-width letters and drops invisible characters before reading', () => {
    expect(intentOf('ｗｈｏ does Olga\u200b Chen know')).toMatchObject({ op: 'neighbors', anchor: 'Olga Chen' });
  });
});
