import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { payloadBytes } from './payload-size.js';

const row = (...values: unknown[]) => ({ length: values.length, get: (i: number) => values[i], values });

describe('payloadBytes', () => {
  it('counts about as many bytes as the JSON the values become', () => {
    const entity = {
      id: 'e1',
      kind: 'PERSON',
      names: ['Ada Lovelace', 'A. King'],
      attributes: JSON.stringify({ born: 1815, note: 'x'.repeat(500) }),
      sources: JSON.stringify([{ system: 'crm', recordId: '42' }]),
      createdAt: neo4j.int(1_700_000_000_000),
    };
    const rows = Array.from({ length: 50 }, () => row(entity, null));
    const json = JSON.stringify(rows.map((r) => r.values));

    const bytes = payloadBytes(rows, 10_000_000);

    expect(bytes).toBeGreaterThan(0.9 * json.length);
    expect(bytes).toBeLessThan(1.2 * json.length);
  });

  it('counts text outside ASCII in UTF-8 bytes when the count comes near the cap', () => {
    const rows = [row({ names: ['日本'.repeat(1000)] })];

    expect(payloadBytes(rows, 1_000_000_000)).toBeLessThan(2100);
    expect(payloadBytes(rows, 5000)).toBeGreaterThan(6000);
  });
});
