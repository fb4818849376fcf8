import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, cdkJsonContext } from '../../../../lib/app-builder';
import type { InputTransformer } from '../../../support/input-transformer';
import { REPOSITORY_ROOT } from '../../../support/paths';
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

/** The billing event fixtures of `folder` (under test/fixtures) that are `kind`, as [file, event] pairs. */
export function billingFixtures(folder: string, kind: 'valid' | 'invalid'): (readonly [string, unknown])[] {
  const dir = join(REPOSITORY_ROOT, 'test', 'fixtures', folder, kind);
  return readdirSync(dir).map((file) => [file, JSON.parse(readFileSync(join(dir, file), 'utf8'))] as const);
}

/** The input transformer of the synthesized billing rule for `detailType`. */
export function transformerFor(detailType: string): InputTransformer {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const { workflow } = buildApp(app);
  const rules = Template.fromStack(workflow).findResources('AWS::Events::Rule');
  const rule = Object.values(rules).find((r) => r.Properties.EventPattern?.['detail-type']?.[0] === detailType);
  return rule?.Properties.Targets[0].InputTransformer as InputTransformer;
}
