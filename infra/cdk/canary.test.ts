import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStage, synthStage } from './test-support/synth.js';

describe('GraphQL origin canary', () => {
  let prod: SynthesizedStage;
  beforeAll(() => {
    prod = synthStage('prod', { bundle: false });
  }, 120_000);

  it('shifts the live alias through CodeDeploy, 10% for 5 minutes, with automatic rollback on the SLO alarms', () => {
    const api = prod.templates.api;

    api.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
      },
      AlarmConfiguration: { Enabled: true, Alarms: Match.arrayWith([Match.objectLike({ Name: Match.anyValue() })]) },
    });
    const aliases = api.findResources('AWS::Lambda::Alias', {
      UpdatePolicy: { CodeDeployLambdaAliasUpdate: Match.anyValue() },
    });
    expect(Object.keys(aliases)).toHaveLength(1);
  });

  it('rolls back on the availability SLO error ratio of the alias above the fast-burn threshold', () => {
    const alarms = prod.templates.api.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmDescription: Match.stringLikeRegexp('^Canary rollback: GraphQL API: 99.9%') },
    });
    const [ratio] = Object.values(alarms);

    expect(ratio?.Properties.Threshold).toBeCloseTo(14.4 * 0.001, 10);
    const metricNames = JSON.stringify(ratio?.Properties.Metrics);
    expect(metricNames).toContain('Url5xxCount');
    expect(metricNames).toContain('UrlRequestCount');
  });
});
