import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BILLING_TIER_CHANGE_DETAIL_TYPE } from '../../../lambdas/shared/contracts';
import { BILLING_TIER_CHANGE_PATTERN, REJECTED_BILLING_TIER_CHANGE_PATTERN } from '../../triggers/event-patterns';
import { ManagedPolicyRole } from '../managed-policy-role';
import { addRejectedEventsQueue } from '../rejected-events-queue';

/** Props of {@link TierChangeBillingTrigger}. */
export interface TierChangeBillingTriggerProps {
  /** The bus billing sends to. */
  readonly bus: events.IEventBus;
  /** The tier change workflow the events start. */
  readonly stateMachine: sfn.IStateMachine;
  /** Encrypts the rejected-events queue; the state machine's key, needed to start it. */
  readonly encryptionKey: kms.IKey;
  /** Where deliveries EventBridge could not make land (the billing trigger's dead-letter queue). */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Billing's "Tenant Tier Changed" starts the tier change workflow with the event id as request id, so a redelivered or
 * re-sent event does nothing twice (TakeTenant ends it as a duplicate). The change applies at the new tier's
 * `tierChangeTiming`. Events missing a field land in an encrypted rejected-events queue.
 */
export class TierChangeBillingTrigger extends Construct {
  /** Billing tier change events the workflow cannot accept. */
  public readonly rejectedQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: TierChangeBillingTriggerProps) {
    super(scope, id);
    const startRole = new ManagedPolicyRole(this, 'StartRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Lets the billing tier change rule start tier change executions',
    });
    props.stateMachine.grantStartExecution(startRole);
    props.encryptionKey.grant(startRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    new events.Rule(this, 'TierChangedRule', {
      description: `Billing says ${BILLING_TIER_CHANGE_DETAIL_TYPE}: start the tier change workflow`,
      eventBus: props.bus,
      eventPattern: BILLING_TIER_CHANGE_PATTERN,
      targets: [
        new targets.SfnStateMachine(props.stateMachine, {
          input: events.RuleTargetInput.fromObject({
            tenantId: events.EventField.fromPath('$.detail.tenantId'),
            operation: 'change-tier',
            to: events.EventField.fromPath('$.detail.tier'),
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
    this.rejectedQueue = addRejectedEventsQueue(this, {
      bus: props.bus,
      encryptionKey: props.encryptionKey,
      deadLetterQueue: props.deadLetterQueue,
      pattern: REJECTED_BILLING_TIER_CHANGE_PATTERN,
      description: 'Billing tier change events missing a field: keep them for an operator',
      kind: 'billing tier change events',
    });
  }
}
