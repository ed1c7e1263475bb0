import { gatewayCostFormula, ingestCostFormula } from './formulas.js';
import { type CostResult, evaluateFormula } from './model.js';
import { type PriceTable, prices } from './prices.js';
import { usageFromWorkload, type Workload } from './workload.js';

/** One benchmark case as EVIDENCE.md describes it; only `rps` is required. */
export interface RunCase {
  readonly rps: number;
  readonly n?: number;
  readonly p50_ms?: number;
  readonly mean_ms?: number;
  readonly errors?: number;
}

/** The fields of an evidence/perf run the report reads. */
export interface PerfRun {
  readonly name: string;
  readonly at?: string;
  readonly commit?: string;
  readonly params?: Record<string, unknown>;
  readonly cases: Record<string, RunCase>;
}

/** A priced scenario: a workload (defaults or a measured case applied to them) and its costs at the stated volumes. */
export interface Scenario {
  readonly name: string;
  readonly path: 'model' | 'gateway' | 'ingest';
  readonly note: string;
  readonly workload: Workload;
  readonly gateway: CostResult;
  readonly ingest: CostResult;
  readonly fixedMonthlyUsd: number;
  readonly monthlyUsd: number;
}

const INGEST_CASE = /ingest|intake|(^|[-_])er([-_]|$)|event|(^|[-_])e2e([-_]|$)/i;
const INGEST_RUN = /ingest|intake|(^|[-_])er([-_]|$)/i;
/** A baseline measures a store or driver alone (raw Neo4j, raw DynamoDB put): no path of the product to price. */
const BASELINE_CASE = /^raw[-_]|baseline/i;

/** What a benchmark case measures, and so how it is priced. */
export type CaseKind = 'gateway' | 'ingest' | 'baseline';

/**
 * The kind of a case: baselines (`raw-*`, `*baseline*`) are not priced; in an ingest run (name like ingest/intake/er)
 * every other case is an ingest path (an `e2e` case there is events end to end, not a GraphQL call); elsewhere cases
 * named like ingest/intake/er/event/e2e, or listed in `ingestCases`, are ingest and the rest are GraphQL calls.
 */
export function caseKind(runName: string, caseName: string, ingestCases: readonly string[] = []): CaseKind {
  if (ingestCases.includes(caseName)) return 'ingest';
  if (BASELINE_CASE.test(caseName)) return 'baseline';
  if (INGEST_RUN.test(runName) || INGEST_CASE.test(caseName)) return 'ingest';
  return 'gateway';
}

/** Prices a workload at its monthly volumes. */
export function priceWorkload(
  name: string,
  path: Scenario['path'],
  note: string,
  w: Workload,
  table: PriceTable = prices,
): Scenario {
  const usage = usageFromWorkload(w);
  const gateway = evaluateFormula(gatewayCostFormula, usage, table);
  const ingest = evaluateFormula(ingestCostFormula, usage, table);
  const fixedMonthlyUsd = Object.values(table.fixedMonthly).reduce((a, b) => a + b, 0);
  return {
    name,
    path,
    note,
    workload: w,
    gateway,
    ingest,
    fixedMonthlyUsd,
    monthlyUsd: gateway.totalUsd + ingest.totalUsd + fixedMonthlyUsd,
  };
}

/**
 * Turns each case of a run into a scenario ({@link caseKind}; baselines are left out). A gateway case (one Lambda invocation per call) replaces the origin's billed
 * duration with the case's mean (else p50) latency. An ingest case (a worker draining batches) replaces the consumer's
 * busy time per event with `workers × 1000 / rps`, `workers` from `params.workers` or `params.concurrency` (default 1).
 * Everything else, and the monthly volumes, comes from `base`.
 */
export function scenariosFromRun(run: PerfRun, base: Workload, ingestCases: readonly string[] = []): Scenario[] {
  const workers = Number(run.params?.workers ?? run.params?.concurrency ?? 1);
  const out: Scenario[] = [
    priceWorkload('model defaults', 'model', 'stated assumptions of functions/core/cost/workload.ts', base),
  ];
  for (const [name, c] of Object.entries(run.cases)) {
    if (!(c.rps > 0)) continue;
    const kind = caseKind(run.name, name, ingestCases);
    if (kind === 'baseline') continue;
    if (kind === 'ingest') {
      const ms = (workers * 1000) / c.rps;
      out.push(
        priceWorkload(
          name,
          'ingest',
          `${c.rps.toFixed(1)} events/s × ${workers} worker(s) → ${ms.toFixed(2)} ms/event`,
          {
            ...base,
            consumerMsPerEvent: ms,
          },
        ),
      );
    } else {
      const ms = c.mean_ms ?? c.p50_ms;
      if (ms === undefined) continue;
      out.push(
        priceWorkload(
          name,
          'gateway',
          `${c.rps.toFixed(1)} rps, ${c.mean_ms !== undefined ? 'mean' : 'p50'} ${ms} ms/call`,
          {
            ...base,
            originMsPerCall: ms,
          },
        ),
      );
    }
  }
  return out;
}

const usd = (n: number, digits = 2) => (Number.isFinite(n) ? `$${n.toFixed(digits)}` : '—');

/** The Markdown report: volumes, one row per scenario, and the line items of the first scenario. */
export function markdownReport(
  run: PerfRun | undefined,
  scenarios: Scenario[],
  budgetUsd: number,
  command: string,
): string {
  const w = scenarios[0]!.workload;
  const baselines = run ? Object.keys(run.cases).filter((n) => caseKind(run.name, n) === 'baseline') : [];
  const lines = [
    '# graphgate unit cost',
    '',
    `Produced by \`${command}\`${run ? ` from run \`${run.name}\` (${run.at ?? 'no timestamp'}, commit ${run.commit ?? '?'})` : ''}.`,
    `List prices as of ${prices.asOf} (functions/core/cost/prices.ts). Monthly volumes: ${w.graphqlCallsPerMonth.toLocaleString('en-US')} GraphQL calls, ${w.ingestedEventsPerMonth.toLocaleString('en-US')} ingested events, edge cache hit ratio ${w.edgeCacheHitRatio}.`,
    '',
    '| scenario | priced as | measured | $ per 1M calls | $ per 1k events | variable $/month | fixed $/month | total $/month | of infra budget |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
    ...scenarios.map(
      (s) =>
        `| ${s.name} | ${s.path === 'model' ? 'assumptions' : s.path === 'gateway' ? 'GraphQL calls' : 'ingested events'} | ${s.note} | ${usd(s.gateway.perUnitUsd, 3)} | ${usd(s.ingest.perUnitUsd, 4)} | ${usd(s.gateway.totalUsd + s.ingest.totalUsd, 0)} | ${usd(s.fixedMonthlyUsd, 0)} | ${usd(s.monthlyUsd, 0)} | ${((100 * s.monthlyUsd) / budgetUsd).toFixed(1)}% |`,
    ),
    ...(baselines.length
      ? ['', `Not priced (baselines that measure a store alone, no product path): ${baselines.join(', ')}.`]
      : []),
    '',
    `## Line items (${scenarios[0]!.name})`,
    '',
    '| line | $/month | $ per unit |',
    '|---|---:|---:|',
    ...[scenarios[0]!.gateway, scenarios[0]!.ingest].flatMap((r) =>
      r.lines.map((l) => `| ${r.formula}: ${l.label} | ${usd(l.usd, 0)} | ${usd(l.perUnitUsd, 4)} |`),
    ),
    ...Object.entries(prices.fixedMonthly).map(([k, v]) => `| fixed: ${k} | ${usd(v, 0)} | — |`),
    '',
  ];
  return lines.join('\n');
}
