import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AlarmRoutes, StageConfig } from '../config/stages.js';

/** The three alarm routes as SNS topics. */
export type Route = keyof AlarmRoutes;

/**
 * SNS topics for `page`, `ticket` and `finance`, encrypted with one customer-managed key (the AWS-managed SNS key
 * does not let CloudWatch or Budgets publish), subscribed to the stage's routes, and open to AWS Budgets.
 */
export class AlarmTopics extends Construct {
  readonly topics: Record<Route, Topic>;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: `graphgate ${stage.name} alarm topics`,
      enableKeyRotation: true,
    });
    for (const service of ['cloudwatch.amazonaws.com', 'budgets.amazonaws.com']) {
      key.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
    }
    const make = (route: Route) => {
      const topic = new Topic(this, route, {
        topicName: `graphgate-${stage.name}-${route}`,
        displayName: `graphgate ${stage.name} ${route}`,
        masterKey: key,
        enforceSSL: true,
      });
      for (const endpoint of stage.alarmRoutes[route]) {
        topic.addSubscription(
          endpoint.startsWith('https://') ? new UrlSubscription(endpoint) : new EmailSubscription(endpoint),
        );
      }
      topic.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('budgets.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
      return topic;
    };
    this.topics = { page: make('page'), ticket: make('ticket'), finance: make('finance') };
  }
}
