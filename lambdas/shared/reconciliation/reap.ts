/**
 * The execution reaper: when a provisioning execution ends TIMED_OUT, ABORTED or FAILED, finds the registry record
 * the execution still holds PROVISIONING (nothing recorded its outcome) and makes the failure loud: registry
 * ROLLBACK_FAILED, on-call alert, failed outcome event, RollbackFailed metric.
 *
 * The registry write comes first and is conditional on the record still being PROVISIONING for this execution: a
 * MarkActive or RecordFailure that lands between the read and the write wins, and the reaper then says nothing. The
 * write also marks the `failed` event pending (the outbox), so a redelivered event, the sweeper or a retry after a
 * failed publish still alert and publish; a repeated alert or event is a duplicate consumers recognise by its
 * `outcomeId`.
 *
 * @module
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nowIso } from '../clock';
import { RUNTIME_ENV, readEnv } from '../config';
import type { TenantRecord } from '../contracts';
import { deliverPendingOutcome, outboxFromEnvironment } from '../outcomes';
import { getTenant, recordsWithPendingOutcome, tenantsInStatus, transitionOwnedRecord } from '../registry';
import { logger, MetricUnit, metrics } from '../runtime';
import { METRIC_NAMES } from '../telemetry';
import { type EndedExecution, type ExecutionStatusChangeEvent, endedExecutionOf } from './ended-execution';
import { reapedAlert, reapedFailureOf } from './reaped-failure';

/**
 * How far back the records of an execution can reach when its event does not say when it started: the longest
 * execution timeout (24 hours) plus the 6 hours the rule's target keeps retrying an event.
 */
const LONGEST_EXECUTION_MS = 30 * 3600_000;

export interface ReaperClients {
  doc: DynamoDBDocumentClient;
  events: EventBridgeClient;
  sns: SNSClient;
}

export type ReapOutcome =
  | { outcome: 'ignored' }
  | { outcome: 'nothing-to-reap' }
  | { outcome: 'reaped'; tenantId: string; failedStep: string };

/** The record `executionArn` left behind: PROVISIONING, or reaped already with its event still pending. */
function needsReaping(record: TenantRecord | undefined, executionArn: string): record is TenantRecord {
  if (record?.executionArn !== executionArn) return false;
  return (
    record.status === 'PROVISIONING' || (record.status === 'ROLLBACK_FAILED' && record.outcomePending === 'failed')
  );
}

/**
 * Reaps `record`, left behind by `ended`: shared by the event-driven reaper and the scheduled sweeper. Returns
 * undefined when the record moved on meanwhile (its outcome was recorded after all).
 */
export async function reapRecord(
  clients: ReaperClients,
  record: TenantRecord,
  ended: EndedExecution,
): Promise<ReapOutcome> {
  const deps = outboxFromEnvironment(clients);
  const { table } = deps;
  logger.appendKeys({ tenantId: record.tenantId, tier: record.tier });
  const failure = reapedFailureOf(record, ended, nowIso());
  let reaped: TenantRecord = record;
  if (record.status === 'PROVISIONING') {
    const set = {
      status: failure.status,
      failedAt: failure.failedAt,
      failedStep: failure.failedStep,
      failureReason: failure.failureReason,
      leftovers: failure.leftovers,
      outcomePending: 'failed' as const,
    };
    if (!(await transitionOwnedRecord(clients.doc, table, record, { from: ['PROVISIONING'], set }))) {
      logger.info('the record moved on before it was reaped: its outcome is recorded', {
        executionStatus: ended.status,
      });
      return { outcome: 'nothing-to-reap' };
    }
    reaped = { ...record, ...set };
    metrics.addMetric(METRIC_NAMES.rollbackFailed, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  }
  logger.warn('execution ended before recording its outcome; the tenant is ROLLBACK_FAILED', {
    executionStatus: ended.status,
    executionError: ended.error,
    failedStep: reaped.failedStep,
    leftovers: reaped.leftovers,
  });
  // Only the reaper's own ROLLBACK_FAILED is alerted here: RecordFailure alerts for the one it wrote (its rollback ran
  // and its leftovers are in the record), and only the owed event is left to deliver for it.
  if (reaped.failedStep === failure.failedStep) {
    const alert = reapedAlert(failure, { registryTable: table, backupRegion: readEnv(RUNTIME_ENV.backupRegion) });
    await clients.sns.send(
      new PublishCommand({
        TopicArn: readEnv(RUNTIME_ENV.alertTopicArn),
        Subject: alert.subject,
        Message: alert.message,
      }),
    );
  }
  await deliverPendingOutcome(deps, reaped);
  return { outcome: 'reaped', tenantId: record.tenantId, failedStep: failure.failedStep };
}

export async function reapExecution(clients: ReaperClients, event: ExecutionStatusChangeEvent): Promise<ReapOutcome> {
  const ended = endedExecutionOf(event);
  if (!ended) {
    logger.warn('not an ended execution the reaper handles; ignored', {
      source: event.source,
      detailType: event['detail-type'],
      status: event.detail?.status,
    });
    return { outcome: 'ignored' };
  }
  logger.appendKeys({ executionArn: ended.executionArn });

  const table = readEnv(RUNTIME_ENV.registryTable);
  // Nothing indexes executionArn. The few PROVISIONING tenants are read from the status index; a record that still
  // owes its event (reaped already, a redelivered event after a failed publish) was written after the execution
  // started, so only the outbox since then is read, never every ROLLBACK_FAILED tenant there ever was.
  const writtenSince = ended.startedAt ?? new Date(Date.parse(nowIso()) - LONGEST_EXECUTION_MS).toISOString();
  const candidates = [
    ...(await tenantsInStatus(clients.doc, table, 'PROVISIONING')),
    ...(await recordsWithPendingOutcome(clients.doc, table, writtenSince)),
  ];
  const candidate = candidates.find((r) => needsReaping(r, ended.executionArn));
  // The index is eventually consistent: RecordFailure may have written FAILED a moment ago. A strongly consistent
  // read of the record decides.
  const record = candidate && (await getTenant(clients.doc, table, candidate.tenantId));
  if (!needsReaping(record, ended.executionArn)) {
    logger.info('no PROVISIONING record held by the execution: its outcome is recorded, or it never claimed a tenant', {
      executionStatus: ended.status,
    });
    return { outcome: 'nothing-to-reap' };
  }
  return reapRecord(clients, record, ended);
}
