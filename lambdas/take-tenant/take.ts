/**
 * TakeTenant: checks the request, then takes the tenant for the operation (the per-tenant lock). A tenant that is
 * busy, unknown or in the wrong status is refused before anything is touched; a redelivered request is a duplicate.
 *
 * @module
 */
import { lifecycleRequestOf } from '../shared/lifecycle/request';
import { type LockResult, SUSPENSION_OPERATIONS } from '../shared/lifecycle/suspension';
import { deliverPendingOutcome, type OutboxDeps } from '../shared/outcomes';
import { getTenant, takeTenant } from '../shared/registry';

/** The Task's payload: the raw execution input and the execution's ARN. */
export interface TakeEvent {
  input: unknown;
  executionArn: string;
}

/**
 * Validates `event.input` and takes the tenant; the result says where its database lives. An outcome event the
 * record still owes (its last operation's release could not publish it) is published first: the outbox holds one
 * event, and this operation's release will write its own.
 */
export async function takeForOperation(deps: OutboxDeps, event: TakeEvent): Promise<LockResult> {
  const request = lifecycleRequestOf(event.input, SUSPENSION_OPERATIONS);
  const current = await getTenant(deps.registry, deps.table, request.tenantId);
  if (current?.outcomePending !== undefined) await deliverPendingOutcome(deps, current);
  const taken = await takeTenant(deps.registry, deps.table, { ...request, executionArn: event.executionArn });
  const { record } = taken;
  return {
    outcome: taken.outcome,
    tenantId: request.tenantId,
    operation: request.operation,
    executionArn: event.executionArn,
    ...(taken.reason === undefined ? {} : { reason: taken.reason }),
    ...(record.instanceId === undefined ? {} : { instanceId: record.instanceId }),
    ...(record.region === undefined ? {} : { region: record.region }),
  };
}
