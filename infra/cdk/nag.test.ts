import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createApp } from './graphgate-app.js';
import { synthStage } from './test-support/synth.js';

const ACK = 'aws:cdk:acknowledged-rules';

describe('cdk-nag (AwsSolutions)', () => {
  it('fails synthesis on an unacknowledged finding, so the guard is live', () => {
    const app = createApp({ outdir: mkdtempSync(join(tmpdir(), 'graphgate-nag-')) });
    new Queue(new Stack(app, 'Bad'), 'NoDlqNoTls');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
    // cdk-nag's first synth loads every rule pack: seconds on a loaded 2-core machine.
  }, 60_000);

  it('passes the dev stage (no custom domain, no provisioned concurrency), every acknowledgement with a reason', () => {
    // synthStage throws with cdk-nag's report if any finding is left unacknowledged.
    const { stacks } = synthStage('dev', { bundle: false });
    const constructs: IConstruct[] = Object.values(stacks).flatMap((stack: Stack) => stack.node.findAll());
    const acks = constructs.flatMap((c) =>
      c.node.metadata.filter((m) => m.type === ACK).map((m) => ({ path: c.node.path, data: m.data })),
    );
    expect(acks.length).toBeGreaterThan(5);
    // Each entry maps `<namespace>::<rule id>` to the reason given at the acknowledge() call.
    for (const ack of acks) {
      for (const [rule, reason] of Object.entries(ack.data as Record<string, string>)) {
        // Ours are cdk-nag rules; CDK itself acknowledges a cfn-lint warning on a log bucket it grants access to.
        expect(rule, ack.path).toMatch(/AwsSolutions-|^CloudFormation-Validate::W3045$/);
        expect(reason.length, `${ack.path} ${rule}`).toBeGreaterThan(40);
      }
    }
  }, 120_000);
});
