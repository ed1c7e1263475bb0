/**
 * The deployed adapter of the error-budget port: the month's API error budget read from CloudWatch. It asks
 * GetMetricData for the two sums the API availability SLO is defined on (infra/cdk/slo/slos.ts: bad and total metrics
 * of its source, `Url5xxCount` and `UrlRequestCount` of the origin function in AWS/Lambda) from the first hour of the
 * calendar month (UTC) to the end of the current hour, in 1-hour periods (CloudWatch keeps those 455 days; 1-minute
 * data only 15), and adds the datapoints up.
 */
import {
  type CloudWatchClient,
  type GetMetricDataCommandInput,
  type MetricDataResult,
  paginateGetMetricData,
} from '@aws-sdk/client-cloudwatch';
import { type SliSource, type Slo, sloById } from '../../cdk/slo/slos.js';
import type { BudgetReading, ErrorBudgetSource } from './budget.js';

/** The SLO whose monthly budget gates deploys (DESIGN › Service levels: API error budget 0.1%). */
export const API_BUDGET_SLO = 'api-availability';

/** Period of the sums: hourly datapoints stay available for the whole month (1-minute ones only 15 days). */
export const BUDGET_PERIOD_S = 3600;

/** The CloudWatch namespace and the dimension naming the resource of each SLI source the budget can be read from. */
const sourceMetrics: Partial<Record<SliSource, { namespace: string; dimension: string }>> = {
  origin: { namespace: 'AWS/Lambda', dimension: 'FunctionName' },
};

/** The calendar month (UTC) of `now` as the budget reads it: its start, the end of the current hour, `YYYY-MM`. */
export function monthToDate(now: Date): { start: Date; end: Date; month: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const hour = BUDGET_PERIOD_S * 1000;
  const end = new Date(Math.floor(now.getTime() / hour) * hour + hour);
  return { start, end, month: start.toISOString().slice(0, 7) };
}

/** The GetMetricData request for an SLO's bad and total sums of `resource` over the month of `now`. */
export function budgetQuery(slo: Slo, resource: string, now: Date): GetMetricDataCommandInput {
  const sli = slo.cloudwatch;
  if (sli.kind !== 'ratio') throw new Error(`SLO ${slo.id} is not a ratio of two counts: it has no error budget sums`);
  const source = sourceMetrics[sli.source];
  if (!source) throw new Error(`SLO ${slo.id}: reading a budget from source "${sli.source}" is not supported`);
  const { start, end } = monthToDate(now);
  const query = (id: 'bad' | 'total', metricName: string) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: source.namespace,
        MetricName: metricName,
        Dimensions: [{ Name: source.dimension, Value: resource }],
      },
      Period: BUDGET_PERIOD_S,
      Stat: 'Sum',
    },
    ReturnData: true,
  });
  return {
    StartTime: start,
    EndTime: end,
    ScanBy: 'TimestampAscending',
    MetricDataQueries: [query('bad', sli.badMetric), query('total', sli.totalMetric)],
  };
}

/** Thrown when CloudWatch answers without the sums (a query failed or was forbidden). */
export class BudgetReadError extends Error {
  override readonly name = 'BudgetReadError';
}

export interface CloudWatchErrorBudgetOptions {
  readonly client: CloudWatchClient;
  /** The deployed resource the SLO's source names: the origin function's name for the API budget. */
  readonly resource: string;
  /** @default the API availability SLO */
  readonly slo?: Slo;
  /** @default the current time */
  readonly now?: () => Date;
}

/** Reads the month's sums from CloudWatch (the port's deployed adapter; `FileErrorBudget` is the local one). */
export class CloudWatchErrorBudget implements ErrorBudgetSource {
  readonly #slo: Slo;
  constructor(private readonly options: CloudWatchErrorBudgetOptions) {
    this.#slo = options.slo ?? sloById(API_BUDGET_SLO);
  }

  async read(): Promise<BudgetReading> {
    const now = (this.options.now ?? (() => new Date()))();
    const input = budgetQuery(this.#slo, this.options.resource, now);
    const sums = { bad: 0, total: 0 };
    const where = `${this.options.resource} from ${input.StartTime?.toISOString()}`;
    for await (const page of paginateGetMetricData({ client: this.options.client }, input)) {
      for (const result of page.MetricDataResults ?? []) add(sums, result, where);
    }
    return {
      slo: this.#slo.id,
      month: monthToDate(now).month,
      objective: this.#slo.objective,
      requests: Math.round(sums.total),
      errors: Math.round(sums.bad),
    };
  }
}

function add(sums: { bad: number; total: number }, result: MetricDataResult, where: string): void {
  // PartialData means more pages follow (the paginator fetches them); anything but Complete or PartialData failed.
  if (result.StatusCode !== 'Complete' && result.StatusCode !== 'PartialData') {
    throw new BudgetReadError(
      `CloudWatch could not sum ${result.Label ?? result.Id} of ${where} (${result.StatusCode}); the error budget is unknown, so the deploy is not judged`,
    );
  }
  if (result.Id !== 'bad' && result.Id !== 'total') return;
  sums[result.Id] += (result.Values ?? []).reduce((a, b) => a + b, 0);
}
