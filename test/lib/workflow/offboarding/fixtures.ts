import type { TenantRecord } from '../../../../lambdas/shared/contracts';
import type { AwsDouble } from '../../../../lib/local/aws';
import type { RunWorkflowOptions, WorkflowRun } from '../../../support/workflow-harness';
import { registryRecord, runWorkflow } from '../../../support/workflow-harness';
import type { WorkflowFixture } from '../provisioning/fixtures';

/** Runs the offboarding workflow for `tenantId` against the fixture's double and database. */
export function runOffboarding(
  workflow: WorkflowFixture,
  tenantId: string,
  extra: { requestId?: string; executionName?: string } & Pick<RunWorkflowOptions, 'crashAfterSuccess'> = {},
): Promise<WorkflowRun> {
  const { executionName, crashAfterSuccess, ...input } = extra;
  return runWorkflow(
    { tenantId, operation: 'offboard', requestedBy: 'workflow-tests', ...input },
    {
      machine: 'offboarding',
      double: workflow.double(),
      database: workflow.database(),
      ...(executionName ? { executionName } : {}),
      ...(crashAfterSuccess ? { crashAfterSuccess } : {}),
    },
  );
}

/** The tenant's registry record; fails the test when there is none. */
export async function recordOf(double: AwsDouble, tenantId: string): Promise<TenantRecord> {
  const record = await registryRecord(double, tenantId);
  if (!record) throw new Error(`no registry record of ${tenantId}`);
  return record;
}

/**
 * The calls that deleted something of the tenant (its instance, application secret or alarms) before all of its
 * `expected` final snapshots were available (calls from index `sinceCall` on): the data-safety invariant says there
 * are none.
 */
export function deletionsBeforeSnapshots(double: AwsDouble, expected: number, sinceCall = 0): string[] {
  const ready = double.rdsSnapshots
    .list()
    .map((s) => s.availableAt)
    .filter((at): at is number => at !== undefined)
    .sort((a, b) => a - b);
  const safeFrom = ready.length >= expected ? (ready[expected - 1] as number) : Number.POSITIVE_INFINITY;
  return double.calls
    .slice(sinceCall)
    .filter((c) => ['DeleteDBInstance', 'DeleteSecret', 'DeleteAlarms', 'ModifyDBInstance'].includes(c.command))
    .filter((c) => c.command !== 'ModifyDBInstance' || JSON.stringify(c.input).includes('DeletionProtection'))
    .filter((c) => c.outcome === 'ok' && c.at < safeFrom)
    .map((c) => `${c.command} at ${new Date(c.at).toISOString()}`);
}
