import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPolicies } from '../../../infra/local/policies/build.js';
import type { PolicyEngine } from './engine.js';
import { ENTRYPOINTS } from './entrypoints.js';
import { PolicyDeniedError } from './errors.js';
import { type ExportRecord, type ExportRequest, transformExport } from './export-transform.js';
import { scopeFingerprint } from './scope.js';
import { loadWasmPolicyEngine } from './wasm-engine.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 28);
const investigator = { roles: ['investigator'], clearances: ['pii'] };

let outDir: string;
let engine: PolicyEngine;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'graphgate-policy-int-'));
  await buildPolicies({ outDir });
  engine = await loadWasmPolicyEngine(outDir);
}, 120_000);
afterAll(() => rm(outDir, { recursive: true, force: true }));

const rules = (d: { reasons: { rule: string }[] }) => d.reasons.map((r) => r.rule).sort();
const record = (over: Partial<ExportRecord> = {}) => ({
  id: 'e-1',
  classes: ['entity'],
  purposes: ['fraud-review'],
  licences: ['internal-only'],
  fields: { id: 'entity' },
  created_at_ms: NOW - DAY,
  ...over,
});

describe('wasm bundle', () => {
  it('stamps every decision with the revision from the build', async () => {
    const stamp = JSON.parse(await readFile(join(outDir, 'revision.json'), 'utf8'));
    expect(stamp.revision).toMatch(/^[0-9a-f]{64}$/);
    for (const entrypoint of ENTRYPOINTS) {
      const d = engine.evaluate(entrypoint, {});
      expect(d.revision).toBe(stamp.revision);
    }
  });

  it('answers an empty input on every entrypoint with an explained decision, never a crash', () => {
    for (const entrypoint of ENTRYPOINTS) {
      const d = engine.evaluate(entrypoint, {});
      expect(d.reasons.length).toBeGreaterThan(0);
      if (!d.allow) expect(d.reasons.every((r) => r.unlock)).toBe(true);
    }
  });

  it('gives a default deny its own reason', () => {
    expect(rules(engine.evaluate('graphgate/purpose/decision', {}))).toEqual(['purpose.default_deny']);
    expect(rules(engine.evaluate('graphgate/scope/decision', {}))).toEqual(['scope.default_deny']);
  });
});

describe('decisions on real inputs', () => {
  it('denies purpose drift and names the purpose that would unlock it', () => {
    const d = engine.evaluate('graphgate/purpose/decision', {
      caller: investigator,
      request: { purpose: 'investigation' },
      record: record(),
    });
    expect(d.allow).toBe(false);
    expect(rules(d)).toEqual(['purpose.drift']);
    expect(d.reasons[0]!.unlock).toContain("'fraud-review'");
  });

  it('lets the PII deny win over a collected-for allow', () => {
    const d = engine.evaluate('graphgate/purpose/decision', {
      caller: { roles: ['analyst'] },
      request: { purpose: 'analytics' },
      record: record({ classes: ['pii'], purposes: ['analytics'] }),
    });
    expect(d.allow).toBe(false);
    expect(rules(d)).toContain('purpose.pii_not_permitted');
  });

  it('applies the most restrictive of mixed licences', () => {
    const d = engine.evaluate('graphgate/licence/decision', {
      request: { audience: 'partner' },
      record: record({ licences: ['public', 'internal-only'] }),
    });
    expect(d).toMatchObject({ allow: false, licence: 'internal-only' });
  });

  it('expires PII after 30 days unless it is under legal hold', () => {
    const old = record({ classes: ['pii'], created_at_ms: NOW - 31 * DAY });
    const expired = engine.evaluate('graphgate/retention/decision', { now_ms: NOW, record: old });
    const held = engine.evaluate('graphgate/retention/decision', { now_ms: NOW, record: { ...old, legal_hold: true } });
    expect(expired).toMatchObject({ allow: false, tier: 'short-30d', expires_at_ms: old.created_at_ms + 30 * DAY });
    expect(held).toMatchObject({ allow: true, tier: 'legal-hold', held: true, expires_at_ms: null });
  });

  it('skips step-up only through an exemption and marks every sensitive call for audit', () => {
    const op = { operation: { name: 'MergeEntity', sensitive: true } };
    const service = engine.evaluate('graphgate/stepup/decision', {
      caller: { kind: 'service', service: 'er-intake' },
      request: op,
    });
    const person = engine.evaluate('graphgate/stepup/decision', { caller: { kind: 'human' }, request: op });
    expect(service).toMatchObject({ allow: true, audit: true, exemption: 'er-auto-merge' });
    expect(person).toMatchObject({ allow: false, audit: true, enforcement: 'enforce' });
  });

  it('fingerprints scope stably and separates different scopes', () => {
    const a = scopeFingerprint(engine, { roles: ['analyst', 'viewer'] });
    expect(scopeFingerprint(engine, { roles: ['viewer', 'analyst', 'unknown'] })).toBe(a);
    expect(scopeFingerprint(engine, { roles: ['investigator'], clearances: ['pii'] })).not.toBe(a);
    expect(scopeFingerprint(engine, { roles: ['investigator'] })).not.toBe(
      scopeFingerprint(engine, { roles: ['investigator'], clearances: ['pii'] }),
    );
  });
});

describe('export transform on the wasm policy', () => {
  const request: ExportRequest = {
    caller: investigator,
    purpose: 'investigation',
    audience: 'partner',
    kind: 'nlq',
    quasi_identifiers: ['age', 'postcode'],
  };
  const people = (ages: number[], postcodes: string[]) =>
    ages.map(
      (age, i) =>
        record({
          id: `p-${i}`,
          classes: ['entity', 'contact'],
          purposes: ['investigation'],
          licences: ['partner-shareable'],
          fields: { age: 'entity', postcode: 'entity', email: 'contact' },
          values: { age, postcode: postcodes[i % postcodes.length], email: `p${i}@example.test` },
        }) as ExportRecord,
    );

  it('redacts by class and leaves every released group with at least k rows', () => {
    const ages = Array.from({ length: 40 }, (_, i) => 20 + ((i * 7) % 40));
    const { rows, report } = transformExport(
      engine,
      request,
      people(ages, ['SW1A 1AA', 'SW1B 2BB', 'EC1A 3CC']),
      new Date(NOW),
    );
    expect(rows.every((r) => !('email' in r))).toBe(true);
    const sizes = new Map<string, number>();
    for (const r of rows) sizes.set(`${r.age}|${r.postcode}`, (sizes.get(`${r.age}|${r.postcode}`) ?? 0) + 1);
    expect(Math.min(...sizes.values())).toBeGreaterThanOrEqual(5);
    expect(report.records_in - report.records_out).toBe(report.kanonymity.suppressed_rows);
    expect(report.kanonymity.suppressed_rows).toBeLessThanOrEqual(Math.floor(0.1 * 40));
  });

  it('redacts the history a merge keeps of an attribute (observed.<name>) like the attribute itself', () => {
    const history = [{ value: 'old@example.test', sources: ['crm/1'] }];
    const records = people(
      Array.from({ length: 10 }, () => 30),
      ['SW1A 1AA'],
    ).map((r) => ({
      ...r,
      fields: { ...r.fields, 'observed.email': 'contact' },
      values: { ...r.values, 'observed.email': history },
    }));
    const { rows, report } = transformExport(engine, request, records, new Date(NOW));
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => !('observed.email' in r) && !('email' in r) && 'age' in r)).toBe(true);
    expect(report.redacted[0]!.fields.sort()).toEqual(['email', 'observed.email']);
  });

  it('refuses an export with too-small groups it cannot fix, with the explain', () => {
    const ages = [21, 22, 23, 24];
    const attempt = () => transformExport(engine, request, people(ages, ['SW1A 1AA']), new Date(NOW));
    expect(attempt).toThrow(PolicyDeniedError);
    try {
      attempt();
    } catch (error) {
      expect((error as PolicyDeniedError).reasons[0]!.rule).toBe('kanon.too_few_records');
    }
  });

  it('refuses the whole export when one record is denied, naming the rule', () => {
    const records = people([30, 31, 32, 33, 34], ['SW1A 1AA']);
    records[2] = { ...records[2]!, licences: ['no-export'] };
    expect(() => transformExport(engine, request, records, new Date(NOW))).toThrow(/licence\.no_export/);
  });
});
