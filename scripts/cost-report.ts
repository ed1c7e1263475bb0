/**
 * Unit-cost report: turns a measured benchmark run into $ per 1M GraphQL calls and $ per 1k ingested events at stated
 * monthly volumes, with the same price table and formulas as the CloudWatch cost dashboard (functions/core/cost).
 *
 *   npm run cost:report -- [--from evidence/perf/<run>.json] [--calls-per-month 300000000]
 *     [--events-per-month 50000000] [--cache-hit-ratio 0.6] [--ingest-case name[,name]] [--stage prod]
 *   npm run cost:report -- --by tenant [--metrics <url|file> …] [--llm-usd-per-1k-tokens 0.003] [--stage prod]
 *
 * `--by tenant` reads the per-tenant usage counters (`graphgate_tenant_usage_total{tenant,item}`) from Prometheus
 * expositions — by default the internal /metrics listeners of a running `npm start` (origin, edge, ER worker) — and
 * prices them with the same table (functions/core/cost/tenant.ts). A source that cannot be read fails the report.
 * Writes evidence/cost/cost-by-tenant-<UTC>.md and cost-by-tenant-latest.md.
 *
 * What it reads from the run (EVIDENCE.md shape): `name`, `at`, `commit`, `params.workers|concurrency`, and per case
 * `rps` plus `mean_ms` or `p50_ms`. Each case is labelled by what it measures (functions/core/cost/report.ts
 * `caseKind`): every case of an ingest run and cases named like ingest/intake/er/event/e2e (or listed in
 * --ingest-case) price the ER consumer's busy time per event (workers × 1000 / rps); baselines (`raw-*`) are not
 * priced; the rest price the origin's billed duration per call (mean, else p50). Without --from it prices the stated assumptions only. Function memory sizes and the infra budget
 * come from the stage config (infra/cdk/config/stages.ts). Writes evidence/cost/cost-<run>-<UTC>.{md,svg} and the
 * same content to cost-latest.{md,svg}.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultWorkload, type Workload } from '../functions/core/cost/index.js';
import { markdownReport, type PerfRun, priceWorkload, scenariosFromRun } from '../functions/core/cost/report.js';
import { costChartSvg } from '../functions/core/cost/svg.js';
import {
  defaultLlmUsdPer1kTokens,
  priceTenants,
  tenantMarkdown,
  tenantUnitPrices,
  tenantUsageFromExpositions,
} from '../functions/core/cost/tenant.js';
import { prometheus } from '../functions/core/metrics/names.js';
import { stageConfig } from '../infra/cdk/config/stages.js';
import { appPorts } from '../infra/local/supervisor.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${text}"`);
  return n;
}

function readRun(path: string): PerfRun {
  const run = JSON.parse(readFileSync(path, 'utf8')) as Partial<PerfRun>;
  if (!run.cases || typeof run.cases !== 'object') throw new Error(`${path} has no "cases" object (see EVIDENCE.md)`);
  return { name: run.name ?? basename(path, '.json'), ...run, cases: run.cases };
}

const stamp = () =>
  new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** The exposition of one source: an http(s) URL is fetched, anything else is a file. Unreadable: throws. */
async function readExposition(source: string): Promise<string> {
  if (!/^https?:\/\//.test(source)) return readFileSync(source, 'utf8');
  let res: Response;
  try {
    res = await fetch(source, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new Error(`cannot read ${source} (${(err as Error).message}); is \`npm start\` running?`);
  }
  if (!res.ok) throw new Error(`${source} answered ${res.status}`);
  return res.text();
}

async function byTenant(values: Record<string, string | string[] | boolean | undefined>, base: Workload) {
  const sources = (values.metrics as string[] | undefined)?.length
    ? (values.metrics as string[])
    : [appPorts.originMetrics, appPorts.edgeMetrics, appPorts.erMetrics].map((p) => `http://127.0.0.1:${p}/metrics`);
  const texts = await Promise.all(sources.map(readExposition));
  const usage = tenantUsageFromExpositions(texts, prometheus.tenantUsage.name);
  if (Object.keys(usage).length === 0) {
    throw new Error(
      `no ${prometheus.tenantUsage.name} samples in ${sources.join(', ')}: no tenant has used anything yet`,
    );
  }
  const llm = positive(
    'llm-usd-per-1k-tokens',
    values['llm-usd-per-1k-tokens'] as string | undefined,
    defaultLlmUsdPer1kTokens,
  );
  const unit = tenantUnitPrices(base, llm);
  const costs = priceTenants(usage, unit);
  const command = `npm run cost:report --${process.argv
    .slice(2)
    .map((a) => ` ${a}`)
    .join('')}`;
  const md = tenantMarkdown(costs, unit, sources, command);
  const out = values.out as string;
  mkdirSync(out, { recursive: true });
  const stem = `cost-by-tenant-${stamp()}`;
  writeFileSync(join(out, `${stem}.md`), md);
  writeFileSync(join(out, 'cost-by-tenant-latest.md'), md);
  console.log(md);
  console.log(`wrote ${join(out, `${stem}.md`)} and cost-by-tenant-latest.md`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      by: { type: 'string' },
      metrics: { type: 'string', multiple: true },
      'llm-usd-per-1k-tokens': { type: 'string' },
      from: { type: 'string' },
      'calls-per-month': { type: 'string' },
      'events-per-month': { type: 'string' },
      'cache-hit-ratio': { type: 'string' },
      'ingest-case': { type: 'string' },
      stage: { type: 'string', default: 'prod' },
      out: { type: 'string', default: join(ROOT, 'evidence', 'cost') },
    },
  });
  const stage = stageConfig(values.stage);
  const hit = positive('cache-hit-ratio', values['cache-hit-ratio'], defaultWorkload.edgeCacheHitRatio);
  if (hit > 1) throw new Error('--cache-hit-ratio must be between 0 and 1');
  const base: Workload = {
    ...defaultWorkload,
    graphqlCallsPerMonth: positive('calls-per-month', values['calls-per-month'], defaultWorkload.graphqlCallsPerMonth),
    ingestedEventsPerMonth: positive(
      'events-per-month',
      values['events-per-month'],
      defaultWorkload.ingestedEventsPerMonth,
    ),
    edgeCacheHitRatio: hit,
    // Billed memory is what the stage deploys, not an assumption.
    originMemoryMb: stage.api.memoryMb,
    edgeMemoryMb: stage.edge.memoryMb,
    consumerMemoryMb: stage.ingest.consumerMemoryMb,
  };
  if (values.by !== undefined) {
    if (values.by !== 'tenant') throw new Error(`--by ${values.by}: only --by tenant is supported`);
    await byTenant(values, base);
    return;
  }
  const run = values.from ? readRun(resolve(values.from)) : undefined;
  const ingestCases = values['ingest-case']?.split(',').map((s) => s.trim()) ?? [];
  const scenarios = run
    ? scenariosFromRun(run, base, ingestCases)
    : [priceWorkload('model defaults', 'model', 'stated assumptions', base)];
  const command = `npm run cost:report --${process.argv
    .slice(2)
    .map((a) => ` ${a}`)
    .join('')}`;
  const md = markdownReport(run, scenarios, stage.budgets.infraUsd, command);
  const svg = costChartSvg(scenarios, stage.budgets.infraUsd);

  mkdirSync(values.out, { recursive: true });
  const stem = `cost-${run ? run.name : 'model'}-${stamp()}`;
  for (const [file, text] of [
    [`${stem}.md`, `${md}\n![monthly cost](./${stem}.svg)\n`],
    [`${stem}.svg`, svg],
    ['cost-latest.md', `${md}\n![monthly cost](./cost-latest.svg)\n`],
    ['cost-latest.svg', svg],
  ] as const) {
    writeFileSync(join(values.out, file), text);
  }
  console.log(md);
  console.log(`wrote ${join(values.out, `${stem}.{md,svg}`)} and cost-latest.{md,svg}`);
}

main().catch((error: unknown) => {
  console.error(`cost:report: ${(error as Error).message}`);
  process.exit(1);
});
