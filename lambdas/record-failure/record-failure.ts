/**
 * RecordFailure: the last step of every failed execution.
 *
 * - An execution that never owned the tenant (invalid input, a refused claim) publishes a *rejected* outcome and
 *   writes nothing: the tenant's record, if any, belongs to someone else.
 * - An execution that owned it alerts on-call when cleanup did not finish, then moves the record PROVISIONING →
 *   FAILED or ROLLBACK_FAILED together with the pending `failed` event (the outbox), publishes the event and clears
 *   the flag. A retry after a crash finds its own FAILED record and publishes what is still pending; what stays
 *   pending is published by the sweeper.
 *
 * Returns the error and cause the workflow fails with.
 *
 * @module
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nowIso } from '../shared/clock';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import type { FailedEventDetail, FailureRecord, ValidatedRequest } from '../shared/contracts';
import { outcomeEntry, publishEvent } from '../shared/events';
import type { FailureState } from '../shared/failure';
import { deliverPendingOutcome, outboxFromEnvironment } from '../shared/outcomes';
import { getTenant, transitionOwnedRecord } from '../shared/registry';
import { logger, MetricUnit, metrics } from '../shared/runtime';
import { METRIC_NAMES } from '../shared/telemetry';
import {
  failedEventDetail,
  failureRecordOf,
  isRejectedRequest,
  rejectedEventDetail,
  rollbackFailedAlert,
} from './failure-record';

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

async function alertOnCall(sns: SNSClient, state: FailureState, detail: FailedEventDetail): Promise<void> {
  const alert = rollbackFailedAlert(detail, {
    registryTable: readEnv(RUNTIME_ENV.registryTable),
    backupRegion: state.backups?.replicationRegion ?? readEnv(RUNTIME_ENV.backupRegion) ?? '<backup Region>',
  });
  await sns.send(
    new PublishCommand({
      TopicArn: readEnv(RUNTIME_ENV.alertTopicArn),
      Subject: alert.subject,
      Message: alert.message,
    }),
  );
}

/**
 * Metrics: ProvisioningFailed per failed step. RollbackFailed is counted once per tenant: the Rollback step counts
 * the runs whose pass budget ran out, so this step counts only the ones the Rollback step could not report itself
 * (it failed outright, or found leftovers it cannot remove).
 */
function emitMetrics(state: FailureState, record: FailureRecord): void {
  const failed = metrics.singleMetric();
  failed.addDimension('step', record.failedStep);
  failed.addMetric(METRIC_NAMES.failed, MetricUnit.Count, 1);
  if (record.status === 'ROLLBACK_FAILED' && !state.rollback?.exhausted) {
    metrics.addMetric(METRIC_NAMES.rollbackFailed, MetricUnit.Count, 1);
  }
}

/** Records the failure of an execution that owned the tenant, and delivers its outcome. */
async function recordOwnedFailure(
  clients: RecordFailureClients,
  state: FailureState,
  request: ValidatedRequest,
  record: FailureRecord,
  detail: FailedEventDetail,
): Promise<void> {
  const deps = outboxFromEnvironment(clients);
  const set = {
    status: record.status,
    failedAt: nowIso(),
    failedStep: record.failedStep,
    failureReason: record.reason,
    leftovers: detail.leftovers,
    outcomePending: 'failed' as const,
  };
  const moved = await transitionOwnedRecord(deps.registry, deps.table, request, { from: ['PROVISIONING'], set });
  const current = await getTenant(deps.registry, deps.table, request.tenantId);
  const ours = current?.executionArn === request.executionArn && current.status === record.status;
  if (!moved && !ours) {
    logger.warn("registry record is no longer this execution's PROVISIONING record; left unchanged, no event", {
      recordStatus: current?.status,
    });
    return;
  }
  // Alert and publish while the outcome is owed: once with the write, again only on a retry after a failed publish.
  if (!current?.outcomePending) return;
  if (record.status === 'ROLLBACK_FAILED') await alertOnCall(clients.sns, state, detail);
  await deliverPendingOutcome(deps, current);
}

/**
 * Whether this execution holds the tenant's record although the state has no claim result: the claim's write landed
 * and the step then failed for good (its function died every time). Such an execution owned the tenant.
 */
async function claimedWithoutResult(clients: RecordFailureClients, state: FailureState): Promise<boolean> {
  if (state.claim || !state.request) return false;
  const record = await getTenant(clients.doc, readEnv(RUNTIME_ENV.registryTable), state.request.tenantId);
  return record?.executionArn === state.request.executionArn && record.status === 'PROVISIONING';
}

export async function recordFailure(
  clients: RecordFailureClients,
  { state, executionArn }: RecordFailureEvent,
): Promise<FailureRecord> {
  const record = failureRecordOf(state);
  if (!state.request || (isRejectedRequest(state) && !(await claimedWithoutResult(clients, state)))) {
    const detail = rejectedEventDetail(state, record, executionArn);
    logger.info('request rejected', { rejectedStep: detail.rejectedStep, error: detail.error, reason: detail.reason });
    await publishEvent(
      clients.events,
      outcomeEntry(readEnv(RUNTIME_ENV.eventBusName), { kind: 'rejected', value: detail }),
    );
    const rejected = metrics.singleMetric();
    rejected.addDimension('step', record.failedStep);
    rejected.addMetric(METRIC_NAMES.rejected, MetricUnit.Count, 1);
    return record;
  }
  const detail = failedEventDetail(state, record, executionArn);
  logger.info('recording failure', { ...record, leftovers: detail.leftovers });
  await recordOwnedFailure(clients, state, state.request, record, detail);
  emitMetrics(state, record);
  return record;
}
