import { ArnFormat, Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { RUNTIME_ENV, setting } from '../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../lambdas/shared/contracts';
import { executionEndedPattern } from '../triggers/event-patterns';
import type { HandlerFunction } from './handler-function';
import type { EnvironmentSetting } from './handler-spec';
import {
  addHandler,
  type HandlerAccess,
  type HandlerSpec,
  onRegistry,
  type PlatformResources,
  registryKeyActions,
} from './handler-spec';
import { allow } from './permissions';
import { runOnSchedule } from './schedule';

/** What both reconciliation functions read and write: the registry, the outcome bus and the alert topic. */
function outcomeEnvironment(p: PlatformResources): EnvironmentSetting[] {
  return [
    setting(RUNTIME_ENV.registryTable, p.table.tableName),
    setting(RUNTIME_ENV.eventBusName, p.eventBus.eventBusName),
    setting(RUNTIME_ENV.alertTopicArn, p.foundation.alertTopic.topicArn),
    setting(RUNTIME_ENV.backupRegion, p.backupRegion),
  ];
}

function outcomeAccess(p: PlatformResources): HandlerAccess {
  return {
    statements: [
      onRegistry(p, ['dynamodb:GetItem', 'dynamodb:UpdateItem']),
      onRegistry(p, ['dynamodb:Query'], REGISTRY_STATUS_INDEX),
      allow(['events:PutEvents'], [p.eventBus.eventBusArn]),
      allow(['sns:Publish'], [p.foundation.alertTopic.topicArn]),
    ],
    keyActions: registryKeyActions('write'),
  };
}

/** Records executions that ended without recording their outcome (timed out, aborted, failed in RecordFailure). */
const EXECUTION_REAPER: HandlerSpec = {
  folder: 'execution-reaper',
  description: 'Records executions that ended without recording their outcome',
  invocation: 'event',
  environment: outcomeEnvironment,
  access: outcomeAccess,
};

/**
 * The sweeper describes the executions named in registry records. Their names are chosen at start time, so the grant
 * covers every execution of the provisioning state machine.
 */
function sweeperSpec(stateMachineName: string): HandlerSpec {
  return {
    folder: 'sweeper',
    description: 'Reconciles the registry with ended executions and publishes pending outcome events',
    invocation: 'event',
    timeoutSeconds: 300,
    environment: outcomeEnvironment,
    access: (p) => {
      const outcomes = outcomeAccess(p);
      return {
        ...outcomes,
        statements: [
          ...outcomes.statements,
          allow(
            ['states:DescribeExecution'],
            [
              p.stack.formatArn({
                service: 'states',
                resource: 'execution',
                resourceName: `${stateMachineName}:*`,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ],
          ),
        ],
        accepted: {
          reason:
            'The sweeper describes the executions named in registry records; execution names are chosen at start time, and the grant is limited to the provisioning state machine.',
          findings: [
            `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachineName}:*]`,
          ],
        },
      };
    },
  };
}

export interface ReconciliationProps {
  readonly stateMachine: sfn.StateMachine;
  /** The state machine's name, to scope DescribeExecution to its executions. */
  readonly stateMachineName: string;
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
 * Created directly in `scope` so the reaper keeps the construct paths (and logical IDs) it had there.
 */
export function addReconciliation(
  scope: Construct,
  platform: PlatformResources,
  props: ReconciliationProps,
): Reconciliation {
  const deadLetterQueue = new sqs.Queue(scope, 'ReaperDeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: platform.key,
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
  const reaper = addHandler(scope, 'ExecutionReaperFunction', EXECUTION_REAPER, platform, { deadLetterQueue });
  new events.Rule(scope, 'ExecutionEndedRule', {
    description: 'A provisioning execution ended TIMED_OUT, ABORTED or FAILED',
    eventPattern: executionEndedPattern(props.stateMachine.stateMachineArn),
    targets: [
      new targets.LambdaFunction(reaper.function, {
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
        deadLetterQueue,
      }),
    ],
  });

  const sweeper = addHandler(scope, 'SweeperFunction', sweeperSpec(props.stateMachineName), platform);
  runOnSchedule(scope, 'SweepSchedule', sweeper.function, {
    every: props.sweepInterval ?? Duration.minutes(10),
    description: 'Reconciles the tenant registry with ended executions and the outcome outbox',
  });
  return { reaper, sweeper, deadLetterQueue };
}
