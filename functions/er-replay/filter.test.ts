import { describe, expect, it } from 'vitest';
import { ReplayError } from './errors.js';
import { factsOf, parseFilter } from './filter.js';

const body = JSON.stringify({
  tenant: 'acme',
  eventId: 'ev-1',
  record: { kind: 'VEHICLE', source: { system: 'crm-eu' } },
});

describe('replay filter', () => {
  it('matches all clauses of =, != and ~ against body facts and the failure code', () => {
    const facts = factsOf(body, 'KIND_NOT_ENABLED');
    expect(parseFilter('code=KIND_NOT_ENABLED,tenant=acme')(facts)).toBe(true);
    expect(parseFilter('code!=KIND_NOT_ENABLED')(facts)).toBe(false);
    expect(parseFilter('system~^crm-,kind=VEHICLE')(facts)).toBe(true);
  });

  it('gives unparseable bodies empty facts but keeps their code', () => {
    expect(factsOf('garbage', 'INVALID_EVENT')).toEqual({
      code: 'INVALID_EVENT',
      tenant: '',
      eventId: '',
      kind: '',
      system: '',
    });
  });

  it('refuses unknown fields, malformed clauses and bad regexes with INVALID_FILTER', () => {
    for (const expr of ['colour=red', 'tenant', 'system~(', '']) {
      expect(() => parseFilter(expr)).toThrow(ReplayError);
    }
  });
});
