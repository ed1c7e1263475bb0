/**
 * The CloudWatch error-budget reader against a local HTTP server that speaks CloudWatch's wire protocol (AWS JSON 1.0,
 * `GraniteServiceVersion20100801.GetMetricData`). AWS itself is not reachable from this machine (no network route and
 * no credentials), so the real SDK client — its serializer, SigV4 signer, paginator and deserializer — talks to this
 * server instead: the test sees the request exactly as CloudWatch would receive it and answers as CloudWatch does.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../local/paths.js';
import { type BudgetReading, remainingBudget } from './budget.js';
import { BudgetReadError, CloudWatchErrorBudget, monthToDate } from './cloudwatch-budget.js';
import { loadReleaseRules } from './windows.js';

interface Captured {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** One GetMetricData answer: status and JSON body. */
type Answer = { status: number; body: Record<string, unknown> };

let server: Server;
let endpoint: string;
let captured: Captured[];
let answers: Answer[];

beforeEach(async () => {
  captured = [];
  answers = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      const answer = answers.shift() ?? { status: 500, body: { __type: 'InternalFailure', message: 'no answer' } };
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.close();
  await once(server, 'close');
});

const client = () =>
  new CloudWatchClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDLOCALTESTONLY', secretAccessKey: 'local-test-secret' },
    maxAttempts: 1,
  });
const NOW = new Date('2026-12-06T02:50:00Z');
const reader = () =>
  new CloudWatchErrorBudget({ client: client(), resource: 'graphgate-prod-api-GraphqlFn', now: () => NOW });
const hourly = (from: string, values: number[]) => ({
  Timestamps: values.map((_, i) => Date.parse(from) / 1000 + i * 3600),
  Values: values,
});

describe('CloudWatch error budget', () => {
  it('asks GetMetricData for the SLO sums of the origin function, month to date, hourly, signed for monitoring', async () => {
    answers.push({
      status: 200,
      body: {
        MetricDataResults: [
          { Id: 'bad', Label: 'Url5xxCount', StatusCode: 'Complete', ...hourly('2026-12-01T00:00:00Z', [1, 2]) },
          { Id: 'total', Label: 'UrlRequestCount', StatusCode: 'Complete', ...hourly('2026-12-01T00:00:00Z', [5, 5]) },
        ],
        Messages: [],
      },
    });

    await reader().read();

    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request?.method).toBe('POST');
    expect(request?.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOCALTESTONLY\/\d{8}\/eu-west-1\/monitoring\/aws4_request/,
    );
    const metric = (name: string) => ({
      Namespace: 'AWS/Lambda',
      MetricName: name,
      Dimensions: [{ Name: 'FunctionName', Value: 'graphgate-prod-api-GraphqlFn' }],
    });
    expect(request?.body).toEqual({
      StartTime: Date.parse('2026-12-01T00:00:00Z') / 1000,
      EndTime: Date.parse('2026-12-06T03:00:00Z') / 1000,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        { Id: 'bad', MetricStat: { Metric: metric('Url5xxCount'), Period: 3600, Stat: 'Sum' }, ReturnData: true },
        { Id: 'total', MetricStat: { Metric: metric('UrlRequestCount'), Period: 3600, Stat: 'Sum' }, ReturnData: true },
      ],
    });
  });

  it('adds every hourly datapoint over every page into the month reading', async () => {
    answers.push(
      {
        status: 200,
        body: {
          MetricDataResults: [
            { Id: 'bad', StatusCode: 'PartialData', ...hourly('2026-12-01T00:00:00Z', [100, 150]) },
            { Id: 'total', StatusCode: 'PartialData', ...hourly('2026-12-01T00:00:00Z', [300_000, 200_000]) },
          ],
          NextToken: 'page-2',
        },
      },
      {
        status: 200,
        body: {
          MetricDataResults: [
            { Id: 'bad', StatusCode: 'Complete', ...hourly('2026-12-03T00:00:00Z', [50, 100]) },
            { Id: 'total', StatusCode: 'Complete', ...hourly('2026-12-03T00:00:00Z', [250_000, 250_000]) },
          ],
        },
      },
    );

    const reading = await reader().read();

    expect(captured.map((c) => c.body.NextToken)).toEqual([undefined, 'page-2']);
    expect(reading).toEqual({
      slo: 'api-availability',
      month: '2026-12',
      objective: 0.999,
      requests: 1_000_000,
      errors: 400,
    });
    // 400 errors of 1,000,000 requests spend 40% of a 0.1% budget: 60% is left, enough to deploy.
    expect(remainingBudget(reading)).toBeCloseTo(0.6, 10);
  });

  it('refuses to guess when CloudWatch could not sum a metric', async () => {
    answers.push({
      status: 200,
      body: {
        MetricDataResults: [
          { Id: 'bad', Label: 'Url5xxCount', StatusCode: 'Forbidden', Timestamps: [], Values: [] },
          { Id: 'total', StatusCode: 'Complete', ...hourly('2026-12-01T00:00:00Z', [5]) },
        ],
      },
    });

    await expect(reader().read()).rejects.toThrow(BudgetReadError);
  });

  it('surfaces a refused call (no permission) as the SDK error CloudWatch sent', async () => {
    answers.push({
      status: 400,
      body: { __type: 'com.amazonaws.cloudwatch#AccessDenied', message: 'not authorized to GetMetricData' },
    });

    await expect(reader().read()).rejects.toThrow(/not authorized to GetMetricData/);
  });
});

describe('error budget arithmetic', () => {
  const reading = (requests: number, errors: number): BudgetReading => ({
    slo: 'api-availability',
    month: '2026-12',
    objective: 0.999,
    requests,
    errors,
  });
  const minRemaining = loadReleaseRules(join(repoRoot, 'infra', 'release', 'release-rules.json')).errorBudget
    .minRemaining;

  it('leaves 1 − (errors / requests) / budget, clamped to [0, 1]; a month without traffic spent nothing', () => {
    expect(remainingBudget(reading(1_000_000, 400))).toBeCloseTo(0.6, 10);
    expect(remainingBudget(reading(1_000_000, 600))).toBeCloseTo(0.4, 10);
    expect(remainingBudget(reading(1_000_000, 500))).toBeCloseTo(0.5, 10);
    expect(remainingBudget(reading(1_000_000, 5_000))).toBe(0);
    expect(remainingBudget(reading(0, 0))).toBe(1);
  });

  it('puts the committed rule (at least half left) between 40% and 60% left', () => {
    expect(minRemaining).toBe(0.5);
    expect(remainingBudget(reading(1_000_000, 400))).toBeGreaterThanOrEqual(minRemaining);
    expect(remainingBudget(reading(1_000_000, 600))).toBeLessThan(minRemaining);
  });

  it('reads the calendar month in UTC up to the end of the current hour', () => {
    expect(monthToDate(new Date('2026-12-01T00:10:00Z'))).toEqual({
      start: new Date('2026-12-01T00:00:00Z'),
      end: new Date('2026-12-01T01:00:00Z'),
      month: '2026-12',
    });
    expect(monthToDate(new Date('2027-01-01T00:00:00Z')).start).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(monthToDate(new Date('2026-11-30T23:59:59Z')).month).toBe('2026-11');
  });
});
