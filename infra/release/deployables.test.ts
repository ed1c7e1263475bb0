import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../local/paths.js';
import { edgeEntry, functionEntries } from './deployables.js';

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
});
