/**
 * The one SLO definition file. CloudWatch burn-rate alarms (observability stack) and the PrometheusRule YAML
 * (`npm run slo:prometheus`) are both generated from these objects, so an objective changes in one place.
 */

import { prometheus } from '../../../functions/core/metrics/names.js';

/** Where a CloudWatch SLI comes from; the observability stack binds each source to the deployed resource. */
export type SliSource =
  /** The GraphQL origin's function URL metrics (AWS/Lambda, FunctionName). */
  | 'origin'
  /** The producer intake HTTP API (AWS/ApiGateway, ApiId + Stage). */
  | 'intakeApi';

/** Bad/total counts, e.g. 5xx responses over all responses. */
export interface RatioSli {
  readonly kind: 'ratio';
  readonly source: SliSource;
  readonly badMetric: string;
  readonly totalMetric: string;
}

/** Share of requests slower than `thresholdMs`, from CloudWatch's percentile-rank statistic on a latency metric. */
export interface LatencySli {
  readonly kind: 'latency';
  readonly source: SliSource;
  readonly latencyMetric: string;
  readonly thresholdMs: number;
}

export interface Slo {
  /** Stable id: alarm names, Prometheus `slo` label. */
  readonly id: string;
  readonly description: string;
  /** Target share of good events, e.g. 0.999; the error budget is `1 - objective`. */
  readonly objective: number;
  readonly cloudwatch: RatioSli | LatencySli;
  /** PromQL of the bad-event ratio over a range; `$window` is replaced by `5m`, `1h`, … */
  readonly prometheusErrorRatio: string;
}

const originRequests = prometheus.originRequests.name;
const originDuration = `${prometheus.originDuration.name}_bucket`;
const intakeRequests = prometheus.intakeRequests.name;
const latencyRatio = (le: string) =>
  `1 - (sum(rate(${originDuration}{le="${le}"}[$window])) / sum(rate(${originDuration}{le="+Inf"}[$window])))`;

/** Every SLO of graphgate (DESIGN › Service levels). */
export const slos: readonly Slo[] = [
  {
    id: 'api-availability',
    description: 'GraphQL API: 99.9% of requests answer without a server error (error budget 0.1%)',
    objective: 0.999,
    cloudwatch: { kind: 'ratio', source: 'origin', badMetric: 'Url5xxCount', totalMetric: 'UrlRequestCount' },
    prometheusErrorRatio: `sum(rate(${originRequests}{outcome="5xx"}[$window])) / sum(rate(${originRequests}[$window]))`,
  },
  {
    id: 'api-latency-p95',
    description: 'GraphQL API: 95% of requests complete within 350 ms',
    objective: 0.95,
    cloudwatch: { kind: 'latency', source: 'origin', latencyMetric: 'UrlRequestLatency', thresholdMs: 350 },
    prometheusErrorRatio: latencyRatio('0.35'),
  },
  {
    id: 'api-latency-p99',
    description: 'GraphQL API: 99% of requests complete within 900 ms',
    objective: 0.99,
    cloudwatch: { kind: 'latency', source: 'origin', latencyMetric: 'UrlRequestLatency', thresholdMs: 900 },
    prometheusErrorRatio: latencyRatio('0.9'),
  },
  {
    id: 'ingest-availability',
    description: 'Intake API: 99.5% of producer requests are accepted without a server error (error budget 0.5%)',
    objective: 0.995,
    cloudwatch: { kind: 'ratio', source: 'intakeApi', badMetric: '5xx', totalMetric: 'Count' },
    prometheusErrorRatio: `sum(rate(${intakeRequests}{outcome="5xx"}[$window])) / sum(rate(${intakeRequests}[$window]))`,
  },
];

/** The SLO with this id; throws naming it when the SLO file has none. */
export function sloById(id: string): Slo {
  const slo = slos.find((s) => s.id === id);
  if (!slo) throw new Error(`SLO ${id} not found (infra/cdk/slo/slos.ts)`);
  return slo;
}

/**
 * ER lag objective (DESIGN › Service levels: ER lag < 60 s): the oldest intake message is younger than this. Not a ratio
 * SLO: the observability stack pages on it and the ER consumer's canary rolls back on it.
 */
export const ER_LAG_LIMIT_S = 60;

/** The error budget of an SLO (share of events allowed to be bad). */
export const errorBudget = (slo: Slo): number => Number((1 - slo.objective).toFixed(10));
