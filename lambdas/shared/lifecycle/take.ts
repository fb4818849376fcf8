/**
 * Taking a tenant for a lifecycle operation, as every workflow's TakeTenant does it: the Task's payload, the take
 * after the outbox is settled, and the lock result the later steps read.
 *
 * @module
 */
import { type OutboxDeps, settleOutbox } from '../outcomes';
import { type OperationRequest, type TakeResult, takeTenant } from '../registry';
import type { OperationName } from './operations';
import type { LifecycleRequest } from './request';
import type { LockResult } from './suspension';

/** The Task's payload: the raw execution input, the execution's ARN, and the operations its workflow runs. */
export interface TakeEvent {
  input: unknown;
  executionArn: string;
  /** Set by the workflow definition (never by the caller). @default the suspension workflow's: suspend, resume */
  operations?: readonly OperationName[];
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
