import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BILLING_INPUT_PATHS, BILLING_INPUT_TEMPLATE } from '../triggers/billing-input';
import { billingEventPattern, rejectedBillingEventPattern } from '../triggers/event-patterns';
import { ManagedPolicyRole } from './managed-policy-role';

/** The billing contract's input transformer, exactly as `billing-input.ts` defines it. */
class BillingInput extends events.RuleTargetInput {
  /** RuleTargetInput's constructor is protected; subclasses construct through a factory. */
  public static create(): BillingInput {
    return new BillingInput();
  }

  public bind(): events.RuleTargetInputProperties {
    return { inputPathsMap: { ...BILLING_INPUT_PATHS }, inputTemplate: BILLING_INPUT_TEMPLATE };
  }
}

export interface BillingTriggerProps {
  /** The provisioning workflow the billing events start. */
  readonly stateMachine: sfn.IStateMachine;
  /** Tier names the start rule accepts; events naming another tier go to the rejected queue. */
  readonly tierNames: readonly string[];
  /** Key that encrypts both queues. */
  readonly encryptionKey: kms.IKey;
  /** Topic for queue alarms (wired by the observability construct). */
  readonly alertTopic: sns.ITopic;
  /** Name of an existing bus the billing system sends to. @default - `defaultBus` */
  readonly billingEventBusName?: string;
  /** The platform's own bus, used when no billing bus is named. */
  readonly defaultBus: events.IEventBus;
}

/**
 * Billing events start provisioning. Valid events start the workflow (the workflow's claim step turns a redelivered
 * event into a no-op); events the workflow could never accept (malformed, unknown tier) land in a rejected-events
 * queue, and deliveries EventBridge could not make land in a dead-letter queue. Both queues are encrypted and
 * alarmed, so nothing is dropped silently.
 */
export class BillingTrigger extends Construct {
  public readonly bus: events.IEventBus;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly rejectedQueue: sqs.Queue;
  public readonly startRule: events.Rule;

  constructor(scope: Construct, id: string, props: BillingTriggerProps) {
    super(scope, id);
    this.bus = props.billingEventBusName
      ? events.EventBus.fromEventBusName(this, 'Bus', props.billingEventBusName)
      : props.defaultBus;
    const queueProps: sqs.QueueProps = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', queueProps);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the billing rules; it is alarmed and read by operators, not by a consumer.',
    });
    this.rejectedQueue = new sqs.Queue(this, 'RejectedEventsQueue', queueProps);
    Validations.of(this.rejectedQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'Terminal queue of billing events the workflow cannot accept: alarmed and inspected by operators, never consumed automatically, so there is no failed-processing path to dead-letter.',
    });

    // Starting an execution of a state machine encrypted with a customer-managed key needs the key as well.
    const startRole = new ManagedPolicyRole(this, 'StartRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Lets the billing rule start provisioning executions',
    });
    props.stateMachine.grantStartExecution(startRole);
    props.encryptionKey.grant(startRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.startRule = new events.Rule(this, 'StartRule', {
      description: 'Billing asks for a tenant database: start the provisioning workflow',
      eventBus: this.bus,
      eventPattern: billingEventPattern([...props.tierNames]),
      targets: [
        new targets.SfnStateMachine(props.stateMachine, {
          input: BillingInput.create(),
          role: startRole,
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    const rejectedRule = new events.Rule(this, 'RejectedRule', {
      description: 'Billing events the workflow cannot accept: keep them for an operator',
      eventBus: this.bus,
      eventPattern: rejectedBillingEventPattern([...props.tierNames]),
      targets: [new targets.SqsQueue(this.rejectedQueue, { deadLetterQueue: this.deadLetterQueue })],
    });
    // CDK cannot scope EventBridge's send permission to the rule on a KMS-encrypted queue; deny every other rule.
    this.rejectedQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.rejectedQueue.queueArn],
        conditions: { ArnNotEquals: { 'aws:SourceArn': rejectedRule.ruleArn } },
      }),
    );
  }

  /** Queues that must stay empty; the observability construct alarms on each. */
  get queues(): sqs.IQueue[] {
    return [this.deadLetterQueue, this.rejectedQueue];
  }
}
