/**
 * The end of a lifecycle operation, wherever it is recorded (the workflow's last step, or the reaper of an execution
 * that ended without it): the tenant released to the operation's done or `*_FAILED` status with its history entry
 * and the outcome event it owes in one conditional write (transactional outbox), the event published, and an alert
 * when it failed.
 *
 * @module
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { TenantRecord } from '../contracts';
import { OutcomePendingError } from '../errors';
import { deliverPendingOutcome, type OutboxDeps } from '../outcomes';
import { type OperationRelease, releaseTenant } from '../registry';
import type { OperationName } from './operations';
import { lifecycleOutcomeKind } from './outcomes';

/** What ending an operation talks to. */
export interface FinishDeps extends OutboxDeps {
  sns: SNSClient;
  alertTopicArn: string;
}

/** The operation that ends, and why it failed (absent when it succeeded). */
export interface Finish {
  tenantId: string;
  operation: OperationName;
  executionArn: string;
  failure?: { reason: string; failedStep: string };
  /** With `failure`: AWS refused the operation before it changed anything (the tenant goes back, not `*_FAILED`). */
  refused?: boolean;
  /** What a tier change did, for its history entry and outcome event. */
  tierChange?: OperationRelease['tierChange'];
  /**
   * Fields the release writes and removes besides the status (a tier change's new tier, the offboarding's
   * snapshots). @default none
   */
  record?: Pick<OperationRelease, 'set' | 'remove'>;
}

/**
 * Releases the tenant held by `finish.executionArn` and announces the outcome; returns the record as released (or as
 * found, when this execution released it before).
 *
 * @throws TenantConflictError when the execution does not hold the tenant and never released it.
 * @throws OutcomePendingError when the release is written but its event is not published yet (retry, or leave it to
 *   the sweeper).
 */
export async function finishOperation(deps: FinishDeps, finish: Finish): Promise<TenantRecord> {
  const { tenantId, operation, executionArn, failure } = finish;
  const outcome = failure ? (finish.refused ? 'refused' : 'failed') : 'succeeded';
  const kind = lifecycleOutcomeKind(operation, outcome);
  const released = await releaseTenant(deps.registry, deps.table, {
    tenantId,
    operation,
    executionArn,
    outcome,
    ...(failure ?? {}),
    ...(finish.tierChange ? { tierChange: finish.tierChange } : {}),
    set: { ...finish.record?.set, ...(kind ? { outcomePending: kind } : {}) },
    ...(finish.record?.remove ? { remove: finish.record.remove } : {}),
  });
  try {
    await deliverPendingOutcome(deps, released);
  } catch (error) {
    throw new OutcomePendingError(
      `the ${kind} event of tenant ${tenantId} is not published yet: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (failure) {
    await deps.sns.send(
      new PublishCommand({
        TopicArn: deps.alertTopicArn,
        Subject: `Tenant ${tenantId}: ${operation} failed`.slice(0, 100),
        Message: `The ${operation} of tenant ${tenantId} stopped at ${failure.failedStep}: ${failure.reason}\nThe tenant is ${released.status}; run the ${operation} again to continue (execution ${executionArn}).`,
      }),
    );
  }
  return released;
}
