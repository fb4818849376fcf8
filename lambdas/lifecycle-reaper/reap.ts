/**
 * The reaper of lifecycle executions: a suspend, resume or offboard execution that timed out, was aborted or failed outside
 * its own last step never released its tenant, which would stay busy (and refuse every later operation) for good.
 * The reaper finds the tenants that execution still holds and releases them to the operation's `*_FAILED` status,
 * with the reason, the outcome event and an alert, as the workflow's own ReleaseTenant would have.
 *
 * @module
 */
import { type FinishDeps, finishOperation } from '../shared/lifecycle/finish';
import { type ExecutionStatusChangeEvent, endedExecutionOf } from '../shared/reconciliation/ended-execution';
import { tenantsHeldBy } from '../shared/registry';

/** What the reaper did for one event: the tenants it released. */
export interface LifecycleReapResult {
  released: string[];
}

/** Releases every tenant the ended execution of `event` still holds. */
export async function reapLifecycleExecution(
  deps: FinishDeps,
  event: ExecutionStatusChangeEvent,
): Promise<LifecycleReapResult> {
  const ended = endedExecutionOf(event);
  if (!ended) return { released: [] };
  const held = await tenantsHeldBy(deps.registry, deps.table, ended.executionArn);
  const released: string[] = [];
  for (const record of held) {
    const operation = record.operation;
    if (!operation) continue;
    await finishOperation(deps, {
      tenantId: record.tenantId,
      operation: operation.name,
      executionArn: ended.executionArn,
      failure: {
        failedStep: 'Execution',
        reason: `the ${operation.name} execution ended ${ended.status}${ended.error ? ` (${ended.error})` : ''} before it released the tenant`,
      },
    });
    released.push(record.tenantId);
  }
  return { released };
}
