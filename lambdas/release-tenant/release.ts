/**
 * ReleaseTenant: the last step of every path of the suspension workflow. Releases the tenant to the operation's done
 * status (no error in the state) or its `*_FAILED` status (with the failed step and the reason), writes the outcome
 * event it owes in the same conditional write (transactional outbox), publishes it, and alerts on a failure.
 *
 * @module
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { OutcomePendingError, TenantConflictError } from '../shared/errors';
import type { OperationName } from '../shared/lifecycle/operations';
import { lifecycleOutcomeKind } from '../shared/lifecycle/outcomes';
import {
  type ReleaseResult,
  type SuspensionState,
  suspensionFailedStep,
  suspensionFailureReason,
} from '../shared/lifecycle/suspension';
import { deliverPendingOutcome, type OutboxDeps } from '../shared/outcomes';
import { getTenant, releaseTenant } from '../shared/registry';

/** The Task's payload: the whole state and the execution's ARN (from the context, for a take that never returned). */
export interface ReleaseEvent {
  state: SuspensionState & { tenantId?: unknown; operation?: unknown };
  executionArn: string;
}

/** What the step talks to. */
export interface ReleaseDeps extends OutboxDeps {
  sns: SNSClient;
  alertTopicArn: string;
}

/** Releases the tenant held by this execution; a tenant it never took is left alone. */
export async function releaseOperation(deps: ReleaseDeps, event: ReleaseEvent): Promise<ReleaseResult> {
  const { state, executionArn } = event;
  const tenantId = state.lock?.tenantId ?? (typeof state.tenantId === 'string' ? state.tenantId : undefined);
  const operation = (state.lock?.operation ?? state.operation) as OperationName | undefined;
  const failed = state.error !== undefined;
  const failure = failed
    ? {
        error: state.error?.Error ?? 'Error',
        reason: suspensionFailureReason(state),
        failedStep: suspensionFailedStep(state),
      }
    : undefined;
  if (!tenantId || !operation) {
    return { status: 'ACTIVE', outcome: 'failed', ...failure };
  }
  const outcome = failed ? 'failed' : 'succeeded';
  const kind = lifecycleOutcomeKind(operation, outcome);
  let released: Awaited<ReturnType<typeof releaseTenant>>;
  try {
    released = await releaseTenant(deps.registry, deps.table, {
      tenantId,
      operation,
      executionArn,
      outcome,
      ...(failure ? { reason: failure.reason, failedStep: failure.failedStep } : {}),
      ...(kind ? { set: { outcomePending: kind } } : {}),
    });
  } catch (error) {
    // TakeTenant failed before it took the tenant: another operation (or none) holds it, and it is not ours to move.
    if (!(error instanceof TenantConflictError) || state.lock?.outcome === 'TAKEN') throw error;
    const record = await getTenant(deps.registry, deps.table, tenantId);
    return { status: record?.status ?? 'ACTIVE', outcome: 'failed', ...failure };
  }
  try {
    await deliverPendingOutcome(deps, released);
  } catch (error) {
    // The release is written and the record keeps the event pending: the Task's retry publishes it (the release
    // itself is then found done), and after the retries the sweeper does.
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
  return { status: released.status, outcome, ...failure };
}
