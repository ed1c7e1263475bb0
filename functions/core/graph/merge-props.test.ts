import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataClassRank, mergedSurvivorProps } from './merge-props.js';
import { dataClasses, policyClass } from './types.js';

const policyData = JSON.parse(readFileSync(new URL('../../../policies/data.json', import.meta.url), 'utf8')) as {
  config: { classes: Record<string, { sensitivity: number }> };
};

describe('merge class order', () => {
  it('ranks every data class exactly as the policy data orders its sensitivity', () => {
    const fromPolicy = Object.fromEntries(
      dataClasses.map((c) => [c, policyData.config.classes[policyClass(c)]?.sensitivity]),
    );
    expect(dataClassRank).toEqual(fromPolicy);
  });

  it('gives the survivor the more sensitive class of the two, whichever side holds it', () => {
    const props = (dataClass: string) => ({ dataClass, licence: 'PUBLIC', names: [], attributes: '{}', sources: '[]' });
    expect(mergedSurvivorProps(props('CONTACT'), props('PII'), 1).dataClass).toBe('PII');
    expect(mergedSurvivorProps(props('PII'), props('CONTACT'), 1).dataClass).toBe('PII');
    expect(mergedSurvivorProps(props('TELEMETRY'), props('ENTITY'), 1).dataClass).toBe('TELEMETRY');
  });
});
