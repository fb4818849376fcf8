/**
 * What the reaper records, publishes and sends for an execution that ended before the workflow recorded its
 * outcome. Nothing rolled such an execution back and nothing says what it created, so the tenant becomes
 * ROLLBACK_FAILED with one unverified leftover: whatever carries the execution's ownership tag. Pure.
 *
 * @module
 */
import type { FailedEventDetail, TenantRecord } from '../contracts';
import { outcomeIdOf } from '../events';
import { instanceIdentifier, TAG_KEYS } from '../naming';
import type { EndedExecution } from './ended-execution';

/** The registry fields and the event detail of a reaped execution. */
export interface ReapedFailure {
  /** How the execution ended. */
  executionStatus: EndedExecution['status'];
  status: 'ROLLBACK_FAILED';
  failedAt: string;
  /** `Execution <status>`: no step failed, the execution as a whole did. */
  failedStep: string;
  failureReason: string;
  leftovers: string[];
  detail: FailedEventDetail;
}

/** The `failedStep` of an execution that ended TIMED_OUT, ABORTED or FAILED outside the workflow's own handling. */
function executionFailedStep(status: EndedExecution['status']): string {
  return `Execution ${status}`;
}

/** The tag filter that finds what `executionArn` created, as `key=value`. */
function ownershipTagFilter(executionArn: string): string {
  return `${TAG_KEYS.executionArn}=${executionArn}`;
}

/**
 * The failure of `record`, left PROVISIONING by `ended`.
 *
 * @param now - ISO time used as `failedAt` when the event does not say when the execution stopped.
 */
export function reapedFailureOf(record: TenantRecord, ended: EndedExecution, now: string): ReapedFailure {
  const failedStep = executionFailedStep(ended.status);
  const tag = ownershipTagFilter(ended.executionArn);
  const failureReason = `execution ${ended.status} before the workflow recorded its outcome: resources tagged ${tag} may remain; remove them, then set the record to FAILED`;
  const leftovers = [`unverified:resources tagged ${tag}`];
  return {
    executionStatus: ended.status,
    status: 'ROLLBACK_FAILED',
    failedAt: ended.stoppedAt ?? now,
    failedStep,
    failureReason,
    leftovers,
    detail: {
      outcomeId: outcomeIdOf('failed', ended.executionArn),
      tenantId: record.tenantId,
      tier: record.tier,
      executionArn: ended.executionArn,
      requestId: record.requestId,
      failedStep,
      reason: failureReason,
      status: 'ROLLBACK_FAILED',
      leftovers,
    },
  };
}

export interface Alert {
  subject: string;
  message: string;
}

/**
 * The SNS alert: plain text an on-call engineer can follow without the console. The subject stays within SNS's 100
 * printable ASCII characters (a tenant id is at most 32 of them).
 *
 * @param input.backupRegion - the Region automated backups are replicated to, when the deployment replicates.
 */
export function reapedAlert(failure: ReapedFailure, input: { registryTable: string; backupRegion?: string }): Alert {
  const { tenantId, tier, executionArn } = failure.detail;
  const instanceId = instanceIdentifier(tenantId);
  const backups = input.backupRegion
    ? [
        `Replicated automated backups in ${input.backupRegion} carry no tags; check them with`,
        `  aws rds describe-db-instance-automated-backups --region ${input.backupRegion} --db-instance-identifier ${instanceId}`,
      ]
    : [];
  return {
    subject: `ROLLBACK_FAILED: tenant ${tenantId} needs manual cleanup`,
    message: [
      `Onboarding of tenant ${tenantId} (tier ${tier}) ended ${failure.executionStatus} before the workflow recorded its outcome: nothing rolled it back.`,
      '',
      `Execution: ${executionArn}`,
      '',
      'What it created may remain. Everything it created carries its ownership tag; list it with',
      `  aws resourcegroupstaggingapi get-resources --tag-filters Key=${TAG_KEYS.executionArn},Values=${executionArn}`,
      `(look for the DB instance ${instanceId}, the application secret and the tenant's alarms).`,
      ...backups,
      'Delete only resources that carry this tag.',
      '',
      `Then set the tenant's registry record (table ${input.registryTable}, tenantId ${tenantId}) to status FAILED`,
      'so the tenant can be onboarded again.',
    ].join('\n'),
  };
}
