import { Aws, type IResolvable, type IResolveContext, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { conditionServiceStatements, platformKeyServiceConditions } from './key-policy';

export interface PlatformKeyProps {
  /** Prefix of the key alias (`alias/<platformName>`). */
  readonly platformName: string;
}

/**
 * The platform's customer managed key: tenant databases, Performance Insights, secrets, the alert topic, queues and
 * log groups are encrypted with it.
 *
 * The key policy keeps the CDK default statement that lets IAM policies in this account authorize use of the key:
 * RDS and Secrets Manager use the key on behalf of the workflow's roles (grants and `kms:ViaService` requests made
 * with the caller's permissions), so the workflow's identity policies, scoped with `kms:ViaService`, are what allow
 * them. Service principals that use the key on their own account get a statement each, with the narrowest
 * condition the service supports.
 */
export class PlatformKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: PlatformKeyProps) {
    super(scope, id);
    const { PARTITION: partition, REGION: region, ACCOUNT_ID: accountId } = Aws;

    this.key = new kms.Key(this, 'Key', {
      description: `${props.platformName}: tenant databases, secrets, alerts and platform logs`,
      alias: `alias/${props.platformName}`,
      enableKeyRotation: true,
      // Deleting the key would make every tenant database, snapshot and secret encrypted with it unreadable.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptPlatformLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${accountId}:log-group:*` },
        },
      }),
    );
    // CloudWatch alarms publish to the encrypted alert topic; the service sends the alarm ARN, so scope to our alarms.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': accountId },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
        },
      }),
    );
    // EventBridge delivers to encrypted SNS topics and SQS dead-letter queues; those services call KMS on its behalf.
    const conditions = platformKeyServiceConditions(partition, region, accountId);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeDeliverToEncryptedTargets',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: conditions['events.amazonaws.com'],
      }),
    );
    // Statements aws-cdk-lib adds for service principals later (an encrypted state machine's log delivery, EventBridge
    // targets on encrypted queues) come without conditions: they get the same ones when the policy is rendered.
    const cfnKey = this.key.node.defaultChild as kms.CfnKey;
    const rendered: unknown = cfnKey.keyPolicy;
    const conditioned: IResolvable = {
      creationStack: [],
      resolve: (context: IResolveContext) => conditionServiceStatements(context.resolve(rendered), conditions),
      toString: () => 'PlatformKeyPolicy',
    };
    cfnKey.keyPolicy = conditioned;
  }
}
