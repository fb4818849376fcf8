import { ArnFormat, Duration, type Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ENV } from '../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../lambdas/shared/contracts';
import { executionEndedPattern } from '../triggers/event-patterns';
import { HandlerFunction } from './handler-function';
import { allow } from './permissions';
import { runOnSchedule } from './schedule';

/** What the reconciliation functions read and write. */
export interface ReconciliationProps {
  readonly stateMachine: sfn.StateMachine;
  /** The state machine's name, to scope DescribeExecution to its executions. */
  readonly stateMachineName: string;
  readonly table: dynamodb.ITable;
  readonly eventBus: events.IEventBus;
  readonly alertTopic: sns.ITopic;
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly backupReplicationRegion: string;
  /** How often the sweeper runs. @default Duration.minutes(10) */
  readonly sweepInterval?: Duration;
}

/** The reconciliation functions, for alarms. */
export interface Reconciliation {
  readonly reaper: HandlerFunction;
  readonly sweeper: HandlerFunction;
  /** Reaper events that failed every delivery and retry; alarmed, replayed by operators. */
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * What keeps the registry true when an execution cannot record its own outcome: the execution reaper (driven by Step
 * Functions' status-change events, best effort) with a dead-letter queue for events it could not handle, and the
 * scheduled sweeper that reconciles what events missed and publishes outcome events still pending in the outbox.
 * Created directly in `stack` so the reaper keeps the construct paths (and logical IDs) it had there.
 */
export function addReconciliation(stack: Stack, props: ReconciliationProps): Reconciliation {
  const key = props.encryptionKey;
  const common = { encryptionKey: key, logRetention: props.logRetention, invocation: 'event' as const };
  const outcomeEnvironment = {
    [ENV.registryTable]: props.table.tableName,
    [ENV.eventBusName]: props.eventBus.eventBusName,
    [ENV.alertTopicArn]: props.alertTopic.topicArn,
  };
  const grantOutcomes = (f: HandlerFunction) => {
    f.addToRolePolicy(allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [props.table.tableArn]));
    f.addToRolePolicy(allow(['dynamodb:Query'], [`${props.table.tableArn}/index/${REGISTRY_STATUS_INDEX}`]));
    f.addToRolePolicy(allow(['events:PutEvents'], [props.eventBus.eventBusArn]));
    f.addToRolePolicy(allow(['sns:Publish'], [props.alertTopic.topicArn]));
    key.grant(f, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey');
  };

  const deadLetterQueue = new sqs.Queue(stack, 'ReaperDeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is the dead-letter queue of the execution reaper; it is alarmed and read by operators, and the sweeper reconciles what it holds.',
  });

  // Executions that time out, are aborted or fail inside RecordFailure cannot record their own outcome: the reaper
  // marks the tenant ROLLBACK_FAILED and alerts, so nothing stays PROVISIONING silently.
  const reaper = new HandlerFunction(stack, 'ExecutionReaperFunction', {
    ...common,
    folder: 'execution-reaper',
    description: 'Records executions that ended without recording their outcome',
    environment: { ...outcomeEnvironment, [ENV.backupRegion]: props.backupReplicationRegion },
    deadLetterQueue,
  });
  grantOutcomes(reaper);
  new events.Rule(stack, 'ExecutionEndedRule', {
    description: 'A provisioning execution ended TIMED_OUT, ABORTED or FAILED',
    eventPattern: executionEndedPattern(props.stateMachine.stateMachineArn),
    targets: [
      new targets.LambdaFunction(reaper, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue }),
    ],
  });

  const sweeper = new HandlerFunction(stack, 'SweeperFunction', {
    ...common,
    folder: 'sweeper',
    description: 'Reconciles the registry with ended executions and publishes pending outcome events',
    timeout: Duration.minutes(5),
    environment: { ...outcomeEnvironment, [ENV.backupRegion]: props.backupReplicationRegion },
  });
  grantOutcomes(sweeper);
  sweeper.addToRolePolicy(
    allow(
      ['states:DescribeExecution'],
      [
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${props.stateMachineName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    ),
  );
  Validations.of(sweeper.role as iam.Role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${props.stateMachineName}:*]`,
    reason:
      'The sweeper describes the executions named in registry records; execution names are chosen at start time, and the grant is limited to the provisioning state machine.',
  });
  runOnSchedule(stack, 'SweepSchedule', sweeper, {
    every: props.sweepInterval ?? Duration.minutes(10),
    description: 'Reconciles the tenant registry with ended executions and the outcome outbox',
  });
  return { reaper, sweeper, deadLetterQueue };
}
