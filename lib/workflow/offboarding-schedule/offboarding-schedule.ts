import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SCHEDULE_ENV } from '../../../lambdas/schedule-offboarding/options';
import { RUNTIME_ENV, setting } from '../../../lambdas/shared/config';
import { BILLING_OFFBOARDING_PATTERN, REJECTED_BILLING_OFFBOARDING_PATTERN } from '../../triggers/event-patterns';
import type { HandlerFunction } from '../handler-function';
import { addHandler, type HandlerSpec, onRegistry, type PlatformResources, registryKeyActions } from '../handler-spec';
import { ManagedPolicyRole } from '../managed-policy-role';
import { allow } from '../permissions';
import { addRejectedEventsQueue } from '../rejected-events-queue';

/** Props of {@link OffboardingSchedule}. */
export interface OffboardingScheduleProps {
  /** What the function's environment and permissions name. */
  readonly platform: PlatformResources;
  /** The offboarding workflow the schedules start (input `{ tenantId, operation: 'offboard', requestedBy, requestId }`). */
  readonly offboardingStateMachine: sfn.IStateMachine;
  /** The schedule group's name (fixed: IAM scopes the function to the group's schedules). */
  readonly scheduleGroupName: string;
  /** The bus billing sends its offboarding events to. */
  readonly billingBus: events.IEventBus;
  /** Where billing deliveries EventBridge could not make land (the billing trigger's dead-letter queue). */
  readonly billingDeadLetterQueue: sqs.IQueue;
}

const queueProps = (platform: PlatformResources): sqs.QueueProps => ({
  encryption: sqs.QueueEncryption.KMS,
  encryptionMasterKey: platform.key,
  enforceSSL: true,
  retentionPeriod: Duration.days(14),
});

/**
 * Scheduled, cancellable offboarding: a schedule group for one-time EventBridge Scheduler schedules (one per
 * tenant), the role Scheduler assumes to start the offboarding workflow, a dead-letter queue for starts Scheduler
 * could not make, and the scheduling function that tenantctl invokes and billing's "Tenant Offboarding Requested" /
 * "Tenant Offboarding Cancelled" events reach. Malformed billing events land in a rejected-events queue; events the
 * function refused after its retries land in its own dead-letter queue. All three queues are for the stack's
 * queue alarms ({@link queues}).
 */
export class OffboardingSchedule extends Construct {
  /** The scheduling function (tenantctl invokes it: `lambda:InvokeFunction`). */
  public readonly function: HandlerFunction;
  /** The schedule group. */
  public readonly group: scheduler.CfnScheduleGroup;
  /** The role Scheduler assumes to start offboarding executions. */
  public readonly schedulerRole: iam.Role;
  /** Starts Scheduler could not make after its retries. */
  public readonly scheduleDeadLetterQueue: sqs.Queue;
  /** Billing offboarding events the function failed on after its retries. */
  public readonly failedEventsQueue: sqs.Queue;
  /** Billing offboarding events missing a field. */
  public readonly rejectedQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OffboardingScheduleProps) {
    super(scope, id);
    const { platform } = props;
    const stack = Stack.of(this);
    this.group = new scheduler.CfnScheduleGroup(this, 'Group', { name: props.scheduleGroupName });
    const groupArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule-group',
      resourceName: props.scheduleGroupName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    // Only the platform's offboarding schedules: names are `offboard-<tenant id>` (lifecycle/offboarding-schedule.ts).
    const schedulesArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${props.scheduleGroupName}/offboard-*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    this.scheduleDeadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetterQueue', queueProps(platform));
    Validations.of(this.scheduleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'Dead-letter queue of the offboarding schedules (starts Scheduler could not make for a day): alarmed and read by operators.',
    });

    // Confused-deputy guard: Scheduler may assume the role only for schedules of this account's group.
    this.schedulerRole = new ManagedPolicyRole(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': groupArn },
        },
      }),
      description: 'Lets the offboarding schedules start the offboarding workflow and dead-letter what they cannot',
    });
    props.offboardingStateMachine.grantStartExecution(this.schedulerRole);
    // Not grantSendMessages: on a KMS queue it adds kms:ReEncrypt* and GenerateDataKey*, which sending never needs.
    this.schedulerRole.addToPrincipalPolicy(allow(['sqs:SendMessage'], [this.scheduleDeadLetterQueue.queueArn]));
    platform.key.grant(this.schedulerRole, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.failedEventsQueue = new sqs.Queue(this, 'FailedEventsQueue', queueProps(platform));
    Validations.of(this.failedEventsQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'Dead-letter queue of the scheduling function (billing offboarding events it refused after its retries): alarmed and read by operators.',
    });

    const role = this.schedulerRole;
    const dlq = this.scheduleDeadLetterQueue;
    const machine = props.offboardingStateMachine;
    const spec: HandlerSpec = {
      folder: 'schedule-offboarding',
      description: 'Schedules or cancels a tenant offboarding (tenantctl and billing events)',
      invocation: 'event',
      memorySize: 256,
      timeoutSeconds: 60,
      environment: (p) => [
        setting(RUNTIME_ENV.registryTable, p.table.tableName),
        setting(SCHEDULE_ENV.groupName, props.scheduleGroupName),
        setting(SCHEDULE_ENV.stateMachineArn, machine.stateMachineArn),
        setting(SCHEDULE_ENV.roleArn, role.roleArn),
        setting(SCHEDULE_ENV.deadLetterQueueArn, dlq.queueArn),
      ],
      access: (p) => ({
        statements: [
          onRegistry(p, ['dynamodb:GetItem', 'dynamodb:UpdateItem']),
          allow(
            [
              'scheduler:CreateSchedule',
              'scheduler:UpdateSchedule',
              'scheduler:DeleteSchedule',
              'scheduler:GetSchedule',
            ],
            [schedulesArn],
          ),
          allow(['iam:PassRole'], [role.roleArn], {
            StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
          }),
        ],
        keyActions: registryKeyActions('write'),
        accepted: {
          reason:
            'Offboarding schedules are named at run time after the tenant (offboard-<tenant id>); the grant is limited to that prefix inside the platform schedule group.',
          findings: [
            `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${props.scheduleGroupName}/offboard-*]`,
          ],
        },
      }),
    };
    this.function = addHandler(this, 'Function', spec, platform, { deadLetterQueue: this.failedEventsQueue });

    new events.Rule(this, 'BillingRule', {
      description:
        'Billing asks to offboard a tenant (now or at a date) or cancels it: hand it to the scheduling function',
      eventBus: props.billingBus,
      eventPattern: BILLING_OFFBOARDING_PATTERN,
      targets: [
        new targets.LambdaFunction(this.function.function, {
          deadLetterQueue: props.billingDeadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    this.rejectedQueue = addRejectedEventsQueue(this, {
      bus: props.billingBus,
      pattern: REJECTED_BILLING_OFFBOARDING_PATTERN,
      encryptionKey: platform.key,
      deadLetterQueue: props.billingDeadLetterQueue,
      description: 'Billing offboarding events missing a field: keep them for an operator',
      kind: 'billing offboarding events',
    });
  }

  /** Queues that must stay empty; the stack's observability alarms on each. */
  get queues(): sqs.IQueue[] {
    return [this.scheduleDeadLetterQueue, this.failedEventsQueue, this.rejectedQueue];
  }
}
