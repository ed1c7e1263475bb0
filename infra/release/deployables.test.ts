import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphgateFunction } from '../cdk/constructs/graphgate-function.js';
import { synthStage } from '../cdk/test-support/synth.js';
import { repoRoot } from '../local/paths.js';
import { artefactOfEntry, edgeEntry, functionEntries } from './deployables.js';

describe('release deployables', () => {
  it('lists every Lambda entry the CDK stacks deploy', () => {
    const stacksDir = join(repoRoot, 'infra', 'cdk', 'stacks');
    const source = readdirSync(stacksDir)
      .map((f) => readFileSync(join(stacksDir, f), 'utf8'))
      .join('\n');
    const literalEntries = [...source.matchAll(/entry: '([^']+)'/g)].map((m) => m[1]);
    const released = new Set([...Object.values(functionEntries).map((f) => f.entry), edgeEntry]);

    expect(literalEntries.length).toBeGreaterThan(0);
    for (const entry of literalEntries) expect(released).toContain(entry);
  });

  it('packages the policy bundle with exactly the functions the stacks deploy with one', () => {
    const { stacks } = synthStage('prod', { bundle: false });
    const deployed = Object.values(stacks)
      .flatMap((stack) => stack.node.findAll())
      .filter((c): c is GraphgateFunction => c instanceof GraphgateFunction)
      .map((fn) => [fn.entry, fn.policyBundle] as const);
    const released = deployed.map(([entry]) => {
      const artefact = artefactOfEntry(entry)?.replace(/^functions\//, '');
      return [entry, artefact ? functionEntries[artefact]?.policies : undefined] as const;
    });

    expect(deployed).toHaveLength(Object.keys(functionEntries).length);
    expect(released).toEqual(deployed);
  }, 120_000);
});
