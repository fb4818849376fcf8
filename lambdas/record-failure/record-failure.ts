import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nowIso } from '../shared/clock';
import { ENV, optionalEnv, requireEnv } from '../shared/config';
import type { FailedEventDetail, FailureRecord } from '../shared/contracts';
import { outcomeEntry, publishEvent } from '../shared/events';
import type { FailureState } from '../shared/failure';
import { updateOwnedRecord } from '../shared/registry';
import { logger, METRIC_NAMES, MetricUnit, metrics } from '../shared/runtime';
import { failedEventDetail, failureRecordOf, leftoversOf, rollbackFailedAlert } from './failure-record';

/**
 * RecordFailure: the last step of every failed execution. Records the failure in the registry (only while this
 * execution owns the tenant's record), publishes the "failed" outcome event, alerts on-call when cleanup did not
 * finish, and returns the error and cause the workflow fails with. Safe to retry: the registry write sets the same
 * fields again; a retried event or alert is a duplicate consumers can recognise by execution ARN.
 */

/**
 * The step's payload: the workflow state and the execution ARN from the context object, so that input rejected
 * before ValidateInput produced `$.request` is still reported against its execution.
 */
export interface RecordFailureEvent {
  state: FailureState;
  executionArn: string;
}

export interface RecordFailureClients {
  doc: DynamoDBDocumentClient;
  events: EventBridgeClient;
  sns: SNSClient;
}

async function recordInRegistry(doc: DynamoDBDocumentClient, state: FailureState, record: FailureRecord) {
  const request = state.request;
  if (!request) return;
  const updated = await updateOwnedRecord(doc, requireEnv(ENV.registryTable), request, {
    status: record.status,
    failedAt: nowIso(),
    failedStep: record.failedStep,
    failureReason: record.reason,
    leftovers: leftoversOf(state),
  });
  // A rejected duplicate (TenantConflictError at ClaimTenant) never owned the record: leaving it alone is correct.
  if (!updated) logger.info('registry record belongs to another execution; left unchanged');
}

async function publishFailedEvent(events: EventBridgeClient, detail: FailedEventDetail): Promise<void> {
  await publishEvent(events, outcomeEntry(requireEnv(ENV.eventBusName), { kind: 'failed', value: detail }));
}

async function alertOnCall(sns: SNSClient, state: FailureState, detail: FailedEventDetail): Promise<void> {
  const alert = rollbackFailedAlert(detail, {
    registryTable: optionalEnv(ENV.registryTable, '(registry table)') ?? '',
    backupRegion: state.backups?.replicationRegion ?? optionalEnv(ENV.backupRegion, '<backup Region>') ?? '',
  });
  await sns.send(
    new PublishCommand({ TopicArn: requireEnv(ENV.alertTopicArn), Subject: alert.subject, Message: alert.message }),
  );
}

/**
 * Metrics: ProvisioningFailed per failed step. RollbackFailed is counted once per tenant: the Rollback step counts
 * the runs whose pass budget ran out, so this step counts only the ones the Rollback step could not report itself
 * (it failed outright).
 */
function emitMetrics(state: FailureState, record: FailureRecord): void {
  const failed = metrics.singleMetric();
  failed.addDimension('step', record.failedStep);
  failed.addMetric(METRIC_NAMES.failed, MetricUnit.Count, 1);
  if (record.status === 'ROLLBACK_FAILED' && !state.rollback?.exhausted) {
    metrics.addMetric(METRIC_NAMES.rollbackFailed, MetricUnit.Count, 1);
  }
}

export async function recordFailure(
  clients: RecordFailureClients,
  { state, executionArn }: RecordFailureEvent,
): Promise<FailureRecord> {
  const record = failureRecordOf(state);
  const detail = failedEventDetail(state, record, executionArn);
  logger.info('recording failure', { ...record, leftovers: detail.leftovers });

  await recordInRegistry(clients.doc, state, record);
  await publishFailedEvent(clients.events, detail);
  if (record.status === 'ROLLBACK_FAILED') await alertOnCall(clients.sns, state, detail);
  emitMetrics(state, record);
  return record;
}
