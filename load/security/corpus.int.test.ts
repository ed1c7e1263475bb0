/**
 * The hostile corpus against fresh edge, origin, intake and step-up processes on the twin: no 5xx, no leak, every
 * answer in time and as expected, an invisible entity indistinguishable from a missing one, and every component
 * healthy afterwards. Writes nothing under evidence/ (`npm run evidence:security` does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppStack, startAppStack } from '../../infra/local/app-stack.js';
import { twin } from '../../infra/local/test-support/twin.js';
import { buildCorpus } from './corpus.js';
import { type CorpusRun, runCorpus } from './run.js';
import { seedCorpusWorld } from './seed.js';
import type { Category } from './types.js';

const runDir = mkdtempSync(join(tmpdir(), 'graphgate-corpus-'));
let stack: AppStack;
let run: CorpusRun;
let size = 0;

beforeAll(async () => {
  // In turn: the origin migrates the schema as it starts, and a write during that waits on its locks.
  stack = await startAppStack(runDir, twin());
  const ctx = await seedCorpusWorld(twin().neo4jUri);
  const cases = buildCorpus(ctx, stack.keys.jwt.audience);
  size = cases.length;
  run = await runCorpus(stack, ctx, cases);
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

const failures = (pick: (o: CorpusRun['outcomes'][number]) => string[]) =>
  run.outcomes.flatMap((o) => pick(o).map((v) => `${o.id} (${o.status} ${o.code ?? ''}): ${v} ${o.excerpt ?? ''}`));

describe('hostile corpus on the real stack', () => {
  it('has at least 300 cases across every class', () => {
    const categories: Category[] = [
      'jwt',
      'persisted-query',
      'headers',
      'bodies',
      'step-up',
      'intake',
      'authorisation',
    ];
    expect(size).toBeGreaterThanOrEqual(300);
    for (const c of categories) expect(run.outcomes.filter((o) => o.category === c).length).toBeGreaterThan(10);
  });

  it('gets no 5xx, leaks nothing and answers every case within the bound', () => {
    expect(failures((o) => o.violations)).toEqual([]);
  });

  it('answers every case as it expects', () => {
    expect(failures((o) => o.mismatches)).toEqual([]);
  });

  it('answers about an invisible or foreign entity exactly as about a missing one', () => {
    expect(run.oracles).toEqual([]);
  });

  it('leaves every component healthy and serving', () => {
    expect(run.unhealthy).toEqual([]);
  });
});
