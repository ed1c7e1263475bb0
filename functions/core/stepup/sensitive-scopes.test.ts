import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadSchema } from '../manifest/schema-source.js';
import { sensitiveScopes } from './sensitive-scopes.js';

const schema = loadSchema();
const decide = parse(`mutation D($ids: [ID!]!, $decision: ReviewDecision!, $reason: String!) {
  decideReviews(ids: $ids, decision: $decision, reason: $reason) { succeeded }
}`);
const scopesOf = (doc: ReturnType<typeof parse>, variables?: Record<string, unknown> | null) =>
  sensitiveScopes(schema, doc, null, variables);

describe('sensitive scopes of an operation', () => {
  it('asks step-up of a review decision only when it accepts (a merge), from variables or literals', () => {
    const literal = (d: string) =>
      parse(`mutation { decideReviews(ids: ["rv-1"], decision: ${d}, reason: "x") { succeeded } }`);

    expect(scopesOf(decide, { ids: ['rv-1'], decision: 'ACCEPT', reason: 'x' })).toEqual(['mutate:merge']);
    expect(scopesOf(decide, { ids: ['rv-1'], decision: 'REJECT', reason: 'x' })).toEqual([]);
    expect(scopesOf(decide, { ids: ['rv-1'], decision: 'DEFER', reason: 'x' })).toEqual([]);
    expect(scopesOf(literal('ACCEPT'), {})).toEqual(['mutate:merge']);
    expect(scopesOf(literal('REJECT'), {})).toEqual([]);
  });

  it('stays strict when the value cannot be told (no variables), and always for unconditional fields', () => {
    const undo = parse('mutation { undoDecision(id: "rv-1") { outcome } }');

    expect(scopesOf(decide, null)).toEqual(['mutate:merge']);
    expect(scopesOf(undo, {})).toEqual(['mutate:unmerge']);
  });
});
