import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BILLING_SUSPENSION_DETAIL_TYPES } from '../../../lambdas/shared/contracts';
import { billingSuspensionPattern, REJECTED_BILLING_SUSPENSION_PATTERN } from '../../triggers/event-patterns';
import { ManagedPolicyRole } from '../managed-policy-role';
import { addRejectedEventsQueue } from '../rejected-events-queue';

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
      pattern: REJECTED_BILLING_SUSPENSION_PATTERN,
      encryptionKey: props.encryptionKey,
      deadLetterQueue: props.deadLetterQueue,
      description: 'Billing suspension events missing a field: keep them for an operator',
      kind: 'billing suspension events',
    });
  }
}
