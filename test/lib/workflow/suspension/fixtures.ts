import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { WorkflowRun } from '../../../support/workflow-harness';
import { runWorkflow } from '../../../support/workflow-harness';
import type { WorkflowFixture } from '../provisioning/fixtures';

/** Runs the suspension workflow for `tenantId` against the fixture's double and database. */
export function runSuspension(
  workflow: WorkflowFixture,
  tenantId: string,
  operation: 'suspend' | 'resume',
  extra: { requestId?: string; executionName?: string } = {},
): Promise<WorkflowRun> {
  const { executionName, ...input } = extra;
  return runWorkflow(
    { tenantId, operation, requestedBy: 'workflow-tests', ...input },
    {
      machine: 'suspension',
      double: workflow.double(),
      database: workflow.database(),
      ...(executionName ? { executionName } : {}),
    },
  );
}

/** The instance's status as RDS reports it. */
export async function instanceStatus(instanceId: string): Promise<string | undefined> {
  const { DBInstances } = await new RDSClient({}).send(
    new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }),
  );
  return DBInstances?.[0]?.DBInstanceStatus;
}

/** The application password stored by provisioning (read from the double, never from the workflow). */
export function appPassword(workflow: WorkflowFixture, tenantId: string): string {
  const double = workflow.double();
  const secret = double.inventory().secrets.find((s) => s.name.includes(`/${tenantId}/`));
  const value = JSON.parse(double.secretsManager.currentValue(secret?.arn ?? '', double.region) ?? '{}');
  return value.password as string;
}
