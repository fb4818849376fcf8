import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../lambdas/shared/contracts';
import { HandlerFunction } from './handler-function';

export interface TenantRegistryStatsProps {
  /** The registry table (its `byStatus` index is counted). */
  readonly table: dynamodb.ITable;
  /** Key for the function's logs and environment. */
  readonly encryptionKey: kms.IKey;
  /** Log retention. */
  readonly logRetention: logs.RetentionDays;
  /** How often to count. @default Duration.minutes(5) */
  readonly interval?: Duration;
}

/** A scheduled function that publishes the number of tenants per registry status. */
export class TenantRegistryStats extends Construct {
  public readonly function: HandlerFunction;

  constructor(scope: Construct, id: string, props: TenantRegistryStatsProps) {
    super(scope, id);
    this.function = new HandlerFunction(this, 'Function', {
      folder: 'registry-stats',
      description: 'Publishes tenant counts per registry status',
      invocation: 'event',
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention,
      environment: { [ENV.registryTable]: props.table.tableName },
    });
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/${REGISTRY_STATUS_INDEX}`],
      }),
    );
    props.encryptionKey.grant(this.function, 'kms:Decrypt', 'kms:DescribeKey');
    new events.Rule(this, 'Schedule', {
      description: 'Counts tenants by status for the platform dashboard',
      schedule: events.Schedule.rate(props.interval ?? Duration.minutes(5)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
