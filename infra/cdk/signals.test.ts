import { readFileSync } from 'node:fs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEdgeMetrics } from '../../edge/metrics.js';
import { cloudwatch, prometheus, usageItems } from '../../functions/core/metrics/names.js';
import { EmfIntakeMetrics, PromIntakeMetrics, promIntakeRequests } from '../../functions/er-intake/metrics.js';
import { emfOriginSignals, promOriginSignals } from '../../functions/graphql/signals.js';
import { createOriginMetrics } from '../../functions/graphql/telemetry.js';
import { prometheusRulesPath } from './slo/write-prometheus.js';
import {
  type CwSeries,
  cloudwatchReads,
  emfSeries,
  exposedSeries,
  type PromSeries,
  prometheusReads,
  unemittedCloudwatch,
  unemittedPrometheus,
} from './test-support/signals.js';
import { type SynthesizedStage, synthStage } from './test-support/synth.js';

/** Runs `drive` and returns the EMF lines Powertools wrote to stdout meanwhile. */
function captureEmf(drive: () => void): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    drive();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

/** Drives every method of the production EMF emitters (origin Lambda, ER consumer Lambda). */
function emittedToCloudwatch(): CwSeries[] {
  const origin = captureEmf(() => {
    const s = emfOriginSignals('prod');
    s.request('t1', 12);
    s.cypher('t1', 'getEntity', 3);
    s.upstashCommands(2);
    s.llmTokens('t1', 500);
    s.planCache(true);
    s.planCache(false);
    s.llmSpend(0.01, 'bedrock');
    s.nlqError('NOT_UNDERSTOOD');
    s.cypherDuration(4, 'model');
    s.nlqDuration(40, 'answered');
    s.flush();
  });
  const er = captureEmf(() => {
    const m = new EmfIntakeMetrics('prod');
    m.processed('HIGH', false, 20, 3, 't1');
    m.failed('GRAPH_UNAVAILABLE', true);
    m.oldestAge(100);
    m.upstashCommands(3);
    m.reviewBacklog('t1', 2, 1000);
    m.flush();
  });
  return [...emfSeries(origin, 'origin EMF'), ...emfSeries(er, 'er-intake EMF')];
}

/** Drives the production Prometheus emitters (origin, ER worker, intake API, edge) and reads their expositions. */
async function emittedToPrometheus(): Promise<PromSeries[]> {
  const origin = createOriginMetrics();
  const signals = promOriginSignals(origin.registry);
  origin.requests.inc({ operation: 'GetEntity', outcome: '5xx' });
  origin.duration.observe({ labels: { operation: 'GetEntity', outcome: 'ok' }, value: 0.01 });
  origin.cypher.observe({ labels: { method: 'getEntity', outcome: 'ok' }, value: 0.001 });
  signals.request('t1', 12);
  signals.cypher('t1', 'getEntity', 3);
  signals.llmTokens('t1', 500);
  signals.upstashCommands(2);
  const worker = new PromIntakeMetrics();
  worker.processed('HIGH', false, 20, 3, 't1');
  worker.failed('X', true);
  worker.oldestAge(1);
  worker.reviewBacklog('t1', 1, 1000);
  worker.queueDepth('intake', 1, 0);
  worker.upstashCommands(1);
  const intake = promIntakeRequests();
  intake.count('5xx');
  const edge = createEdgeMetrics();
  edge.usage('t1', 'calls');
  edge.usage('t1', 'cache_hits');
  const texts: [string, string][] = [
    ['origin /metrics', await origin.registry.metrics()],
    ['ER worker /metrics', await worker.registry.metrics()],
    ['intake /metrics', await intake.registry.metrics()],
    ['edge /metrics', edge.prometheus()],
  ];
  promTexts = texts.map(([, text]) => text).join('\n');
  return texts.flatMap(([where, text]) => exposedSeries(text, where));
}

let stage: SynthesizedStage;
let emittedCw: CwSeries[];
let emittedProm: PromSeries[];
let promTexts = '';
beforeAll(async () => {
  stage = synthStage('prod', { bundle: false });
  emittedCw = emittedToCloudwatch();
  emittedProm = await emittedToPrometheus();
}, 180_000);
afterEach(() => vi.restoreAllMocks());

const cdkReads = () =>
  Object.values(stage.templates).flatMap((t) => cloudwatchReads(t.toJSON() as Record<string, unknown>));

describe('signals: every metric a guardrail reads is emitted under that name and those dimensions', () => {
  it('CloudWatch alarms and dashboards read only custom metrics the Lambdas emit (EMF)', () => {
    const reads = cdkReads();
    // The readers are really there: LLM spend alarm, NLQ widgets, Cypher SEARCH, Upstash cost terms, review backlog.
    const readNames = new Set(reads.map((r) => r.name));
    for (const s of [
      'LlmSpendUsd',
      'NlqDuration',
      'NlqErrors',
      'CypherDuration',
      'UpstashCommands',
      'TenantOriginCalls',
    ])
      expect(readNames).toContain(s);
    expect(unemittedCloudwatch(reads, emittedCw)).toEqual([]);
  });

  it('the PrometheusRule reads only metrics the local servers expose, with the labels it matches on', () => {
    const reads = prometheusReads(readFileSync(prometheusRulesPath, 'utf8'));
    expect(new Set(reads.map((r) => r.name))).toContain(prometheus.intakeRequests.name);
    expect(unemittedPrometheus(reads, emittedProm)).toEqual([]);
  });

  it('every registered signal is emitted (the registry holds no name nobody writes)', () => {
    const cwRegistry: CwSeries[] = Object.values(cloudwatch).map((s) => ({
      ...s,
      dimensions: [...s.dimensions].sort(),
      where: 'registry',
    }));
    expect(unemittedCloudwatch(cwRegistry, emittedCw)).toEqual([]);
    const promRegistry: PromSeries[] = Object.values(prometheus).map((s) => ({
      name: s.type === 'histogram' ? `${s.name}_bucket` : s.name,
      labels: [...s.labels].sort(),
      where: 'registry',
    }));
    expect(unemittedPrometheus(promRegistry, emittedProm)).toEqual([]);
  });

  it('every usage item the cost report prices is counted per tenant by some emitter', () => {
    const counted = new Set(
      [...promTexts.matchAll(new RegExp(`^${prometheus.tenantUsage.name}\\{[^}]*item="([a-z0-9_]+)"`, 'gm'))].map(
        (m) => m[1],
      ),
    );
    expect([...counted].sort()).toEqual([...usageItems].sort());
  });

  it('fails on a name nobody emits: an alarm on NoSuchMetric and a rule on graphgate_nothing_total', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad');
    new Alarm(stack, 'Bad', {
      metric: new Metric({
        namespace: cloudwatch.nlqErrors.namespace,
        metricName: 'NoSuchMetric',
        dimensionsMap: { service: 'graphql', Stage: 'prod' },
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    // And a real name with a dimension set the emitter never writes (Stage only, as the dashboards read it before).
    new Alarm(stack, 'WrongDims', {
      metric: new Metric({
        namespace: cloudwatch.nlqErrors.namespace,
        metricName: cloudwatch.nlqErrors.name,
        dimensionsMap: { Stage: 'prod' },
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    const template = app.synth().getStackByName('Bad').template as Record<string, unknown>;

    const missing = unemittedCloudwatch(cloudwatchReads(template), emittedCw);
    const rule = [
      'apiVersion: monitoring.coreos.com/v1',
      'kind: PrometheusRule',
      'spec:',
      '  groups:',
      '    - name: bad',
      '      rules:',
      '        - alert: Bad',
      '          expr: sum(rate(graphgate_nothing_total[5m])) > 0 and sum(rate(graphgate_intake_requests_total{route="x"}[5m])) > 0',
    ].join('\n');
    const missingProm = unemittedPrometheus(prometheusReads(rule), emittedProm);

    expect(missing).toEqual([
      expect.stringMatching(/^Graphgate\/Origin NoSuchMetric \[Stage,service\] read by alarm/),
      expect.stringMatching(/^Graphgate\/Origin NlqErrors \[Stage\] read by alarm/),
    ]);
    expect(missingProm).toEqual([
      'graphgate_nothing_total read by rule group bad',
      'graphgate_intake_requests_total{route} read by rule group bad',
    ]);
  });

  it('fails on a registered name nobody emits, and passes the ER consumer counters that are emitted', () => {
    const registry = (name: string): CwSeries => ({
      namespace: cloudwatch.erEventsFailed.namespace,
      name,
      dimensions: [...cloudwatch.erEventsFailed.dimensions],
      where: 'registry',
    });

    const missing = unemittedCloudwatch(
      [
        registry('EventsNobodyWrites'),
        registry(cloudwatch.erEventsFailed.name),
        registry(cloudwatch.erEventsProcessed.name),
      ],
      emittedCw,
    );

    expect(missing).toEqual([expect.stringMatching(/^graphgate EventsNobodyWrites \[service\] read by registry/)]);
  });
});
