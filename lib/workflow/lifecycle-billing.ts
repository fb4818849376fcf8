import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { EventPattern } from '../triggers/event-patterns';
import { ManagedPolicyRole } from './managed-policy-role';
import { addRejectedEventsQueue } from './rejected-events-queue';

/** One billing event that starts the workflow, and the execution input it becomes. */
interface LifecycleBillingRule {
  /** The rule's construct id (`SuspendRule`). */
  readonly id: string;
  /** The billing detail type, for the rule's description. */
  readonly detailType: string;
  /** The events the rule accepts (every field the workflow needs present as a string). */
  readonly pattern: EventPattern;
  /** The execution input besides `tenantId`, `requestedBy: 'billing'` and `requestId` (the event id). */
  readonly input: Readonly<Record<string, unknown>>;
}

/** Props of {@link LifecycleBillingTrigger}. */
export interface LifecycleBillingTriggerProps {
  /** The bus billing sends to. */
  readonly bus: events.IEventBus;
  /** The lifecycle workflow the events start. */
  readonly stateMachine: sfn.IStateMachine;
  /** Encrypts the rejected-events queue; the state machine's key, needed to start it. */
  readonly encryptionKey: kms.IKey;
  /** Where deliveries EventBridge could not make land (the billing trigger's dead-letter queue). */
  readonly deadLetterQueue: sqs.IQueue;
  /** What the workflow is called in descriptions (`suspension`, `tier change`). */
  readonly workflow: string;
  readonly rules: readonly LifecycleBillingRule[];
  /** The complement of the rules' patterns: events missing a field, kept for an operator. */
  readonly rejectedPattern: EventPattern;
}

/**
 * Billing events that start a lifecycle workflow (suspend and resume, a tier change) with the event id as request id,
 * so a redelivered or re-sent event does nothing twice (TakeTenant ends it as a duplicate). Events missing a field
 * land in an encrypted rejected-events queue, which the stack alarms like the other billing queues.
 */
export class LifecycleBillingTrigger extends Construct {
  /** Billing events of this workflow it cannot accept. */
  public readonly rejectedQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: LifecycleBillingTriggerProps) {
    super(scope, id);
    const startRole = new ManagedPolicyRole(this, 'StartRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: `Lets the billing ${props.workflow} rules start ${props.workflow} executions`,
    });
    props.stateMachine.grantStartExecution(startRole);
    props.encryptionKey.grant(startRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    for (const rule of props.rules) {
      new events.Rule(this, rule.id, {
        description: `Billing says ${rule.detailType}: start the ${props.workflow} workflow`,
        eventBus: props.bus,
        eventPattern: rule.pattern,
        targets: [
          new targets.SfnStateMachine(props.stateMachine, {
            input: events.RuleTargetInput.fromObject({
              tenantId: events.EventField.fromPath('$.detail.tenantId'),
              ...rule.input,
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
      pattern: props.rejectedPattern,
      encryptionKey: props.encryptionKey,
      deadLetterQueue: props.deadLetterQueue,
      description: `Billing ${props.workflow} events missing a field: keep them for an operator`,
      kind: `billing ${props.workflow} events`,
    });
  }
}
