/**
 * What RecordFailure writes, publishes and returns, derived from the failed execution's state. Pure.
 *
 * @module
 */
import type { FailedEventDetail, FailureRecord, RejectedEventDetail } from '../shared/contracts';
import { outcomeIdOf } from '../shared/events';
import { type FailureState, failedStepOf, failureReasonOf } from '../shared/failure';
import { TAG_KEYS } from '../shared/naming';
import { escapeUnprintable } from '../shared/untrusted';

/** Longest raw input value echoed in the failed event; longer or non-string values are reported as invalid. */
const MAX_ECHOED_INPUT_LENGTH = 64;
const INVALID_INPUT = '(invalid)';

/**
 * ROLLBACK_FAILED when the rollback did not finish (its budget ran out) or the Rollback step itself failed: something
 * this execution created may still exist. FAILED otherwise, including a failure before anything was created.
 */
export function failureStatus(state: FailureState): FailureRecord['status'] {
  if (state.rollbackError) return 'ROLLBACK_FAILED';
  return state.rollback && !state.rollback.complete ? 'ROLLBACK_FAILED' : 'FAILED';
}

/**
 * The step's result, which the workflow's Fail state reports as the execution's error and cause. `error` is the
 * thrown error's class name (what the Catch matched), or `RollbackFailed` when cleanup did not finish, since that
 * is what an operator must act on first.
 */
export function failureRecordOf(state: FailureState): FailureRecord {
  const status = failureStatus(state);
  return {
    error: status === 'ROLLBACK_FAILED' ? 'RollbackFailed' : (state.error?.Error ?? 'UnknownError'),
    reason: failureReasonOf(state),
    failedStep: failedStepOf(state),
    status,
  };
}

/** Resources the rollback reported as still present. */
function leftoversOf(state: FailureState): string[] {
  return state.rollback?.leftovers ?? [];
}

/**
 * A raw input value as an event may echo it: short strings only, unprintable characters escaped, so rejected input
 * can neither bloat nor forge events.
 */
function echoed(value: unknown): string {
  return typeof value === 'string' && value.length <= MAX_ECHOED_INPUT_LENGTH
    ? escapeUnprintable(value)
    : INVALID_INPUT;
}

/**
 * Whether the execution ended without ever owning the tenant: input rejected by ValidateInput, or a claim that was
 * refused (the tenant is live or busy) or failed. Such an execution reports a rejected request, never a failure of
 * the tenant, whose record it did not touch.
 */
export function isRejectedRequest(state: FailureState): boolean {
  return state.claim === undefined;
}

/**
 * Tenant id, tier and request id of the request: validated, or (input that failed validation) echoed as given when
 * they are short strings, `(invalid)` otherwise.
 */
function requestIdentity(state: FailureState): { tenantId: string; tier: string; requestId: string } {
  const request = state.request;
  return {
    tenantId: request?.tenantId ?? echoed(state.tenantId),
    tier: request?.tier ?? echoed(state.tier),
    requestId: request?.requestId ?? echoed(state.requestId),
  };
}

/** The detail of the "rejected" outcome event. */
export function rejectedEventDetail(
  state: FailureState,
  record: FailureRecord,
  executionArn: string,
): RejectedEventDetail {
  return {
    outcomeId: outcomeIdOf('rejected', executionArn),
    ...requestIdentity(state),
    executionArn,
    status: 'REJECTED',
    rejectedStep: record.failedStep,
    error: record.error,
    reason: escapeUnprintable(record.reason),
  };
}

/**
 * The detail of the "failed" outcome event. Input that failed validation has no validated request: its tenant id,
 * tier and request id are echoed as given when they are short strings, `(invalid)` otherwise.
 */
export function failedEventDetail(state: FailureState, record: FailureRecord, executionArn: string): FailedEventDetail {
  return {
    outcomeId: outcomeIdOf('failed', executionArn),
    ...requestIdentity(state),
    executionArn,
    failedStep: record.failedStep,
    reason: record.reason,
    status: record.status,
    leftovers: leftoversOf(state),
  };
}

/** The shell commands that remove one leftover (labels as the Rollback step writes them: `type:identifier`). */
export function cleanupCommands(leftover: string, backupRegion: string): string[] {
  const separator = leftover.indexOf(':');
  const type = leftover.slice(0, separator);
  const id = leftover.slice(separator + 1);
  switch (type) {
    case 'db-instance':
      return [
        `aws rds modify-db-instance --db-instance-identifier ${id} --no-deletion-protection --apply-immediately`,
        `aws rds delete-db-instance --db-instance-identifier ${id} --skip-final-snapshot --delete-automated-backups`,
      ];
    case 'secret':
      return [`aws secretsmanager delete-secret --secret-id ${id} --force-delete-without-recovery`];
    case 'alarm':
      return [`aws cloudwatch delete-alarms --alarm-names ${id}`];
    case 'backup-replication':
      return [
        `aws rds stop-db-instance-automated-backups-replication --region ${backupRegion} --source-db-instance-arn ${id}`,
      ];
    case 'replicated-backups':
      // The ARN names the backup Region: arn:<partition>:rds:<region>:<account>:auto-backup:<id>.
      return [
        `aws rds delete-db-instance-automated-backup --region ${id.split(':')[3]} --db-instance-automated-backups-arn ${id}`,
      ];
    default:
      return [`(no command known for ${leftover}: remove it by hand)`];
  }
}

export interface Alert {
  subject: string;
  message: string;
}

/**
 * The SNS alert of a ROLLBACK_FAILED tenant: plain text an on-call engineer can follow without opening the console.
 * The subject stays within SNS's 100 printable ASCII characters (the tenant id is at most 32 of them).
 */
export function rollbackFailedAlert(
  detail: FailedEventDetail,
  input: { registryTable: string; backupRegion: string },
): Alert {
  const leftovers = detail.leftovers.length
    ? [
        'Left behind (created by this execution; remove them by hand):',
        ...detail.leftovers.flatMap((leftover) => [
          `  - ${leftover}`,
          ...cleanupCommands(leftover, input.backupRegion).map((command) => `      ${command}`),
        ]),
      ]
    : [
        'The Rollback step itself failed, so what is left is unknown. Look for resources tagged',
        `${TAG_KEYS.executionArn}=${detail.executionArn} (RDS instances, Secrets Manager secrets, CloudWatch alarms).`,
      ];
  return {
    subject: `ROLLBACK_FAILED: tenant ${detail.tenantId} needs manual cleanup`,
    message: [
      `Onboarding of tenant ${detail.tenantId} (tier ${detail.tier}) failed at ${detail.failedStep}, and its rollback did not finish.`,
      '',
      `Reason: ${detail.reason}`,
      `Execution: ${detail.executionArn}`,
      '',
      ...leftovers,
      '',
      `Then set the tenant's registry record (table ${input.registryTable}, tenantId ${detail.tenantId}) to status FAILED`,
      'so the tenant can be onboarded again.',
    ].join('\n'),
  };
}
