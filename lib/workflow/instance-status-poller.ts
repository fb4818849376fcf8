import { ArnFormat, Duration, type Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { ENV } from '../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../lambdas/shared/contracts';
import { HandlerFunction } from './handler-function';
import { allow } from './permissions';

export interface InstanceStatusPollerProps {
  readonly table: dynamodb.ITable;
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** How often every instance being created is described. @default Duration.minutes(1) */
  readonly interval?: Duration;
}

/**
 * The shared status poller (lambdas/instance-status): one paginated DescribeDBInstances a minute for every instance
 * being created, recorded in the registry, so the RDS API load does not grow with the number of waiting executions.
 */
export function addInstanceStatusPoller(stack: Stack, props: InstanceStatusPollerProps): HandlerFunction {
  const poller = new HandlerFunction(stack, 'InstanceStatusFunction', {
    encryptionKey: props.encryptionKey,
    logRetention: props.logRetention,
    invocation: 'event',
    folder: 'instance-status',
    description: 'Describes every instance being created at once and records the statuses in the registry',
    environment: { [ENV.registryTable]: props.table.tableName },
  });
  poller.addToRolePolicy(allow(['dynamodb:Query'], [`${props.table.tableArn}/index/${REGISTRY_STATUS_INDEX}`]));
  poller.addToRolePolicy(allow(['dynamodb:UpdateItem'], [props.table.tableArn]));
  props.encryptionKey.grant(poller, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey');
  // A describe with filters names no instance, so RDS authorizes it against every DB instance ARN: read-only.
  const allInstances = stack.formatArn({
    service: 'rds',
    resource: 'db',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  poller.addToRolePolicy(allow(['rds:DescribeDBInstances'], [allInstances]));
  Validations.of(poller.role as iam.Role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:*]',
    reason:
      'DescribeDBInstances with a db-instance-id filter names no single instance, so RDS authorizes it against every instance ARN; the action is read-only and the handler filters on tenant instances.',
  });
  new events.Rule(stack, 'InstanceStatusSchedule', {
    description: 'Describes every tenant instance being created, once for all waiting executions',
    schedule: events.Schedule.rate(props.interval ?? Duration.minutes(1)),
    targets: [new targets.LambdaFunction(poller, { retryAttempts: 0 })],
  });
  return poller;
}
