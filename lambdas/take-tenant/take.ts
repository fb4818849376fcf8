/**
 * TakeTenant: checks the request, then takes the tenant for the operation (the per-tenant lock). A tenant that is
 * busy, unknown or in the wrong status is refused before anything is touched; a redelivered request is a duplicate.
 *
 * @module
 */
import { type LifecycleRequest, lifecycleRequestOf } from '../shared/lifecycle/request';
import { type LockResult, SUSPENSION_OPERATIONS } from '../shared/lifecycle/suspension';
import { type OutboxDeps, settleOutbox } from '../shared/outcomes';
import { type OperationRequest, type TakeResult, takeTenant } from '../shared/registry';

/** The Task's payload: the raw execution input and the execution's ARN. */
export interface TakeEvent {
  input: unknown;
  executionArn: string;
}

/** Validates `event.input` and takes the tenant (see {@link takeAfterOutbox}); the result says where its database lives. */
export async function takeForOperation(deps: OutboxDeps, event: TakeEvent): Promise<LockResult> {
  const request = lifecycleRequestOf(event.input, SUSPENSION_OPERATIONS);
  return lockOf(
    request,
    event.executionArn,
    await takeAfterOutbox(deps, { ...request, executionArn: event.executionArn }),
  );
}

/**
 * Takes the tenant for `request`, first publishing an outcome event the record still owes (its last operation's
 * release could not publish it): the outbox holds one event, and this operation's release will write its own.
 */
export async function takeAfterOutbox(deps: OutboxDeps, request: OperationRequest): Promise<TakeResult> {
  await settleOutbox(deps, request.tenantId);
  return takeTenant(deps.registry, deps.table, request);
}

/** The lock result of a take: the outcome, and where the tenant's database lives as the registry has it. */
export function lockOf(request: LifecycleRequest, executionArn: string, taken: TakeResult): LockResult {
  const { record } = taken;
  return {
    outcome: taken.outcome,
    tenantId: request.tenantId,
    operation: request.operation,
    executionArn,
    ...(taken.reason === undefined ? {} : { reason: taken.reason }),
    ...(record.instanceId === undefined ? {} : { instanceId: record.instanceId }),
    ...(record.region === undefined ? {} : { region: record.region }),
  };
}
