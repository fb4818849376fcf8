import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  type FailedEventDetail,
  type LifecycleEventDetail,
  type LifecycleOutcomeKind,
  OUTCOME_DETAIL_TYPES,
  OUTCOME_EVENT_SOURCE,
  type OutcomeKind,
  type ProvisionedEventDetail,
  type RejectedEventDetail,
  type RestoredEventDetail,
} from './contracts';
import { RetryableError } from './errors';

/** An outcome event's kind and detail. */
export type OutcomeDetail =
  | { kind: 'provisioned'; value: ProvisionedEventDetail }
  | { kind: 'failed'; value: FailedEventDetail }
  | { kind: 'rejected'; value: RejectedEventDetail }
  | { kind: 'restored'; value: RestoredEventDetail }
  | { kind: LifecycleOutcomeKind; value: LifecycleEventDetail };

/**
 * The dedupe key of an outcome: one execution has exactly one outcome, so every delivery and every re-publication
 * of it (a retried step, the sweeper) carries the same id.
 */
export function outcomeIdOf(kind: OutcomeKind, executionArn: string): string {
  return `${kind}:${executionArn}`;
}

/** The EventBridge entry of an outcome event. Details carry identifiers and ARNs only. */
export function outcomeEntry(busName: string, detail: OutcomeDetail): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: OUTCOME_EVENT_SOURCE,
    DetailType: OUTCOME_DETAIL_TYPES[detail.kind],
    Detail: JSON.stringify(detail.value),
    Resources: [detail.value.executionArn],
  };
}

/**
 * Publishes one entry. PutEvents reports per-entry failures with HTTP 200, so the failed count is checked and a
 * failed entry becomes a {@link RetryableError}.
 */
export async function publishEvent(client: EventBridgeClient, entry: PutEventsRequestEntry): Promise<void> {
  const result = await client.send(new PutEventsCommand({ Entries: [entry] }));
  if ((result.FailedEntryCount ?? 0) > 0) {
    const failed = result.Entries?.[0];
    throw new RetryableError(`PutEvents rejected the outcome event: ${failed?.ErrorCode} ${failed?.ErrorMessage}`);
  }
}
