/**
 * Cost per tenant: the usage counters the code emits per tenant (core/metrics/names.ts `usageItems`) × the price
 * table. Variable lines are priced per unit; the Neo4j cluster is a fixed monthly cost, shared out by each tenant's
 * share of Neo4j transaction time. Used by `npm run cost:report -- --by tenant` and the cost dashboard's tenant row.
 */
import { type UsageItem, usageItems } from '../metrics/names.js';
import { ingestCostFormula } from './formulas.js';
import { evaluateFormula } from './model.js';
import { type PriceTable, prices } from './prices.js';
import { usageFromWorkload, type Workload } from './workload.js';

export type TenantUsage = Record<UsageItem, number>;

/** Stated assumption (not in the AWS price table): blended model price per 1,000 tokens; override per run. */
export const defaultLlmUsdPer1kTokens = 0.003;

/** USD per unit of each usage item (Neo4j time is an allocation of a fixed cost, priced separately). */
export interface TenantUnitPrices {
  /** Every call at the edge: CloudFront request and bytes, Lambda@Edge request and compute, the Upstash GET. */
  readonly call: number;
  /** A call the origin ran (a miss): the Lambda request and the cache write's Upstash commands. */
  readonly originCall: number;
  /** One millisecond of origin compute at the origin's memory size. */
  readonly originMs: number;
  /** One ingested event end to end (intake, SQS, consumer, DynamoDB, Upstash), from the ingest formula. */
  readonly erEvent: number;
  readonly llmToken: number;
}

/** The per-unit prices of a workload's shape (memory sizes, bytes per response, commands per hit/miss). */
export function tenantUnitPrices(
  w: Workload,
  llmUsdPer1kTokens = defaultLlmUsdPer1kTokens,
  table: PriceTable = prices,
): TenantUnitPrices {
  const gbS = (ms: number, mb: number) => (ms / 1000) * (mb / 1024);
  const ingest = evaluateFormula(ingestCostFormula, usageFromWorkload(w), table);
  return {
    call:
      table.cloudfrontHttpsRequest +
      (w.responseBytes / 1e9) * table.cloudfrontGbOut +
      table.edgeRequest +
      gbS(w.edgeMsPerCall, w.edgeMemoryMb) * table.edgeGbSecond +
      w.upstashCommandsPerHit * table.upstashCommand,
    originCall: table.lambdaRequest + w.upstashCommandsPerMiss * table.upstashCommand,
    originMs: gbS(1, w.originMemoryMb) * table.lambdaArmGbSecond,
    erEvent: ingest.perUnitUsd / 1000,
    llmToken: llmUsdPer1kTokens / 1000,
  };
}

export interface TenantCost {
  readonly tenant: string;
  readonly usage: TenantUsage;
  readonly lines: { readonly edge: number; readonly origin: number; readonly er: number; readonly llm: number };
  readonly variableUsd: number;
  /** Share of all tenants' Neo4j transaction time (0..1), and that share of the fixed monthly Neo4j cost. */
  readonly neo4jShare: number;
  readonly neo4jMonthlyUsd: number;
}

/** Prices each tenant's usage; tenants sorted by variable cost, highest first. */
export function priceTenants(
  usage: Readonly<Record<string, TenantUsage>>,
  unit: TenantUnitPrices,
  table: PriceTable = prices,
): TenantCost[] {
  const totalNeo4jMs = Object.values(usage).reduce((a, u) => a + u.neo4j_ms, 0);
  const neo4jFixed = table.fixedMonthly.neo4jAura ?? 0;
  return Object.entries(usage)
    .map(([tenant, u]) => {
      const lines = {
        edge: u.calls * unit.call,
        origin: u.origin_calls * unit.originCall + u.origin_ms * unit.originMs,
        er: u.er_events * unit.erEvent,
        llm: u.llm_tokens * unit.llmToken,
      };
      const neo4jShare = totalNeo4jMs > 0 ? u.neo4j_ms / totalNeo4jMs : 0;
      return {
        tenant,
        usage: u,
        lines,
        variableUsd: lines.edge + lines.origin + lines.er + lines.llm,
        neo4jShare,
        neo4jMonthlyUsd: neo4jShare * neo4jFixed,
      };
    })
    .sort((a, b) => b.variableUsd - a.variableUsd || a.tenant.localeCompare(b.tenant));
}

/**
 * Per-tenant usage from Prometheus expositions (the origin's, the edge's and the ER worker's /metrics), summed over
 * sources. Items a tenant never used are 0 (a counter that never moved); a source that cannot be read is the caller's
 * failure, never an empty reading.
 */
export function tenantUsageFromExpositions(texts: readonly string[], metricName: string): Record<string, TenantUsage> {
  const out: Record<string, TenantUsage> = {};
  const line = new RegExp(`^${metricName}\\{([^}]*)\\}\\s+(\\S+)`);
  for (const text of texts) {
    for (const raw of text.split('\n')) {
      const m = line.exec(raw);
      if (!m) continue;
      const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      const tenant = labels.tenant;
      const item = labels.item as UsageItem | undefined;
      const value = Number(m[2]);
      if (!tenant || !item || !Number.isFinite(value)) continue;
      out[tenant] ??= Object.fromEntries(usageItems.map((i) => [i, 0])) as TenantUsage;
      if (item in out[tenant]) out[tenant][item] += value;
    }
  }
  return out;
}

const usd = (n: number) => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)}`;

/** The Markdown report of `npm run cost:report -- --by tenant`: usage and cost per tenant, the unit prices used. */
export function tenantMarkdown(
  costs: readonly TenantCost[],
  unit: TenantUnitPrices,
  sources: string[],
  command: string,
) {
  const total = costs.reduce((a, c) => a + c.variableUsd, 0);
  return [
    '# graphgate cost per tenant',
    '',
    `Produced by \`${command}\` from the per-tenant usage counters (\`graphgate_tenant_usage_total\`) of ${sources.join(', ')}.`,
    `List prices as of ${prices.asOf} (functions/core/cost/prices.ts); LLM tokens at ${usd(unit.llmToken * 1000)} per 1k tokens (stated assumption).`,
    'Variable cost is what the counted usage cost since the processes started; Neo4j is a fixed monthly cost, shown as each tenant’s share of Neo4j transaction time.',
    '',
    '| tenant | calls | cache hits | origin calls | origin ms | Neo4j ms | ER events | LLM tokens | edge $ | origin $ | ER $ | LLM $ | variable $ | share of variable | Neo4j share | Neo4j $/month at that share |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...costs.map((c) => {
      const u = c.usage;
      return `| ${c.tenant} | ${u.calls} | ${u.cache_hits} | ${u.origin_calls} | ${Math.round(u.origin_ms)} | ${Math.round(u.neo4j_ms)} | ${u.er_events} | ${u.llm_tokens} | ${usd(c.lines.edge)} | ${usd(c.lines.origin)} | ${usd(c.lines.er)} | ${usd(c.lines.llm)} | ${usd(c.variableUsd)} | ${total > 0 ? ((100 * c.variableUsd) / total).toFixed(1) : '0.0'}% | ${(100 * c.neo4jShare).toFixed(1)}% | ${usd(c.neo4jMonthlyUsd)} |`;
    }),
    '',
    '## Unit prices',
    '',
    '| unit | $ |',
    '|---|---:|',
    `| edge call (CloudFront, Lambda@Edge, Upstash GET) | ${usd(unit.call)} |`,
    `| origin call (Lambda request, cache write) | ${usd(unit.originCall)} |`,
    `| origin compute per ms | ${usd(unit.originMs)} |`,
    `| ingested event end to end | ${usd(unit.erEvent)} |`,
    `| LLM token | ${usd(unit.llmToken)} |`,
    '',
  ].join('\n');
}
