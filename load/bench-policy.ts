/**
 * Benchmarks one wasm policy evaluation and the scope fingerprint, each next to a baseline measured
 * in the same run, and writes evidence/perf/policy-<UTC>.json and policy-latest.json.
 *
 *   npm run bench:policy [-- --quick] [--allow-dirty]
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../functions/core/json/canonical.js';
import { resolveScope } from '../functions/core/policy/scope.js';
import { loadWasmPolicyEngine } from '../functions/core/policy/wasm-engine.js';
import { repoRoot } from '../infra/local/paths.js';
import { buildPolicies } from '../infra/local/policies/build.js';
import { refuseDirtyTree, round, runCommit, runDirty } from './evidence.js';

const DAY = 86_400_000;

/** A realistic export decision input: one record, five fields, mixed licences. */
function exportInput(i: number) {
  const now = Date.UTC(2026, 10, 28);
  return {
    now_ms: now,
    caller: { roles: ['investigator', 'analyst'], clearances: ['pii'] },
    request: { purpose: 'fraud-review', audience: i % 2 ? 'internal' : 'partner', kind: 'bulk' },
    record: {
      id: `e-${i}`,
      classes: ['entity', 'pii', 'case-note'],
      purposes: ['fraud-review', 'investigation'],
      licences: ['public', 'partner-shareable'],
      fields: { id: 'entity', name: 'pii', email: 'contact', note: 'case-note', iban: 'financial' },
      created_at_ms: now - (i % 40) * DAY,
    },
  };
}

/** Percentile by nearest rank over all samples. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = samples.reduce((a, b) => a + b, 0);
  const r4 = (x: number) => round(x, 4);
  return {
    n: samples.length,
    rps: Math.round(samples.length / (total / 1000)),
    p50_ms: r4(percentile(sorted, 50)),
    p95_ms: r4(percentile(sorted, 95)),
    p99_ms: r4(percentile(sorted, 99)),
    max_ms: r4(sorted[sorted.length - 1] ?? Number.NaN),
    errors: 0,
  };
}

async function main() {
  const quick = process.argv.includes('--quick');
  refuseDirtyTree('bench:policy', process.argv.includes('--allow-dirty'));
  const iterations = quick ? 5_000 : 50_000;
  const warmup = quick ? 1_000 : 5_000;
  const build = await buildPolicies();
  const engine = await loadWasmPolicyEngine(build.outDir);
  const inputs = Array.from({ length: 64 }, (_, i) => exportInput(i));
  const callers = [
    { roles: ['analyst'] },
    { roles: ['investigator'], clearances: ['pii'] },
    { roles: ['legal', 'viewer'], clearances: ['pii', 'financial'] },
  ];

  // each case is one closure; cases are interleaved so drift hits them all alike
  const cases: Record<string, (i: number) => unknown> = {
    'wasm-eval': (i) => engine.evaluate('graphgate/export/decision', inputs[i % inputs.length]),
    'json-roundtrip (baseline)': (i) => JSON.parse(JSON.stringify(inputs[i % inputs.length])),
    'scope-fingerprint': (i) => resolveScope(engine, callers[i % callers.length]!).fingerprint,
    'sha256-canonical (baseline)': (i) =>
      createHash('sha256')
        .update(canonicalJson(callers[i % callers.length]))
        .digest('hex'),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < warmup; i++) for (const fn of Object.values(cases)) fn(i);
  for (let i = 0; i < iterations; i++) {
    for (const [name, fn] of Object.entries(cases)) {
      const t0 = performance.now();
      fn(i);
      samples[name]!.push(performance.now() - t0);
    }
  }

  const results = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarise(v)]));
  const r = (a: string, b: string) => Math.round((results[a]!.p99_ms / results[b]!.p99_ms) * 100) / 100;
  const wasmP99 = results['wasm-eval']!.p99_ms;
  const evidence = {
    name: 'policy',
    at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    commit: runCommit(),
    dirty: runDirty(),
    command: `npm run bench:policy${quick ? ' -- --quick' : ''}`,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    params: { iterations, warmup, quick, entrypoint: 'graphgate/export/decision', revision: build.revision },
    cases: results,
    ratios: {
      'wasm-eval/json-roundtrip p99': r('wasm-eval', 'json-roundtrip (baseline)'),
      'scope-fingerprint/sha256-canonical p99': r('scope-fingerprint', 'sha256-canonical (baseline)'),
    },
    targets: [{ what: 'wasm-eval p99_ms', op: '<=', value: 1, measured: wasmP99, pass: wasmP99 <= 1 }],
  };

  console.log(`policy bench (${quick ? 'quick' : 'full'}), revision ${build.revision.slice(0, 12)}\n`);
  console.log(
    `${'case'.padEnd(30)}${'n'.padStart(8)}${'p50 ms'.padStart(10)}${'p95 ms'.padStart(10)}${'p99 ms'.padStart(10)}`,
  );
  for (const [name, s] of Object.entries(results)) {
    console.log(
      `${name.padEnd(30)}${String(s.n).padStart(8)}${s.p50_ms.toFixed(4).padStart(10)}${s.p95_ms.toFixed(4).padStart(10)}${s.p99_ms.toFixed(4).padStart(10)}`,
    );
  }
  for (const t of evidence.targets)
    console.log(`\ntarget ${t.what} ${t.op} ${t.value}: ${t.measured} ${t.pass ? 'PASS' : 'FAIL'}`);

  const dir = join(repoRoot, 'evidence', 'perf');
  await mkdir(dir, { recursive: true });
  const body = `${JSON.stringify(evidence, null, 2)}\n`;
  const stamp = evidence.at.replace(/[-:]/g, '');
  await writeFile(join(dir, `policy-${stamp}.json`), body);
  await writeFile(join(dir, 'policy-latest.json'), body);
  console.log(`wrote evidence/perf/policy-${stamp}.json and policy-latest.json`);
}

await main();
