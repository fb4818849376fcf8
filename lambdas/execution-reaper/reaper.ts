import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nowIso } from '../shared/clock';
import { ENV, optionalEnv, requireEnv } from '../shared/config';
import { outcomeEntry, publishEvent } from '../shared/events';
import { getTenant, tenantsInStatus, updateOwnedRecord } from '../shared/registry';
import { logger, METRIC_NAMES, MetricUnit, metrics } from '../shared/runtime';
import { type ExecutionStatusChangeEvent, endedExecutionOf, isStrandedBy, strandedRecordOf } from './ended-execution';
import { reapedAlert, reapedFailureOf } from './reaped-failure';

/**
 * The execution reaper: when a provisioning execution ends TIMED_OUT, ABORTED or FAILED, finds the registry record
 * the execution still holds PROVISIONING (nothing recorded its outcome) and makes the failure loud: failed outcome
 * event, on-call alert, registry ROLLBACK_FAILED, RollbackFailed metric.
 *
 * Safe to run again for the same event (EventBridge and Lambda's asynchronous invocation redeliver): the registry
 * write comes last, so a run that failed half-way is redone in full on retry, and once the record is
 * ROLLBACK_FAILED a redelivered event finds nothing to reap. A retried event or alert is a duplicate consumers
 * recognise by execution ARN.
 */

export interface ReaperClients {
  doc: DynamoDBDocumentClient;
  events: EventBridgeClient;
  sns: SNSClient;
}

export type ReapOutcome =
  | { outcome: 'ignored' }
  | { outcome: 'nothing-to-reap' }
  | { outcome: 'reaped'; tenantId: string; failedStep: string };

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

  const table = requireEnv(ENV.registryTable);
  const busName = requireEnv(ENV.eventBusName);
  const topicArn = requireEnv(ENV.alertTopicArn);
  // Nothing indexes executionArn; the few PROVISIONING tenants are read from the status index instead.
  const candidate = strandedRecordOf(await tenantsInStatus(clients.doc, table, 'PROVISIONING'), ended.executionArn);
  // The index is eventually consistent: RecordFailure may have written FAILED a moment ago. A strongly consistent
  // read of the record decides.
  const record = candidate && (await getTenant(clients.doc, table, candidate.tenantId));
  if (!isStrandedBy(record, ended.executionArn)) {
    logger.info('no PROVISIONING record held by the execution: its outcome is recorded, or it never claimed a tenant', {
      executionStatus: ended.status,
    });
    return { outcome: 'nothing-to-reap' };
  }
  logger.appendKeys({ tenantId: record.tenantId, tier: record.tier });

  const failure = reapedFailureOf(record, ended, nowIso());
  logger.warn('execution ended before recording its outcome; the tenant becomes ROLLBACK_FAILED', {
    executionStatus: ended.status,
    executionError: ended.error,
    failedStep: failure.failedStep,
    leftovers: failure.leftovers,
  });

  await publishEvent(clients.events, outcomeEntry(busName, { kind: 'failed', value: failure.detail }));
  const alert = reapedAlert(failure, { registryTable: table, backupRegion: optionalEnv(ENV.backupRegion) });
  await clients.sns.send(new PublishCommand({ TopicArn: topicArn, Subject: alert.subject, Message: alert.message }));
  const updated = await updateOwnedRecord(clients.doc, table, record, {
    status: failure.status,
    failedAt: failure.failedAt,
    failedStep: failure.failedStep,
    failureReason: failure.failureReason,
    leftovers: failure.leftovers,
  });
  // Only a hand edit of the record since the read above can get here; the event and alert still stand.
  if (!updated) logger.warn('registry record changed owner while being reaped; left unchanged');

  metrics.addMetric(METRIC_NAMES.rollbackFailed, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return { outcome: 'reaped', tenantId: record.tenantId, failedStep: failure.failedStep };
}
