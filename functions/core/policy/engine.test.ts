import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toDecisionLogEntry } from './decision-log.js';
import { PolicyDecisionInvalidError, PolicyEvaluationError } from './errors.js';
import { createStaticPolicyEngine } from './static-engine.js';

const deny = (unlock: string | null) => ({
  allow: false,
  reasons: [{ rule: 'purpose.drift', message: 'Purpose drift.', unlock }],
});

describe('engine decisions', () => {
  it('stamps every decision with a fresh uuid, the entrypoint and the revision', () => {
    const engine = createStaticPolicyEngine({ 'graphgate/purpose/decision': () => deny('request purpose x') }, 'rev-1');
    const a = engine.evaluate('graphgate/purpose/decision', {});
    const b = engine.evaluate('graphgate/purpose/decision', {});
    expect(a.decision_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.decision_id).not.toBe(b.decision_id);
    expect(a).toMatchObject({ entrypoint: 'graphgate/purpose/decision', revision: 'rev-1', allow: false });
  });

  it('rejects a deny whose reason does not say what would unlock it', () => {
    const engine = createStaticPolicyEngine({ 'graphgate/purpose/decision': () => deny(null) });
    expect(() => engine.evaluate('graphgate/purpose/decision', {})).toThrow(PolicyDecisionInvalidError);
  });

  it('rejects a decision without reasons or with the wrong fields', () => {
    const engine = createStaticPolicyEngine({
      'graphgate/purpose/decision': () => ({ allow: true, reasons: [] }),
      'graphgate/scope/decision': () => ({ allow: true, reasons: deny('x').reasons }),
    });
    expect(() => engine.evaluate('graphgate/purpose/decision', {})).toThrow(/POLICY_DECISION_INVALID|invalid decision/);
    expect(() => engine.evaluate('graphgate/scope/decision', {})).toThrow(PolicyDecisionInvalidError);
  });

  it('fails with POLICY_EVALUATION_FAILED for an entrypoint it cannot answer', () => {
    const engine = createStaticPolicyEngine({});
    expect(() => engine.evaluate('graphgate/stepup/decision', {})).toThrow(PolicyEvaluationError);
  });

  it('logs the input hash, not the input, and the same input hashes the same in any key order', () => {
    const engine = createStaticPolicyEngine({ 'graphgate/purpose/decision': () => deny('u') });
    const d = engine.evaluate('graphgate/purpose/decision', {});
    const a = toDecisionLogEntry(d, { a: 1, b: { c: 'secret' } });
    const b = toDecisionLogEntry(d, { b: { c: 'secret' }, a: 1 });
    expect(a.input_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.input_hash).toBe(b.input_hash);
    expect(JSON.stringify(a)).not.toContain('secret');
  });
});

describe('policy sources', () => {
  // opa-wasm implements sprintf in JavaScript (sprintf-js), which lacks Go verbs such as %q and %v
  it('use only sprintf verbs the wasm runtime supports', async () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'policies');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      const verbs = [...text.matchAll(/sprintf\("((?:[^"\\]|\\.)*)"/g)].flatMap((m) => m[1]!.match(/%[a-zA-Z]/g) ?? []);
      expect(
        verbs.filter((v) => !['%s', '%d'].includes(v)),
        file,
      ).toEqual([]);
    }
  });
});
