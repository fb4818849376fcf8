import { type DBInstance, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { WorkflowRun } from '../../../support/workflow-harness';
import { runWorkflow } from '../../../support/workflow-harness';
import type { WorkflowFixture } from '../provisioning/fixtures';

/** Runs the tier change workflow for `tenantId` against the fixture's double and database. */
export function runTierChange(
  workflow: WorkflowFixture,
  tenantId: string,
  to: string,
  extra: { when?: 'now' | 'maintenance-window'; requestId?: string; executionName?: string } = {},
  options: { crashAfterSuccess?: { state: string; times?: number } } = {},
): Promise<WorkflowRun> {
  const { executionName, ...input } = extra;
  return runWorkflow(
    { tenantId, operation: 'change-tier', to, requestedBy: 'workflow-tests', ...input },
    {
      machine: 'tier-change',
      double: workflow.double(),
      database: workflow.database(),
      ...(executionName ? { executionName } : {}),
      ...options,
    },
  );
}

/** The instance as RDS reports it. */
export async function describedInstance(instanceId: string): Promise<DBInstance | undefined> {
  const { DBInstances } = await new RDSClient({}).send(
    new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }),
  );
  return DBInstances?.[0];
}
