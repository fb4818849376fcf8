/**
 * TakeTenant: checks the request, then takes the tenant for the operation (the per-tenant lock). A tenant that is
 * busy, unknown or in the wrong status is refused before anything is touched; a redelivered request is a duplicate.
 *
 * @module
 */
import { ConfigurationError } from '../shared/errors';
import { OFFBOARDING_OPERATIONS } from '../shared/lifecycle/offboarding';
import type { OperationName } from '../shared/lifecycle/operations';
import { type LifecycleRequest, lifecycleRequestOf } from '../shared/lifecycle/request';
import { type LockResult, SUSPENSION_OPERATIONS } from '../shared/lifecycle/suspension';
import { type OutboxDeps, settleOutbox } from '../shared/outcomes';
import { type OperationRequest, type TakeResult, takeTenant } from '../shared/registry';

/** The Task's payload: the raw execution input, the execution's ARN, and the operations its workflow runs. */
export interface TakeEvent {
  input: unknown;
  executionArn: string;
  /** Set by the workflow definition (never by the caller). @default the suspension workflow's: suspend, resume */
  operations?: readonly OperationName[];
}

/** The workflows that take tenants, by the operations they run; anything else is a misconfigured definition. */
const WORKFLOW_OPERATIONS: readonly (readonly OperationName[])[] = [SUSPENSION_OPERATIONS, OFFBOARDING_OPERATIONS];

/** Validates `event.input` and takes the tenant (see {@link takeAfterOutbox}); the result says where its database lives. */
export async function takeForOperation(deps: OutboxDeps, event: TakeEvent): Promise<LockResult> {
  const operations = event.operations ?? SUSPENSION_OPERATIONS;
  if (!WORKFLOW_OPERATIONS.some((known) => known.join() === operations.join())) {
    throw new ConfigurationError(`TakeTenant: no workflow runs the operations ${String(operations)}`);
  }
  const request = lifecycleRequestOf(event.input, operations);
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
    tier: record.tier,
    ...(record.secretArn === undefined ? {} : { secretArn: record.secretArn }),
    ...(record.finalSnapshots === undefined ? {} : { finalSnapshots: record.finalSnapshots }),
  };
}
