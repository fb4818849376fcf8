/**
 * TakeTenant: checks the request, then takes the tenant for the operation (the per-tenant lock). A tenant that is
 * busy, unknown or in the wrong status is refused before anything is touched; a redelivered request is a duplicate.
 *
 * @module
 */
import { ConfigurationError } from '../shared/errors';
import { OFFBOARDING_OPERATIONS } from '../shared/lifecycle/offboarding';
import type { OperationName } from '../shared/lifecycle/operations';
import { lifecycleRequestOf } from '../shared/lifecycle/request';
import { type LockResult, SUSPENSION_OPERATIONS } from '../shared/lifecycle/suspension';
import { lockOf, type TakeEvent, takeAfterOutbox } from '../shared/lifecycle/take';
import type { OutboxDeps } from '../shared/outcomes';

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
