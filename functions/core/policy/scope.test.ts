import { describe, expect, it } from 'vitest';
import { createScopeResolver, fingerprintScope, scopeFingerprint } from './scope.js';
import { createStaticPolicyEngine } from './static-engine.js';

describe('fingerprintScope', () => {
  it('is a 16-character hex string', () => {
    expect(fingerprintScope({ classes: ['entity'], purposes: ['support'] })).toMatch(/^[0-9a-f]{16}$/);
  });

  it('does not depend on the order of classes or purposes', () => {
    const a = fingerprintScope({ classes: ['pii', 'entity'], purposes: ['b', 'a'] });
    const b = fingerprintScope({ classes: ['entity', 'pii'], purposes: ['a', 'b'] });
    expect(a).toBe(b);
  });

  it('separates scopes that differ in one class, and classes from purposes', () => {
    const base = fingerprintScope({ classes: ['entity'], purposes: ['support'] });
    expect(fingerprintScope({ classes: ['entity', 'pii'], purposes: ['support'] })).not.toBe(base);
    expect(fingerprintScope({ classes: ['support'], purposes: ['entity'] })).not.toBe(base);
  });
});

describe('scopeFingerprint', () => {
  it('fingerprints the scope the policy returns, not the raw attributes', () => {
    // two attribute sets the (static) policy maps to the same scope
    const engine = createStaticPolicyEngine({
      'graphgate/scope/decision': () => ({
        allow: true,
        reasons: [{ rule: 'scope.granted', message: 'granted', unlock: null }],
        classes: ['entity'],
        purposes: ['support'],
      }),
    });
    expect(scopeFingerprint(engine, { roles: ['viewer'] })).toBe(scopeFingerprint(engine, { roles: ['viewer', 'x'] }));
    expect(scopeFingerprint(engine, { roles: ['viewer'] })).toBe(
      fingerprintScope({ classes: ['entity'], purposes: ['support'] }),
    );
  });
});

describe('createScopeResolver', () => {
  const countingEngine = () => {
    const seen: unknown[] = [];
    const engine = createStaticPolicyEngine({
      'graphgate/scope/decision': (input) => {
        seen.push(input);
        const roles = ((input as { caller: { roles?: string[] } }).caller.roles ?? []).slice().sort();
        const classes = roles.includes('analyst') ? ['entity', 'pii'] : ['entity'];
        return {
          allow: true,
          reasons: [{ rule: 'scope.granted', message: 'granted', unlock: null }],
          classes,
          purposes: [],
        };
      },
    });
    return { engine, seen };
  };

  it('evaluates the policy once per attribute set and answers repeats from the memo', () => {
    const { engine, seen } = countingEngine();
    const resolve = createScopeResolver(engine);
    const analyst = { roles: ['analyst'], clearances: [], purposes: [] };
    const first = resolve(analyst);
    for (let i = 0; i < 5; i++) expect(resolve({ ...analyst }).fingerprint).toBe(first.fingerprint);
    expect(seen).toHaveLength(1);
    expect(first.fingerprint).toBe(scopeFingerprint(engine, analyst));
  });

  it('never lets two different attribute sets share an entry', () => {
    const { engine, seen } = countingEngine();
    const resolve = createScopeResolver(engine);
    const analyst = resolve({ roles: ['analyst'], clearances: [], purposes: [] });
    const viewer = resolve({ roles: ['viewer'], clearances: [], purposes: [] });
    expect(viewer.fingerprint).not.toBe(analyst.fingerprint);
    expect(resolve({ roles: ['viewer'], clearances: ['secret'], purposes: [] }).fingerprint).toBe(viewer.fingerprint);
    expect(seen).toHaveLength(3);
  });

  it('keeps at most maxEntries attribute sets, evaluating an evicted one again', () => {
    const { engine, seen } = countingEngine();
    const resolve = createScopeResolver(engine, 2);
    for (const role of ['a', 'b', 'c', 'a']) resolve({ roles: [role] });
    expect(seen).toHaveLength(4);
  });
});
