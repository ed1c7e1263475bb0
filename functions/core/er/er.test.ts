import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lockStripes } from './apply.js';
import { blockingQuery } from './blocking.js';
import { defaultModel } from './model/defaults.js';
import { normaliseIdentifier, normaliseRecord } from './normalise.js';
import { envelopeSchema, intakeEventSchema, sourceRecordSchema } from './schemas.js';
import { comparableOfRecord, decide } from './score.js';
import { jaro, jaroWinkler, osaDistance } from './similarity.js';
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
  sources: [{ system: 'crm', recordId: id }],
});

describe('similarity', () => {
  it('matches the textbook Jaro and Jaro-Winkler values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 3);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 3);
    expect(jaro('abc', 'xyz')).toBe(0);
  });

  it('is symmetric and bounded for any strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaroWinkler(b, a)).toBeCloseTo(s, 10);
      }),
    );
  });

  it('counts a swap of neighbours as one edit (optimal string alignment) and stops past the bound', () => {
    expect(osaDistance('123456789', '123546789')).toBe(1);
    expect(osaDistance('kitten', 'sitting')).toBe(3);
    expect(osaDistance('kitten', 'sitting', 1)).toBe(2);
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

describe('scoring and bands (Fellegi–Sunter, the default model)', () => {
  const comparable = (r: ReturnType<typeof personRecord>) => comparableOfRecord(normaliseRecord(r), r.attributes);

  it('merges on the same name and full birth date (HIGH), explaining each comparison in a waterfall', () => {
    const r = comparable(personRecord({ dates: [{ type: 'birth', value: '1980-02-03' }] }));
    const d = decide(r, 'PERSON', [candidate('e1', { dates: { birth: '1980-02-03' } })], defaultModel);
    expect(d.band).toBe('HIGH');
    expect(d.probability).toBeGreaterThan(0.999);
    expect(d.modelVersion).toBe(defaultModel.version);
    const steps = d.explanation?.waterfall.map((w) => [w.comparison, w.level]);
    expect(steps).toEqual([
      ['name', 'exact'],
      ['date:birth', 'exact'],
      ['address', 'missing'],
    ]);
    const weight = d.explanation!.prior.log2odds + d.explanation!.waterfall.reduce((s, w) => s + w.log2bf, 0);
    expect(d.explanation!.matchWeight).toBeCloseTo(weight, 10);
  });

  it('asks a person about the same name alone (MID): the hand-set model cannot tell a common name from a rare one', () => {
    const d = decide(comparable(personRecord()), 'PERSON', [candidate('e1')], defaultModel);
    expect(d.band).toBe('MID');
    expect(d.probability).toBeGreaterThan(0.5);
    expect(d.probability).toBeLessThan(0.95);
  });

  it('keeps a one-digit identifier slip and a one-digit date typo from vetoing an otherwise strong pair', () => {
    const r = comparable(
      personRecord({
        identifiers: [{ scheme: 'nid', value: '4821-7730' }],
        dates: [{ type: 'birth', value: '1980-02-03' }],
      }),
    );
    const c = candidate('e1', { identifiers: ['nid:48217731'], dates: { birth: '1980-02-08' } });
    const d = decide(r, 'PERSON', [c], defaultModel);
    expect(d.explanation?.waterfall.map((w) => w.level)).toEqual(['exact', 'edit1', 'digit', 'missing']);
    expect(d.band).toBe('HIGH');
  });

  it('creates a new entity when the identifier and the birth year both differ (LOW)', () => {
    const r = comparable(
      personRecord({ identifiers: [{ scheme: 'passport', value: 'A1' }], dates: [{ type: 'birth', value: '1980' }] }),
    );
    const c = candidate('e1', { identifiers: ['passport:B2'], dates: { birth: '1965-01-01' } });
    expect(decide(r, 'PERSON', [c], defaultModel).explanation?.waterfall.map((w) => w.level)).toEqual([
      'exact',
      'different',
      'different',
      'missing',
    ]);
    expect(decide(r, 'PERSON', [c], defaultModel).band).toBe('LOW');
  });

  it('compares with every birth date a merged entity has seen, not only the one it shows', () => {
    const r = comparable(personRecord({ dates: [{ type: 'birth', value: '1975-06-30' }] }));
    const merged = {
      ...candidate('e1', { dates: { birth: '1980-02-03' } }),
      attributes: {
        dates: { birth: '1980-02-03' },
        observed: {
          'dates.birth': [
            { value: '1980-02-03', sources: ['crm/1'] },
            { value: '1975-06-30', sources: ['hr/9'] },
          ],
        },
      },
    };
    const d = decide(r, 'PERSON', [merged], defaultModel);
    expect(d.explanation?.waterfall.find((w) => w.comparison === 'date:birth')?.level).toBe('exact');
    expect(d.band).toBe('HIGH');
  });

  it('decides on the best candidate of the same kind, LOW when there is none, and lists other HIGH matches', () => {
    const r = comparable(personRecord({ dates: [{ type: 'birth', value: '1980-02-03' }] }));
    expect(decide(r, 'PERSON', [], defaultModel).band).toBe('LOW');
    const org = { ...candidate('o1'), kind: 'ORGANISATION' as const };
    expect(decide(r, 'PERSON', [org], defaultModel).candidatesScored).toBe(0);
    const d = decide(
      r,
      'PERSON',
      [
        candidate('e3', { names: ['Jane Dough'] }),
        candidate('e2', { dates: { birth: '1980-02-03' } }),
        candidate('e1', { dates: { birth: '1980-02-03' } }),
      ],
      defaultModel,
    );
    expect(d.candidateId).toBe('e1');
    expect(d.alsoHigh.map((s) => s.candidateId)).toEqual(['e2']);
  });
});

describe('blocking keys and lock stripes', () => {
  it('blocks on phonetic codes, identifier halves, both readings of an ambiguous date and the postcode', () => {
    const r = personRecord({
      names: ['Jon Smyth'],
      identifiers: [{ scheme: 'nid', value: '4821-7730' }],
      dates: [{ type: 'birth', value: '1980-02-03' }],
      attributes: { postcode: 'sw1a 1aa' },
    });
    const q = blockingQuery(normaliseRecord(r), r.attributes);
    expect(q.tokens).toEqual(['jon', 'smyth']);
    expect(q.identifiers).toEqual(['nid:48217730']);
    expect(q.keys).toEqual(
      expect.arrayContaining([
        'dm:JN',
        'dm:SM0',
        'idh:nid:4821',
        'idt:nid:7730',
        'date:birth:1980-02-03',
        'date:birth:1980-03-02',
        'pc:SW1A1AA',
      ]),
    );
    const smith = personRecord({ names: ['John Smith'] });
    expect(blockingQuery(normaliseRecord(smith), {}).keys).toEqual(expect.arrayContaining(['dm:JN', 'dm:SM0']));
  });

  it('gives sorted stripes, the same for the same keys, so every transaction locks in one order', () => {
    const r = personRecord({
      names: ['Ada Lovelace', 'Augusta Byron'],
      identifiers: [{ scheme: 'nid', value: '4821-7730' }],
      dates: [{ type: 'birth', value: '1815-12-10' }],
    });
    const n = normaliseRecord(r);
    const q = blockingQuery(n, {});
    const stripes = lockStripes(q, n.names);
    expect(stripes).toEqual([...stripes].sort((a, b) => a - b));
    expect(new Set(stripes).size).toBe(stripes.length);
    expect(lockStripes({ ...q, keys: [...q.keys].reverse() }, [...n.names].reverse())).toEqual(stripes);
    expect(stripes.every((s) => Number.isInteger(s) && s >= 0 && s < 65_536)).toBe(true);
    // A whole name locks, in any word order; a single shared word or its sound does not.
    expect(lockStripes({ tokens: [], identifiers: [], keys: [] }, ['LOVELACE Ada'])).toEqual(
      lockStripes({ tokens: [], identifiers: [], keys: [] }, ['Ada Lovelace']),
    );
    expect(lockStripes({ tokens: ['ada'], identifiers: [], keys: ['dm:AT'] })).toEqual([]);
    // Names that differ only by a number do not share the sound of the whole name.
    const none = { tokens: [], identifiers: [], keys: [] };
    expect(lockStripes(none, ['Unit 7'])).not.toEqual(lockStripes(none, ['Unit 9']));
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

  it('takes a record with an identifier but no name, and refuses one with neither', () => {
    const nameless = personRecord({ names: [], identifiers: [{ scheme: 'nid', value: '123456' }] });
    expect(sourceRecordSchema.safeParse(nameless).success).toBe(true);
    const nothing = sourceRecordSchema.safeParse(personRecord({ names: [] }));
    expect(nothing.success).toBe(false);
    expect(nothing.error?.issues.map((i) => i.message)).toContain('give at least one name or one identifier');
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
