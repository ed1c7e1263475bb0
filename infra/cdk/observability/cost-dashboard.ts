import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  SingleValueWidget,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import {
  type CostFormula,
  costFormulas,
  defaultWorkload,
  formulaExpression,
  prices,
  type UsageKey,
} from '../../../functions/core/cost/index.js';
import type { TenantUnitPrices } from '../../../functions/core/cost/tenant.js';
import { type CloudWatchSignal, cloudwatch, services } from '../../../functions/core/metrics/names.js';
import { signalMetric } from './signal-metric.js';
import type { StageMetrics } from './sources.js';

const PERIOD = Duration.hours(1);

/** The metrics and metric-math expressions that measure each usage key of the cost model. */
export function usageExpressions(
  m: StageMetrics,
  stage: string,
  memory: { origin: number; intake: number; consumer: number },
) {
  const gb = (mb: number) => mb / 1024;
  const upstash = (component: 'origin' | 'er') =>
    signalMetric(
      cloudwatch.upstashCommands,
      { service: component === 'origin' ? services.graphql : services.erIntake, Stage: stage, Component: component },
      Stats.SUM,
      PERIOD,
    );
  const metrics: Record<string, IMetric> = {
    cfreq: m.cloudfront('Requests', Stats.SUM, PERIOD),
    cfbytes: m.cloudfront('BytesDownloaded', Stats.SUM, PERIOD),
    oinv: m.origin('Invocations', Stats.SUM, PERIOD),
    odur: m.origin('Duration', Stats.SUM, PERIOD),
    ups: upstash('origin'),
    qsent: m.queue('NumberOfMessagesSent', Stats.SUM, PERIOD),
    qrecv: m.queue('NumberOfMessagesReceived', Stats.SUM, PERIOD),
    qdel: m.queue('NumberOfMessagesDeleted', Stats.SUM, PERIOD),
    qempty: m.queue('NumberOfEmptyReceives', Stats.SUM, PERIOD),
    apireq: m.intakeApi('Count', Stats.SUM, PERIOD),
    iinv: m.intake('Invocations', Stats.SUM, PERIOD),
    idur: m.intake('Duration', Stats.SUM, PERIOD),
    cinv: m.consumer('Invocations', Stats.SUM, PERIOD),
    cdur: m.consumer('Duration', Stats.SUM, PERIOD),
    wcu1: m.idempotencyTable('ConsumedWriteCapacityUnits', Stats.SUM, PERIOD),
    wcu2: m.auditTable('ConsumedWriteCapacityUnits', Stats.SUM, PERIOD),
    rcu1: m.idempotencyTable('ConsumedReadCapacityUnits', Stats.SUM, PERIOD),
    rcu2: m.auditTable('ConsumedReadCapacityUnits', Stats.SUM, PERIOD),
    upser: upstash('er'),
  };
  const w = defaultWorkload;
  // Lambda@Edge reports duration in every region it ran in, and its EMF metrics stay there too, so the edge terms
  // are modelled from CloudFront requests with the cost model's stated per-call shape instead of measured.
  const expressions: Record<UsageKey, string> = {
    graphqlCalls: 'cfreq',
    cloudfrontGbOut: 'cfbytes/1000000000',
    edgeInvocations: 'cfreq',
    edgeGbSeconds: `cfreq*${(w.edgeMsPerCall / 1000) * gb(w.edgeMemoryMb)}`,
    originInvocations: 'oinv',
    originGbSeconds: `odur/1000*${gb(memory.origin)}`,
    upstashCommands: `FILL(ups,0)+cfreq*${w.upstashCommandsPerHit}`,
    ingestedEvents: 'qsent',
    intakeApiRequests: 'apireq',
    intakeInvocations: 'iinv',
    intakeGbSeconds: `idur/1000*${gb(memory.intake)}`,
    sqsRequests: 'qsent+qrecv+qdel+FILL(qempty,0)',
    consumerInvocations: 'cinv',
    consumerGbSeconds: `cdur/1000*${gb(memory.consumer)}`,
    dynamoWriteUnits: 'FILL(wcu1,0)+FILL(wcu2,0)',
    dynamoReadUnits: 'FILL(rcu1,0)+FILL(rcu2,0)',
    ingestUpstashCommands: 'FILL(upser,0)',
  };
  return { metrics, expressions };
}

/** A per-unit cost as one metric-math expression over the usage metrics it needs. */
export function costExpression(formula: CostFormula, usage: ReturnType<typeof usageExpressions>): MathExpression {
  const expression = formulaExpression(formula, usage.expressions, prices);
  const used = Object.fromEntries(
    Object.entries(usage.metrics).filter(([id]) => new RegExp(`\\b${id}\\b`).test(expression)),
  );
  return new MathExpression({ expression, usingMetrics: used, period: PERIOD, label: formula.label });
}

/** A per-tenant usage metric (Graphgate/Usage, dimension Tenant) as the top 10 tenants, each line × `usdPerUnit`. */
function topTenants(signal: CloudWatchSignal, stage: string, usdPerUnit: number, id: string): MathExpression {
  const search = `SEARCH('{${signal.namespace},${signal.dimensions.join(',')}} MetricName="${signal.name}" Stage="${stage}"', 'Sum', ${PERIOD.toSeconds()})`;
  return new MathExpression({
    expression: `SORT(${search}, SUM, DESC, 10) * ${usdPerUnit}`,
    usingMetrics: {},
    label: id,
    period: PERIOD,
  });
}

/**
 * The tenant row: variable cost per tenant (origin calls and compute, LLM tokens, ER events) from the per-tenant
 * usage counters × the same unit prices `npm run cost:report -- --by tenant` uses, and each tenant's Neo4j time.
 */
export function tenantCostWidgets(stage: string, unit: TenantUnitPrices): GraphWidget[] {
  const usage = cloudwatch;
  return [
    new GraphWidget({
      title: 'Origin $ per tenant (top 10, hourly): calls + compute',
      width: 12,
      stacked: true,
      left: [
        topTenants(usage.tenantOriginMs, stage, unit.originMs, 'origin compute'),
        topTenants(usage.tenantOriginCalls, stage, unit.originCall, 'origin calls'),
      ],
    }),
    new GraphWidget({
      title: 'ER and LLM $ per tenant (top 10, hourly)',
      width: 12,
      left: [
        topTenants(usage.tenantErEvents, stage, unit.erEvent, 'ER events'),
        topTenants(usage.tenantLlmTokens, stage, unit.llmToken, 'LLM tokens'),
      ],
    }),
    new GraphWidget({
      title: 'Neo4j transaction time per tenant (ms, top 10; the fixed Neo4j cost is shared by this)',
      width: 24,
      left: [topTenants(usage.tenantNeo4jMs, stage, 1, 'Neo4j ms')],
    }),
  ];
}

/**
 * Cost dashboard: $ per 1M GraphQL calls and $ per 1k ingested events, computed by CloudWatch from usage metrics with
 * the price table of functions/core/cost (the same formulas `npm run cost:report` evaluates), and cost per tenant.
 */
export function costDashboard(
  scope: Construct,
  name: string,
  usage: ReturnType<typeof usageExpressions>,
  tenants: GraphWidget[] = [],
): Dashboard {
  const dashboard = new Dashboard(scope, 'CostDashboard', { dashboardName: name, defaultInterval: Duration.days(7) });
  const perUnit = costFormulas.map((f) => costExpression(f, usage));
  dashboard.addWidgets(
    new TextWidget({
      markdown: [
        `# Unit cost (variable, list prices as of ${prices.asOf})`,
        'Formulas and prices: `functions/core/cost/` — the same model `npm run cost:report` uses. Fixed monthly costs',
        '(Neo4j, secrets, KMS, CloudWatch) are not in these lines. Lambda@Edge compute and edge Upstash reads are',
        'modelled per CloudFront request (their metrics stay in the regions that served the request).',
      ].join('\n'),
      width: 24,
      height: 3,
    }),
  );
  dashboard.addWidgets(
    ...perUnit.map((e) => new SingleValueWidget({ title: e.label ?? '', metrics: [e], width: 6, height: 4 })),
    ...perUnit.map((e) => new GraphWidget({ title: `${e.label} (hourly)`, left: [e], width: 6, height: 4 })),
  );
  if (tenants.length) dashboard.addWidgets(...tenants);
  for (const formula of costFormulas) {
    dashboard.addWidgets(
      new GraphWidget({
        title: `${formula.label}: breakdown by line`,
        stacked: true,
        width: 24,
        left: formula.terms.map((t) =>
          costExpression({ ...formula, id: `${formula.id}-${t.usage}`, label: t.label, terms: [t] }, usage),
        ),
      }),
    );
  }
  return dashboard;
}
