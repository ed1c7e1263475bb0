import { describe, expect, it } from 'vitest';
import { sourceRecordSchema } from '../../functions/core/er/schemas.js';
import { mulberry32 } from '../../infra/local/seed/names.js';
import { blockingRecall, columnKeys, graphgateKeys } from './blocking.js';
import { corruptionKinds, dateDigit, dateSwap, idTranspose, ocr, typo } from './corrupt.js';
import { fullName, generate, toSourceRecord } from './generator.js';

describe('labelled generator', () => {
  it('gives the same records, labels and order for the same seed, and others for another seed', () => {
    const a = generate({ people: 200, seed: 11 });
    const b = generate({ people: 200, seed: 11 });
    const c = generate({ people: 200, seed: 12 });
    expect(b).toEqual(a);
    expect(c.records).not.toEqual(a.records);
  });

  it('gives every person 1 to 5 records and shuffles them out of person order', () => {
    const { people, records } = generate({ people: 300, seed: 3 });
    const per = new Map<string, number>();
    for (const r of records) per.set(r.personId, (per.get(r.personId) ?? 0) + 1);
    expect(per.size).toBe(people.length);
    expect(Math.min(...per.values())).toBe(1);
    expect(Math.max(...per.values())).toBe(5);
    const sorted = [...records].sort((x, y) => x.personId.localeCompare(y.personId));
    expect(records.map((r) => r.recordId)).not.toEqual(sorted.map((r) => r.recordId));
  });

  it('uses every kind of corruption', () => {
    const { records } = generate({ people: 500, seed: 5 });
    const seen = new Set(records.flatMap((r) => r.corruptions));
    expect([...seen].sort()).toEqual([...corruptionKinds].sort());
  });

  it('keeps labels consistent: a field differs from the truth only when a corruption says so', () => {
    const { people, records } = generate({ people: 500, seed: 9 });
    const byId = new Map(people.map((p) => [p.id, p]));
    const nameKinds = ['typo', 'ocr', 'nickname', 'nameSwap', 'nameMissing'];
    for (const r of records) {
      const truth = byId.get(r.personId)!.fields;
      const has = (...kinds: string[]) => r.corruptions.some((k) => kinds.includes(k));
      if (!has(...nameKinds)) expect(fullName(r.fields)).toBe(fullName(truth));
      if (!has('idDigit', 'idTranspose', 'idMissing', 'ocr')) expect(r.fields.nid).toBe(truth.nid);
      if (!has('dateDigit', 'dateSwap', 'dateMissing')) expect(r.fields.dob).toBe(truth.dob);
      if (has('idMissing')) expect(r.fields.nid).toBeNull();
      if (has('dateMissing')) expect(r.fields.dob).toBeNull();
      expect(r.fields.address).toEqual(has('move') ? expect.not.objectContaining(truth.address) : truth.address);
      expect(new Set(r.corruptions).size).toBe(r.corruptions.length);
    }
  });

  it('makes records the intake API accepts', () => {
    const { records } = generate({ people: 300, seed: 4 });
    for (const r of records) expect(sourceRecordSchema.safeParse(toSourceRecord(r)).success).toBe(true);
  });
});

describe('corruptions', () => {
  const rng = mulberry32(1);

  it('changes a word by one edit and keeps its first letter', () => {
    for (let i = 0; i < 50; i++) {
      const out = typo(rng, 'Margaret');
      expect(out).not.toBe('Margaret');
      expect(out[0]).toBe('M');
      expect(Math.abs(out.length - 8)).toBeLessThanOrEqual(1);
    }
  });

  it('confuses OCR look-alikes and leaves text without them alone', () => {
    expect(ocr(rng, '105')).toMatch(/^(l05|1O5|10S)$/);
    expect(ocr(rng, 'Turner')).toBe('Tumer');
    expect(ocr(rng, 'xyz')).toBeNull();
  });

  it('swaps day and month only when the day can be a month', () => {
    expect(dateSwap('1980-03-07')).toBe('1980-07-03');
    expect(dateSwap('1980-03-17')).toBeNull();
    expect(dateSwap('1980-04-04')).toBeNull();
  });

  it('keeps a date real after a digit typo', () => {
    for (let i = 0; i < 100; i++) {
      const d = dateDigit(rng, '1984-02-28');
      expect(d).not.toBe('1984-02-28');
      expect(new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10)).toBe(d);
    }
  });

  it('transposes two different neighbouring digits', () => {
    expect(idTranspose(rng, '12')).toBe('21');
    expect(idTranspose(rng, '111')).toBeNull();
  });
});

describe('blocking recall', () => {
  it('counts pairs sharing a name token or identifier, and pairs reachable through the same person', () => {
    const { records } = generate({ people: 300, seed: 2 });
    const gg = blockingRecall(records, graphgateKeys);
    const nids = blockingRecall(records, columnKeys(['nid']));
    expect(gg.truePairs).toBeGreaterThan(0);
    expect(gg.direct).toBeGreaterThan(0.5);
    expect(gg.viaPerson).toBeGreaterThanOrEqual(gg.direct);
    expect(nids.direct).toBeLessThan(gg.direct);
  });
});
