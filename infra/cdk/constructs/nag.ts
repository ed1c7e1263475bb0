import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One cdk-nag acknowledgement; `reason` is what a reviewer reads, so it says why the finding does not apply. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

const BASIC_EXECUTION =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/** Why every graphgate Lambda (regional or edge) raises these findings by design. */
const LAMBDA_REASONS: Record<string, string> = {
  [BASIC_EXECUTION]: 'The AWS managed basic execution policy only lets the function write its own CloudWatch logs.',
  'AwsSolutions-L1':
    'Pinned to Node.js 22 on purpose: bundles target node22 and the repository runs and tests on Node 20–22; moving ' +
    'to a newer runtime is one reviewed edit of the construct, not an automatic drift.',
};

/** Acknowledges the findings every GraphgateFunction raises by design (`fn` is the Lambda construct). */
export function acknowledgeLambdaDefaults(fn: IConstruct, options: { xray?: boolean } = { xray: true }): void {
  for (const [id, reason] of Object.entries(LAMBDA_REASONS)) acknowledge(fn, id, reason);
  if (options.xray) {
    acknowledge(
      fn,
      'AwsSolutions-IAM5[Resource::*]',
      'Only the X-Ray actions (PutTraceSegments, PutTelemetryRecords) use Resource "*": X-Ray has no resource-level ' +
        'permissions. Every table, queue and secret grant names its ARN (asserted in infra/cdk/iam.test.ts).',
    );
  }
}
