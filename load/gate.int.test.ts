import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { twin } from '../infra/local/test-support/twin.js';
import { profiles } from './profiles.js';
import { runLoad } from './run-load.js';
import { exitCodeOf } from './thresholds.js';

const runDir = mkdtempSync(join(tmpdir(), 'graphgate-gate-fault-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

describe('load gate', () => {
  it('fails when the origin is made 10× slower (a proxy holds every edge → origin call)', async () => {
    // Prepare: the gate profile, shortened; 1 s per origin call is over 10× a healthy miss on this machine.
    const delayMs = 1_000;
    const profile = { ...profiles.gate, durationS: 8, warmupS: 5, drainTimeoutS: 10 };

    // Act
    const run = await runLoad({ endpoints: twin(), runDir, profile, faults: { originDelayMs: delayMs } });

    // Assess: the Cypher reads (every one a miss) paid the delay, and the gate's median threshold caught it.
    const cypher = run.readings['cypher-1hop'];
    expect(cypher.n).toBeGreaterThan(0);
    const verdict = run.verdicts.find((v) => v.scenario === 'cypher-1hop' && v.metric === 'p50_ms')!;
    expect(verdict.pass).toBe(false);
    // Either the delayed answer came back (at least the delay) or the request failed, which is a miss too.
    expect(verdict.measured === null || verdict.measured >= delayMs).toBe(true);
    expect(exitCodeOf(run.verdicts)).toBe(1);
  }, 300_000);
});
