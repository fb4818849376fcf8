import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EventPattern } from '../triggers/event-patterns';

/** What {@link addRejectedEventsQueue} needs. */
export interface RejectedEventsQueueProps {
  /** The bus the events arrive on. */
  readonly bus: events.IEventBus;
  /** The events the trigger cannot accept (the complement of its start rules). */
  readonly pattern: EventPattern;
  /** Encrypts the queue. */
  readonly encryptionKey: kms.IKey;
  /** Where deliveries EventBridge could not make land. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The rule's description. */
  readonly description: string;
  /** Which events the queue keeps, for the cdk-nag acknowledgement. */
  readonly kind: string;
}

/**
 * An encrypted queue (`RejectedEventsQueue`) and the rule (`RejectedRule`) that routes billing events a trigger
 * cannot accept to it, so a malformed event is kept for an operator instead of dropped. Created directly in `scope`
 * (stable logical IDs); alarmed by the stack like the other billing queues.
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
    reason: `Terminal queue of ${props.kind} the workflow cannot accept: alarmed and inspected by operators, never consumed automatically.`,
  });
  const rule = new events.Rule(scope, 'RejectedRule', {
    description: props.description,
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
