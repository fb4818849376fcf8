/**
 * ReleaseTenant of the tier change workflow (the suspension's ReleaseTenant function hands it the change-tier state): the last step of every path. Releases the tenant to ACTIVE on the new
 * tier (the registry's tier changes only here, once RDS applied the change and the follow-ups ran), back to ACTIVE on
 * its old tier for a refused change, or to MODIFY_FAILED once RDS accepted something; writes the history entry with
 * what was applied and the outcome event it owes in the same conditional write, publishes it, and alerts on a failure.
 *
 * @module
 */
import { TenantConflictError } from '../shared/errors';
import { outcomeEntry, publishEvent } from '../shared/events';
import { type FinishDeps, finishOperation } from '../shared/lifecycle/finish';
import { isRejection, type ReleaseResult, suspensionRejectedDetail } from '../shared/lifecycle/suspension';
import {
  isRefusedChange,
  type TierChangeState,
  tierChangeFailedStep,
  tierChangeFailureReason,
  tierChangeSummary,
} from '../shared/lifecycle/tier-change';
import { getTenant } from '../shared/registry';

/** The Task's payload: the whole state and the execution's ARN. */
interface ReleaseTierChangeEvent {
  state: TierChangeState & { tenantId?: unknown; requestId?: unknown };
  executionArn: string;
}

/** Releases the tenant held by this execution; a tenant it never took is left alone. */
export async function releaseTierChange(deps: FinishDeps, event: ReleaseTierChangeEvent): Promise<ReleaseResult> {
  const { state, executionArn } = event;
  const tenantId = state.lock?.tenantId ?? (typeof state.tenantId === 'string' ? state.tenantId : undefined);
  const failure =
    state.error === undefined
      ? undefined
      : {
          error: state.error.Error ?? 'Error',
          reason: tierChangeFailureReason(state),
          failedStep: tierChangeFailedStep(state),
        };
  if (isRejection(state)) {
    const record = tenantId ? await getTenant(deps.registry, deps.table, tenantId) : undefined;
    const detail = suspensionRejectedDetail(state, executionArn, record?.tier);
    await publishEvent(deps.events, outcomeEntry(deps.busName, { kind: 'rejected', value: detail }));
    return { outcome: 'rejected', error: detail.error, reason: detail.reason };
  }
  if (!tenantId || !state.lock) return { outcome: 'failed', ...failure };
  const refused = isRefusedChange(state);
  const summary = tierChangeSummary(state);
  let released: Awaited<ReturnType<typeof finishOperation>>;
  try {
    released = await finishOperation(deps, {
      tenantId,
      operation: 'change-tier',
      executionArn,
      ...(failure ? { failure: { reason: failure.reason, failedStep: failure.failedStep }, refused } : {}),
      ...(summary ? { tierChange: summary } : {}),
      // The registry names the new tier only once the instance has it.
      ...(failure || !summary ? {} : { record: { set: { tier: summary.to } } }),
    });
  } catch (error) {
    if (!(error instanceof TenantConflictError) || state.lock.outcome === 'TAKEN') throw error;
    const record = await getTenant(deps.registry, deps.table, tenantId);
    return { ...(record ? { status: record.status } : {}), outcome: 'failed', ...failure };
  }
  return { status: released.status, outcome: failure ? 'failed' : 'succeeded', ...failure };
}
