import { describe, expect, it } from 'vitest';
import { fingerprintScope, scopeFingerprint } from './scope.js';
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
