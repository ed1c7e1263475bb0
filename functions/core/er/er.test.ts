import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandOf, defaultErConfig } from './config.js';
import { normaliseIdentifier, normaliseRecord } from './normalise.js';
import { envelopeSchema, intakeEventSchema, sourceRecordSchema } from './schemas.js';
import { dateAgreement, decide, scorePair } from './score.js';
import { jaro, jaroWinkler, nameSimilarity } from './similarity.js';
import { envelopeFor, personRecord } from './test-support/records.js';

const candidate = (
  id: string,
  over: Partial<{ names: string[]; identifiers: string[]; dates: Record<string, string> }> = {},
) => ({
  id,
  kind: 'PERSON' as const,
  names: over.names ?? ['Jane Doe'],
  identifiers: over.identifiers ?? [],
  attributes: { dates: over.dates ?? {} },
});

describe('similarity', () => {
  it('matches the textbook Jaro and Jaro-Winkler values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 3);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 3);
    expect(jaro('abc', 'xyz')).toBe(0);
  });

  it('ignores word order, case, punctuation and diacritics in names', () => {
    expect(nameSimilarity('John Smith', 'SMITH, John')).toBe(1);
    expect(nameSimilarity('José Müller', 'jose muller')).toBe(1);
  });

  it('is symmetric and bounded for any strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const s = nameSimilarity(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(nameSimilarity(b, a)).toBeCloseTo(s, 10);
      }),
    );
  });
});

describe('normalisation', () => {
  it('canonicalises identifiers so spellings of one value block together', () => {
    expect(normaliseIdentifier('LEI', ' 5493 00-ab.cd ')).toBe('lei:549300ABCD');
  });

  it('collapses names, drops case-duplicates and keeps the first date of a type', () => {
    const n = normaliseRecord(
      personRecord({
        names: ['  Jane   Doe ', 'JANE DOE', 'J. Doe'],
        dates: [
          { type: 'birth', value: '1980-02-03' },
          { type: 'birth', value: '1999' },
        ],
      }),
    );
    expect(n.names).toEqual(['Jane Doe', 'J. Doe']);
    expect(n.tokens).toEqual(['jane', 'doe', 'j']);
    expect(n.dates).toEqual({ birth: '1980-02-03' });
  });
});

describe('scoring and bands', () => {
  it('puts the band edges at 0.90 and 0.60', () => {
    expect(bandOf(0.9)).toBe('HIGH');
    expect(bandOf(0.8999)).toBe('MID');
    expect(bandOf(0.6)).toBe('MID');
    expect(bandOf(0.5999)).toBe('LOW');
  });

  it('merges automatically on a shared identifier and the same name (HIGH), explaining each feature', () => {
    const r = normaliseRecord(personRecord({ identifiers: [{ scheme: 'passport', value: 'X 123' }] }));
    const s = scorePair(r, candidate('e1', { identifiers: ['passport:X123'] }));
    expect(s.score).toBe(0.95);
    expect(bandOf(s.score)).toBe('HIGH');
    expect(s.features.map((f) => [f.feature, f.contribution])).toEqual([
      ['name', 0.6],
      ['identifier', 0.35],
      ['date', 0],
    ]);
  });

  it('asks for review on the same name and birth date without identifiers (MID)', () => {
    const r = normaliseRecord(personRecord({ dates: [{ type: 'birth', value: '1980-02-03' }] }));
    const s = scorePair(r, candidate('e1', { dates: { birth: '1980-02-03' } }));
    expect(s.score).toBe(0.75);
    expect(bandOf(s.score)).toBe('MID');
  });

  it('penalises conflicting identifiers and dates down to a new entity (LOW)', () => {
    const r = normaliseRecord(
      personRecord({ identifiers: [{ scheme: 'passport', value: 'A1' }], dates: [{ type: 'birth', value: '1980' }] }),
    );
    const s = scorePair(r, candidate('e1', { identifiers: ['passport:B2'], dates: { birth: '1990-01-01' } }));
    expect(s.score).toBeCloseTo(0.1, 5);
    expect(bandOf(s.score)).toBe('LOW');
  });

  it('grades date agreement by the shared precision', () => {
    expect(dateAgreement('1980-02-03', '1980-02-03')).toBe(1);
    expect(dateAgreement('1980-02', '1980-02-03')).toBe(0.6);
    expect(dateAgreement('1980', '1980-02-03')).toBe(0.3);
    expect(dateAgreement('1980-02-03', '1980-02-04')).toBe(-1);
  });

  it('decides on the best candidate of the same kind, LOW when there is none', () => {
    const r = normaliseRecord(personRecord());
    expect(decide(r, []).band).toBe('LOW');
    const org = { ...candidate('o1'), kind: 'ORGANISATION' as const };
    expect(decide(r, [org]).candidatesScored).toBe(0);
    const d = decide(r, [candidate('e2', { names: ['Jane Dough'] }), candidate('e1')]);
    expect(d.candidateId).toBe('e1');
    expect(d.configVersion).toBe(defaultErConfig.version);
  });
});

describe('schemas', () => {
  it('accepts a complete record and fills defaults', () => {
    const parsed = sourceRecordSchema.parse({
      kind: 'ORGANISATION',
      names: ['Acme Ltd'],
      source: { system: 'registry', recordId: '42' },
      licence: 'PUBLIC',
      dataClass: 'ENTITY',
    });
    expect(parsed.identifiers).toEqual([]);
    expect(parsed.dates).toEqual([]);
  });

  it('rejects unknown enums, bad dates and missing idempotency keys', () => {
    expect(sourceRecordSchema.safeParse(personRecord({ licence: 'SECRET' as never })).success).toBe(false);
    expect(
      sourceRecordSchema.safeParse(personRecord({ dates: [{ type: 'birth', value: '1980-13-01' }] })).success,
    ).toBe(false);
    expect(intakeEventSchema.safeParse({ record: personRecord() }).success).toBe(false);
    expect(intakeEventSchema.safeParse({ idempotencyKey: 'has space', record: personRecord() }).success).toBe(false);
  });

  it('rejects records over the size cap', () => {
    const big = personRecord({ attributes: { blob: 'x'.repeat(17_000) } });
    expect(sourceRecordSchema.safeParse(big).success).toBe(false);
  });

  it('round-trips an envelope', () => {
    const e = envelopeFor('acme', 'k-1', personRecord());
    expect(envelopeSchema.parse(JSON.parse(JSON.stringify(e)))).toEqual(e);
  });
});
