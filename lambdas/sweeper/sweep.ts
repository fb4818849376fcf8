/**
 * The sweeper: a scheduled reconciliation of the registry (the source of truth for a tenant's status) with Step
 * Functions (the source of truth for an execution's end). It does what best-effort events may fail to trigger:
 *
 * - a tenant left PROVISIONING by an execution that has ended (its reaper event was lost or dead-lettered) is reaped
 *   exactly as the reaper would;
 * - an outcome event still pending in the registry's outbox (a publish that failed past the point of no return) is
 *   published, and on-call is alerted when one stays pending for long.
 *
 * Every action is conditional and repeatable, so overlapping runs and the reaper racing it are harmless.
 *
 * @module
 */
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { RUNTIME_ENV, readEnv } from '../shared/config';
import type { TenantRecord } from '../shared/contracts';
import { awsErrorName } from '../shared/errors';
import { deliverPendingOutcome, outboxFromEnvironment } from '../shared/outcomes';
import type { EndedExecution } from '../shared/reconciliation/ended-execution';
import { type ReaperClients, reapRecord } from '../shared/reconciliation/reap';
import { recordsWithPendingOutcome, tenantsInStatus } from '../shared/registry';
import { logger } from '../shared/runtime';

/** A PROVISIONING record untouched for this long has its execution looked up (younger ones are surely running). */
export const STRANDED_AFTER_MS = 15 * 60_000;
/** An outcome pending for this long is published by the sweeper (younger ones are the workflow's own retries). */
export const OUTCOME_OVERDUE_MS = 5 * 60_000;
/** An outcome pending for this long alerts on-call. */
export const OUTCOME_ALERT_AFTER_MS = 60 * 60_000;
/** How far back the outbox is read (the status index is sorted by `updatedAt`). */
const OUTBOX_LOOKBACK_MS = 14 * 24 * 3600_000;

export interface SweepClients extends ReaperClients {
  sfn: SFNClient;
}

export interface SweepSummary {
  checked: number;
  reaped: string[];
  delivered: string[];
  stillPending: string[];
  errors: number;
}

/** How the execution that holds a PROVISIONING record stands: still running, or how it ended. Pure. */
export function endedFromDescription(
  executionArn: string,
  description: { status?: string; stopDate?: Date; error?: string } | undefined,
): EndedExecution | 'running' {
  if (!description) return { executionArn, status: 'NOT_FOUND' };
  const status = description.status ?? 'RUNNING';
  if (status === 'RUNNING' || status === 'PENDING_REDRIVE') return 'running';
  return {
    executionArn,
    status: status as EndedExecution['status'],
    ...(description.error ? { error: description.error } : {}),
    ...(description.stopDate ? { stoppedAt: description.stopDate.toISOString() } : {}),
  };
}

async function describeExecution(sfn: SFNClient, executionArn: string) {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn, includedData: 'METADATA_ONLY' }));
  } catch (error) {
    // Step Functions keeps a Standard execution's history for 90 days after it ends.
    if (awsErrorName(error) === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}

async function reapStranded(clients: SweepClients, record: TenantRecord, summary: SweepSummary) {
  const ended = endedFromDescription(record.executionArn, await describeExecution(clients.sfn, record.executionArn));
  if (ended === 'running') return;
  const outcome = await reapRecord(clients, record, ended);
  if (outcome.outcome === 'reaped') summary.reaped.push(record.tenantId);
}

async function deliverOverdue(clients: SweepClients, record: TenantRecord, nowMs: number, summary: SweepSummary) {
  const deps = outboxFromEnvironment(clients);
  try {
    if (await deliverPendingOutcome(deps, record)) summary.delivered.push(record.tenantId);
  } catch (error) {
    summary.stillPending.push(record.tenantId);
    if (nowMs - Date.parse(record.updatedAt) < OUTCOME_ALERT_AFTER_MS) throw error;
    await clients.sns.send(
      new PublishCommand({
        TopicArn: readEnv(RUNTIME_ENV.alertTopicArn),
        Subject: `Outcome event of tenant ${record.tenantId} undelivered`,
        Message: [
          `The ${record.outcomePending} event of tenant ${record.tenantId} (status ${record.status}, execution ${record.executionArn}) has not reached EventBridge since ${record.updatedAt}.`,
          `Last error: ${(error as Error)?.name}: ${(error as Error)?.message}`,
          'The tenant itself is unaffected; consumers of outcome events (billing) have not heard of it yet.',
          "The sweeper keeps trying every run; check the event bus and the sweeper role's events:PutEvents permission.",
        ].join('\n'),
      }),
    );
    throw error;
  }
}

/** One sweep. Failures of single records are logged and counted; the rest are still swept. */
export async function sweep(clients: SweepClients, nowMs: number): Promise<SweepSummary> {
  const table = readEnv(RUNTIME_ENV.registryTable);
  const summary: SweepSummary = { checked: 0, reaped: [], delivered: [], stillPending: [], errors: 0 };
  const attempt = async (record: TenantRecord, work: () => Promise<void>) => {
    summary.checked += 1;
    try {
      await work();
    } catch (error) {
      summary.errors += 1;
      logger.error('sweep of one tenant failed; the next run tries again', {
        tenantId: record.tenantId,
        errorName: awsErrorName(error),
        reason: (error as Error)?.message,
      });
    }
  };

  for (const record of await tenantsInStatus(clients.doc, table, 'PROVISIONING')) {
    if (nowMs - Date.parse(record.updatedAt) < STRANDED_AFTER_MS) continue;
    await attempt(record, () => reapStranded(clients, record, summary));
  }
  const since = new Date(nowMs - OUTBOX_LOOKBACK_MS).toISOString();
  for (const record of await recordsWithPendingOutcome(clients.doc, table, since)) {
    if (nowMs - Date.parse(record.updatedAt) < OUTCOME_OVERDUE_MS) continue;
    await attempt(record, () => deliverOverdue(clients, record, nowMs, summary));
  }
  logger.info('sweep finished', { ...summary });
  return summary;
}
