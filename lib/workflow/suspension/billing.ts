import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BILLING_SUSPENSION_DETAIL_TYPES } from '../../../lambdas/shared/contracts';
import { billingSuspensionPattern, REJECTED_BILLING_SUSPENSION_PATTERN } from '../../triggers/event-patterns';
import { ManagedPolicyRole } from '../managed-policy-role';

/** Props of {@link SuspensionBillingTrigger}. */
export interface SuspensionBillingTriggerProps {
  /** The bus billing sends to. */
  readonly bus: events.IEventBus;
  /** The suspension workflow the events start. */
  readonly stateMachine: sfn.IStateMachine;
  /** Encrypts the rejected-events queue; the state machine's key, needed to start it. */
  readonly encryptionKey: kms.IKey;
  /** Where deliveries EventBridge could not make land (the billing trigger's dead-letter queue). */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Billing's "Tenant Suspended" and "Tenant Resumed" start the suspension workflow with the event id as request id, so
 * a redelivered or re-sent event does nothing twice (TakeTenant ends it as a duplicate). Events missing a field land
 * in an encrypted rejected-events queue, which the stack alarms like the other billing queues.
 */
export class SuspensionBillingTrigger extends Construct {
  /** Billing suspension events the workflow cannot accept. */
  public readonly rejectedQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: SuspensionBillingTriggerProps) {
    super(scope, id);
    const startRole = new ManagedPolicyRole(this, 'StartRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Lets the billing suspension rules start suspend and resume executions',
    });
    props.stateMachine.grantStartExecution(startRole);
    props.encryptionKey.grant(startRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    for (const operation of Object.keys(
      BILLING_SUSPENSION_DETAIL_TYPES,
    ) as (keyof typeof BILLING_SUSPENSION_DETAIL_TYPES)[]) {
      new events.Rule(this, `${operation === 'suspend' ? 'Suspend' : 'Resume'}Rule`, {
        description: `Billing says ${BILLING_SUSPENSION_DETAIL_TYPES[operation]}: start the suspension workflow`,
        eventBus: props.bus,
        eventPattern: billingSuspensionPattern(operation),
        targets: [
          new targets.SfnStateMachine(props.stateMachine, {
            input: events.RuleTargetInput.fromObject({
              tenantId: events.EventField.fromPath('$.detail.tenantId'),
              operation,
              requestedBy: 'billing',
              requestId: events.EventField.fromPath('$.detail.eventId'),
            }),
            role: startRole,
            deadLetterQueue: props.deadLetterQueue,
            retryAttempts: 8,
            maxEventAge: Duration.hours(2),
          }),
        ],
      });
    }
    this.rejectedQueue = addRejectedEventsQueue(this, {
      bus: props.bus,
      encryptionKey: props.encryptionKey,
      deadLetterQueue: props.deadLetterQueue,
      pattern: REJECTED_BILLING_SUSPENSION_PATTERN,
      what: 'billing suspension events',
    });
  }
}

/** Where billing events a workflow cannot accept are kept, and the rule that sends them there. */
export interface RejectedEventsQueueProps {
  readonly bus: events.IEventBus;
  readonly encryptionKey: kms.IKey;
  readonly deadLetterQueue: sqs.IQueue;
  /** The events the workflow cannot accept (a field absent or of the wrong type). */
  readonly pattern: events.EventPattern;
  /** What the events are, for descriptions and the nag acknowledgement. */
  readonly what: string;
}

/**
 * An encrypted terminal queue of the billing events matching `props.pattern`, fed by one rule (EventBridge's send
 * permission denied to every other rule), which the stack alarms like the other billing queues.
 */
export function addRejectedEventsQueue(scope: Construct, props: RejectedEventsQueueProps): sqs.Queue {
  const queue = new sqs.Queue(scope, 'RejectedEventsQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: props.encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `Terminal queue of ${props.what} the workflow cannot accept: alarmed and inspected by operators, never consumed automatically.`,
  });
  const rule = new events.Rule(scope, 'RejectedRule', {
    description: `${props.what.charAt(0).toUpperCase()}${props.what.slice(1)} missing a field: keep them for an operator`,
    eventBus: props.bus,
    eventPattern: props.pattern,
    targets: [new targets.SqsQueue(queue, { deadLetterQueue: props.deadLetterQueue })],
  });
  // CDK cannot scope EventBridge's send permission to the rule on a KMS-encrypted queue; deny every other rule.
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnNotEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );
  return queue;
}
