import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../rng.js';
import { normaliseRecord } from '../normalise.js';
import { personRecord } from '../test-support/records.js';
import { blockedPairs, type TrainingRecord, trainModel } from './recipe.js';

/** 210 people, a third of them with a second record (same name and birth date, half with a new identifier). */
function records(): TrainingRecord[] {
  const rng = mulberry32(11);
  const given = ['ada', 'alan', 'grace', 'edsger', 'barbara', 'donald', 'frances', 'ken', 'radia', 'lynn'];
  const family = ['lovelace', 'turing', 'hopper', 'dijkstra', 'liskov', 'knuth', 'allen', 'thompson', 'perlman'];
  const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)]!;
  const out: TrainingRecord[] = [];
  for (let i = 0; i < 210; i++) {
    const name = `${pick(given)} ${pick(family)} ${i}x`;
    const birth = `19${String(10 + Math.floor(rng() * 80))}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)}`;
    const nid = String(100000 + Math.floor(rng() * 800000));
    const copies = i % 3 === 0 ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const r = personRecord({
        names: [name],
        dates: [{ type: 'birth', value: birth }],
        identifiers: [{ scheme: 'nid', value: c === 1 && i % 2 === 0 ? String(Number(nid) + 1) : nid }],
      });
      const n = normaliseRecord(r);
      out.push({ ...n, attributes: r.attributes });
    }
  }
  return out;
}

describe('training recipe', () => {
  it('learns that agreement is evidence and disagreement is not, the same model for the same seed', () => {
    const data = records();
    const a = trainModel(data, { seed: 5, uPairs: 20_000 });
    const b = trainModel(data, { seed: 5, uPairs: 20_000 });
    expect(b.model.version).toBe(a.model.version);
    const bf = (comparison: string, level: string) => {
      const p = a.model.comparisons[comparison]![level]!;
      return p.m / p.u;
    };
    expect(bf('name', 'exact')).toBeGreaterThan(100);
    expect(bf('name', 'different')).toBeLessThan(0.1);
    expect(bf('date:birth', 'exact')).toBeGreaterThan(100);
    expect(bf('identifier:nid', 'exact')).toBeGreaterThan(100);
    expect(bf('identifier:nid', 'different')).toBeLessThan(1);
    expect(a.stats.sessions.every((s) => s.converged)).toBe(true);
    // 70 true pairs among 280 records: the prior is near 70 / (280·279/2).
    expect(a.stats.records).toBe(280);
    expect(a.stats.prior).toBeGreaterThan(0.3 * (70 / 39_060));
    expect(a.stats.prior).toBeLessThan(3 * (70 / 39_060));
  }, 30_000);

  it('finds pairs per blocking rule and leaves out blocks over the bound', () => {
    const data = records();
    const all = blockedPairs(data, { maxBlock: data.length });
    const bounded = blockedPairs(data, { maxBlock: 2 });
    expect(all.byRule.get('name')!.length).toBeGreaterThan(bounded.byRule.get('name')!.length);
    expect(bounded.skippedBlocks.name).toBeGreaterThan(0);
    expect(() => trainModel(data.slice(0, 1))).toThrow(RangeError);
  });
});
