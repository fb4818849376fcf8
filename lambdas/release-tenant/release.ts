/**
 * ReleaseTenant: the last step of every path of the suspension and offboarding workflows. Releases the tenant to the operation's done
 * status (no error in the state) or its `*_FAILED` status (with the failed step and the reason), writes the outcome
 * event it owes in the same conditional write (transactional outbox), publishes it, and alerts on a failure.
 *
 * @module
 */

import { clock } from '../shared/clock';
import { TenantConflictError } from '../shared/errors';
import { outcomeEntry, publishEvent } from '../shared/events';
import { type FinishDeps, finishOperation } from '../shared/lifecycle/finish';
import {
  type OffboardingState,
  offboardedRecord,
  offboardingFailedStep,
  offboardingFailureReason,
} from '../shared/lifecycle/offboarding';
import type { OperationName } from '../shared/lifecycle/operations';
import {
  isRejection,
  type ReleaseResult,
  type SuspensionState,
  suspensionFailedStep,
  suspensionFailureReason,
  suspensionRejectedDetail,
} from '../shared/lifecycle/suspension';
import { getTenant } from '../shared/registry';
import { tenantIdViolations } from '../shared/tenant-id';
import { releaseTierChange } from './tier-change';

/** The Task's payload: the whole state and the execution's ARN (from the context, for a take that never returned). */
export interface ReleaseEvent {
  state: SuspensionState & OffboardingState & { tenantId?: unknown; operation?: unknown; requestId?: unknown };
  executionArn: string;
}

/** What the step talks to. */
export type ReleaseDeps = FinishDeps;

/** Releases the tenant held by this execution; a tenant it never took is left alone. */
export async function releaseOperation(deps: ReleaseDeps, event: ReleaseEvent): Promise<ReleaseResult> {
  // Only the tier change workflow's TakeTenant accepts change-tier.
  if ((event.state.lock?.operation ?? event.state.operation) === 'change-tier') return releaseTierChange(deps, event);
  const { state, executionArn } = event;
  const tenantId = state.lock?.tenantId ?? (typeof state.tenantId === 'string' ? state.tenantId : undefined);
  const operation = (state.lock?.operation ?? state.operation) as OperationName | undefined;
  const failed = state.error !== undefined;
  const offboarding = operation === 'offboard';
  const failure = failed
    ? {
        error: state.error?.Error ?? 'Error',
        reason: offboarding ? offboardingFailureReason(state) : suspensionFailureReason(state),
        failedStep: offboarding ? offboardingFailedStep(state) : suspensionFailedStep(state),
      }
    : undefined;
  if (isRejection(state)) {
    // Refused before anything was touched: announce the refusal; the tenant's record is not this execution's to move.
    // Only a valid id is looked up: a refused one may be anything (10,000 characters DynamoDB refuses as a key).
    const known = tenantId !== undefined && tenantIdViolations(tenantId).length === 0;
    const record = known ? await getTenant(deps.registry, deps.table, tenantId) : undefined;
    const detail = suspensionRejectedDetail(state, executionArn, record?.tier);
    await publishEvent(deps.events, outcomeEntry(deps.busName, { kind: 'rejected', value: detail }));
    return { outcome: 'rejected', error: detail.error, reason: detail.reason };
  }
  if (!tenantId || !operation) return { outcome: 'failed', ...failure };
  const outcome = failed ? 'failed' : 'succeeded';
  let released: Awaited<ReturnType<typeof finishOperation>>;
  try {
    released = await finishOperation(deps, {
      tenantId,
      operation,
      executionArn,
      ...(failure ? { failure: { reason: failure.reason, failedStep: failure.failedStep } } : {}),
      // Offboarded: what is kept and until when. A failed offboarding keeps what it confirmed in the record already.
      ...(offboarding && !failed ? { record: offboardedRecord(state, new Date(clock.now())) } : {}),
    });
  } catch (error) {
    // TakeTenant failed before it took the tenant: another operation (or none) holds it, and it is not ours to move.
    if (!(error instanceof TenantConflictError) || state.lock?.outcome === 'TAKEN') throw error;
    const record = await getTenant(deps.registry, deps.table, tenantId);
    return { ...(record ? { status: record.status } : {}), outcome: 'failed', ...failure };
  }
  return { status: released.status, outcome, ...failure };
}
