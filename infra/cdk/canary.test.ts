import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionEntries } from '../release/deployables.js';
import type { GraphgateFunction } from './constructs/graphgate-function.js';
import type { GraphgateStacks } from './graphgate-app.js';
import { type SynthesizedStage, synthStage } from './test-support/synth.js';

type Json = Record<string, unknown>;
type Area = keyof GraphgateStacks;

/** Every regional function with the rollback alarms its canary must have (alarm construct ids). */
const canaried = (s: GraphgateStacks): [string, Area, GraphgateFunction, string[]][] => [
  [
    'GraphQL origin',
    'api',
    s.api.graphql,
    ['Errors', 'Slo-api-availability', 'Slo-api-latency-p95', 'Slo-api-latency-p99'],
  ],
  ['step-up', 'api', s.api.stepUp, ['Errors', 'Slo-api-availability']],
  ['intake API', 'ingest', s.ingest.intake, ['Errors', 'Slo-ingest-availability']],
  ['ER consumer', 'ingest', s.ingest.consumer, ['Errors', 'FailedEvents', 'ErLag']],
  ['DLQ replay', 'ingest', s.ingest.replay, ['Errors']],
  ['review backlog', 'ingest', s.ingest.reviewBacklog, ['Errors']],
  ['retention sweep', 'retention', s.retention.sweep, ['Errors']],
  ['graph backup', 'backup', s.backup.fn, ['Errors']],
];

const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** The metrics an alarm reads: namespace, name and dimensions (values as synthesized: strings or tokens). */
function readsOf(alarm: Json): { namespace: string; name: string; dims: Record<string, unknown> }[] {
  const dims = (d: unknown) =>
    Object.fromEntries(((d as { Name: string; Value: unknown }[] | undefined) ?? []).map((x) => [x.Name, x.Value]));
  if (typeof alarm.MetricName === 'string') {
    return [{ namespace: alarm.Namespace as string, name: alarm.MetricName, dims: dims(alarm.Dimensions) }];
  }
  return ((alarm.Metrics as Json[] | undefined) ?? []).flatMap((q) => {
    const m = (q.MetricStat as Json | undefined)?.Metric as Json | undefined;
    return m ? [{ namespace: m.Namespace as string, name: m.MetricName as string, dims: dims(m.Dimensions) }] : [];
  });
}

/**
 * What AWS publishes per resource kind (the dimension set names the resource): a canary alarm may read only these,
 * so it can never wait on a series nobody writes. Our own EMF metrics carry no version or alias, so none is used here.
 */
const published: Record<string, string[]> = {
  'AWS/Lambda [FunctionName,Resource]': ['Errors', 'Url5xxCount', 'UrlRequestCount', 'UrlRequestLatency'],
  'AWS/Lambda [EventSourceMappingUUID]': ['FailedInvokeEventCount', 'PolledEventCount'],
  'AWS/ApiGateway [ApiId,Stage]': ['5xx', 'Count'],
  'AWS/SQS [QueueName]': ['ApproximateAgeOfOldestMessage'],
};

describe('canary and rollback of every deployed Lambda', () => {
  let prod: SynthesizedStage;
  beforeAll(() => {
    prod = synthStage('prod', { bundle: false });
  }, 120_000);
  const templateOf = (area: Area) => prod.templates[area].toJSON() as { Resources: Record<string, Json> };

  it('gives a canary to every Lambda the release ships (all but CDK custom-resource providers and Lambda@Edge)', () => {
    const deployed = Object.entries(prod.templates).flatMap(([area, t]) =>
      Object.keys(t.findResources('AWS::Lambda::Function'))
        .filter((id) => !id.startsWith('Custom') && !(area === 'edge' && id.startsWith('EdgeFn')))
        .map((id) => `${area}/${id}`),
    );
    const withCanary = canaried(prod.stacks).map(([, area, fn]) => `${area}/${idOf(prod.stacks[area], fn.fn)}`);

    expect(deployed.sort()).toEqual(withCanary.sort());
    expect(withCanary).toHaveLength(Object.keys(functionEntries).length);
  });

  describe.each(canaried(synthStage('prod', { bundle: false }).stacks))('%s', (_label, area, fn, alarmIds) => {
    const ids = () => {
      const stack = prod.stacks[area];
      return {
        fn: idOf(stack, fn.fn),
        alias: idOf(stack, fn.live),
        group: idOf(stack, fn.canary.group),
        alarms: fn.canary.alarms.map((a) => idOf(stack, a)),
      };
    };

    it('moves its live alias through CodeDeploy, 10% for 5 minutes, rolling back on alarm, failure or stop', () => {
      const { fn: fnId, alias, group } = ids();
      const resources = templateOf(area).Resources;

      expect(resources[alias]).toMatchObject({
        Type: 'AWS::Lambda::Alias',
        Properties: { Name: 'live', FunctionName: { Ref: fnId } },
        UpdatePolicy: { CodeDeployLambdaAliasUpdate: { DeploymentGroupName: { Ref: group } } },
      });
      expect(resources[group]).toMatchObject({
        Type: 'AWS::CodeDeploy::DeploymentGroup',
        Properties: {
          DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
          AutoRollbackConfiguration: {
            Enabled: true,
            Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
          },
        },
      });
    });

    it(`rolls back on exactly its alarms: ${alarmIds.join(', ')}`, () => {
      const { group, alarms } = ids();
      const groupProps = templateOf(area).Resources[group]?.Properties as Json;

      expect(fn.canary.alarms.map((a) => a.node.id)).toEqual(alarmIds);
      expect(groupProps.AlarmConfiguration).toEqual({
        Enabled: true,
        Alarms: alarms.map((id) => ({ Name: { Ref: id } })),
      });
    });

    it('reads only metrics AWS publishes for its alias, its API stage, its queue or its queue mapping', () => {
      const { fn: fnId, alarms } = ids();
      const resources = templateOf(area).Resources;
      const aliasResource = { 'Fn::Join': ['', [{ Ref: fnId }, ':live']] };
      for (const alarmId of alarms) {
        const props = resources[alarmId]?.Properties as Json;
        expect(props.TreatMissingData).toBe('notBreaching');
        for (const read of readsOf(props)) {
          const kind = `${read.namespace} [${Object.keys(read.dims).sort().join(',')}]`;
          expect(published[kind], `${alarmId} reads ${kind}`).toContain(read.name);
          if (read.dims.Resource) expect(read.dims).toEqual({ FunctionName: { Ref: fnId }, Resource: aliasResource });
        }
      }
    });
  });

  it('judges the origin by every API SLO on its alias: 5xx ratio > 1.44%, slower than 350 ms > 72%, than 900 ms > 14.4%', () => {
    const api = prod.templates.api;
    const byDescription = (re: string) =>
      Object.values(
        api.findResources('AWS::CloudWatch::Alarm', {
          Properties: { AlarmDescription: Match.stringLikeRegexp(`^Canary rollback: GraphQL origin held to ${re}`) },
        }),
      );
    const [availability] = byDescription('GraphQL API: 99.9%');
    const [p95] = byDescription('GraphQL API: 95%');
    const [p99] = byDescription('GraphQL API: 99%');

    expect(availability?.Properties.Threshold).toBeCloseTo(14.4 * 0.001, 10);
    expect(readsOf(availability?.Properties).map((r) => r.name)).toEqual(['Url5xxCount', 'UrlRequestCount']);
    expect(p95?.Properties.Threshold).toBeCloseTo(14.4 * 0.05, 10);
    expect(JSON.stringify(p95?.Properties.Metrics)).toContain('"Stat":"PR(:350)"');
    expect(p99?.Properties.Threshold).toBeCloseTo(14.4 * 0.01, 10);
    expect(JSON.stringify(p99?.Properties.Metrics)).toContain('"Stat":"PR(:900)"');
  });

  it('judges the intake by the ingest SLO on its API stage (> 7.2% 5xx) and the consumer by failed events and ER lag', () => {
    const { ingest } = prod.stacks;
    const resources = templateOf('ingest').Resources;
    const alarm = (fn: GraphgateFunction, id: string) =>
      resources[idOf(ingest, fn.canary.alarms.find((a) => a.node.id === id)!)]?.Properties as Json;

    const intake = alarm(ingest.intake, 'Slo-ingest-availability');
    expect(intake.Threshold).toBeCloseTo(14.4 * 0.005, 10);
    expect(readsOf(intake).map((r) => [r.name, r.dims])).toEqual([
      ['5xx', { ApiId: { Ref: idOf(ingest, ingest.httpApi) }, Stage: '$default' }],
      ['Count', { ApiId: { Ref: idOf(ingest, ingest.httpApi) }, Stage: '$default' }],
    ]);

    const [mapping] = Object.keys(prod.templates.ingest.findResources('AWS::Lambda::EventSourceMapping'));
    expect(resources[mapping!]?.Properties).toMatchObject({ MetricsConfig: { Metrics: ['EventCount'] } });
    const failed = alarm(ingest.consumer, 'FailedEvents');
    expect(failed.Threshold).toBeCloseTo(14.4 * 0.005, 10);
    expect(readsOf(failed).map((r) => [r.name, r.dims])).toEqual([
      ['FailedInvokeEventCount', { EventSourceMappingUUID: { Ref: mapping } }],
      ['PolledEventCount', { EventSourceMappingUUID: { Ref: mapping } }],
    ]);
    const lag = alarm(ingest.consumer, 'ErLag');
    expect(lag).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 60, Statistic: 'Maximum' });
    expect(readsOf(lag)[0]?.dims).toEqual({ QueueName: { 'Fn::GetAtt': [idOf(ingest, ingest.queue), 'QueueName'] } });
  });

  it('sends every caller to the live alias: both function URLs, the API route, the queue mapping, both schedules', () => {
    const { api, ingest, retention, backup } = prod.stacks;
    const t = (area: Area) => prod.templates[area];
    const aliasRef = (stack: Stack, fn: GraphgateFunction) => ({ Ref: idOf(stack, fn.live) });

    t('api').resourcePropertiesCountIs('AWS::Lambda::Url', { Qualifier: 'live' }, 2);
    t('api').resourceCountIs('AWS::Lambda::Url', 2);
    // The mapping names the alias as `<function name>:live`.
    const [mapping] = Object.values(t('ingest').findResources('AWS::Lambda::EventSourceMapping'));
    const mappingTarget = JSON.stringify(mapping?.Properties.FunctionName);
    expect(mappingTarget).toContain(`"Ref":"${idOf(ingest, ingest.consumer.live)}"`);
    expect(mappingTarget).toContain('":live"');
    t('ingest').hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationUri: aliasRef(ingest, ingest.intake),
    });
    t('ingest').hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: aliasRef(ingest, ingest.reviewBacklog) })],
    });
    t('retention').hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: aliasRef(retention, retention.sweep) })],
    });
    t('backup').hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: aliasRef(backup, backup.fn) })],
    });
    // Nothing may invoke the unqualified function ($LATEST keeps a rolled-back version's code).
    for (const [, area, fn] of canaried(prod.stacks)) {
      const stack = prod.stacks[area];
      const unqualified = t(area).findResources('AWS::Lambda::Permission', {
        Properties: { FunctionName: Match.objectLike({ 'Fn::GetAtt': [idOf(stack, fn.fn), 'Arn'] }) },
      });
      expect(Object.keys(unqualified), `${fn.node.id}: permissions on the bare function`).toEqual([]);
    }
    expect(api.alias).toBe(api.graphql.live);
  });

  it('promotes the Lambda@Edge version only after the api and ingest canaries (stack dependencies)', () => {
    const edge = prod.assembly.getStackByName(prod.stacks.edge.stackName);
    const dependsOn = edge.dependencies.map((d) => d.id);

    expect(dependsOn).toEqual(expect.arrayContaining([prod.stacks.api.stackName, prod.stacks.ingest.stackName]));
    prod.templates.edge.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          LambdaFunctionAssociations: [
            Match.objectLike({ LambdaFunctionARN: { Ref: Match.stringLikeRegexp('^EdgeFnCurrentVersion') } }),
          ],
        }),
      }),
    });
  });
});
