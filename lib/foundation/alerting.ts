import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertingProps {
  readonly platformName: string;
  /** Encrypts messages at rest; its key policy lets CloudWatch alarms use it. */
  readonly key: kms.IKey;
  /**
   * Address subscribed to the topic.
   * @default - no subscription
   */
  readonly alertEmail?: string;
}

/**
 * The platform alert topic: per-tenant alarms, workflow alarms and rollback failures publish here.
 */
export class Alerting extends Construct {
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const { ACCOUNT_ID: account, PARTITION: partition, REGION: region } = Aws;

    this.topic = new sns.Topic(this, 'AlertTopic', {
      displayName: `${props.platformName} alerts`,
      masterKey: props.key,
      enforceSSL: true,
    });
    // The topic policy that enforces TLS replaces SNS's default policy, which is what let same-account alarms
    // publish; alarms publish as the CloudWatch service, so they need their own statement.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    if (props.alertEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
  }
}
