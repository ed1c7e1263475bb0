import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config/env.js';
import { loadOriginConfig } from './config.js';

const base = {
  GRAPHGATE_STAGE: 'dev',
  NEO4J_URI: 'neo4j+s://db.example:7687',
  UPSTASH_URL: 'https://x.upstash.io',
  UPSTASH_TOKEN: 't',
  SIGNING_KEYS: 'k2:new-secret,k1:old-secret',
};

describe('origin configuration', () => {
  it('reads a valid environment, current signing key first', () => {
    const c = loadOriginConfig(base);
    expect(c.signingKeys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(c.allowArbitraryDocuments).toBe(false);
  });

  it('names every bad variable in one ConfigError', () => {
    const bad = () => loadOriginConfig({ ...base, NEO4J_URI: 'http://nope', UPSTASH_URL: 'not a url' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/NEO4J_URI.*UPSTASH_URL|UPSTASH_URL.*NEO4J_URI/);
  });

  it('has no variable that switches step-up off: the stage only selects its setting in policy data', () => {
    const c = loadOriginConfig({ ...base, STEPUP_ENFORCE: 'none' });
    expect(c.stepUp.stage).toBe('dev');
    expect(c.stepUp).not.toHaveProperty('enforce');
  });

  it('refuses arbitrary documents outside the local stage', () => {
    expect(() => loadOriginConfig({ ...base, ALLOW_ARBITRARY_DOCUMENTS: 'true' })).toThrow(
      /only allowed in the local stage/,
    );
  });
});
