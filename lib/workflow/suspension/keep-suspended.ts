import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import { KEEP_SUSPENDED_BUDGET_SECONDS, KEEP_SUSPENDED_TIMEOUT_SECONDS } from '../../../lambdas/keep-suspended/options';
import { RUNTIME_ENV, setting } from '../../../lambdas/shared/config';
import { RDS_STARTED_EVENT_PATTERN } from '../../triggers/event-patterns';
import { addHandler, type HandlerSpec, onRegistry, type PlatformResources, registryKeyActions } from '../handler-spec';
import { allow, MANAGED_RESOURCE_CONDITION } from '../permissions';
import { tenantFindings } from '../provisioning/findings';

/** Stops a suspended tenant's instance again after RDS started it by itself. */
const KEEP_SUSPENDED: HandlerSpec = {
  folder: 'keep-suspended',
  description: 'Stops a suspended tenant instance again after RDS starts it at the end of 7 days stopped',
  invocation: 'event',
  memorySize: 128,
  timeoutSeconds: KEEP_SUSPENDED_TIMEOUT_SECONDS,
  environment: (p) => [
    setting(RUNTIME_ENV.registryTable, p.table.tableName),
    setting(KEEP_SUSPENDED_BUDGET_SECONDS, KEEP_SUSPENDED_TIMEOUT_SECONDS - 120),
  ],
  access: (p) => ({
    statements: [
      onRegistry(p, ['dynamodb:GetItem']),
      allow(['rds:DescribeDBInstances'], [p.arns.instances]),
      allow(['rds:StopDBInstance'], [p.arns.instances], MANAGED_RESOURCE_CONDITION),
    ],
    keyActions: registryKeyActions('read'),
    accepted: {
      reason:
        'Tenant DB instances are named at run time; the identifier prefix tenant- scopes the grant to them, and the stop additionally requires the managed-by tag.',
      findings: [tenantFindings.instances],
    },
  }),
};

/**
 * RDS starts an instance stopped for 7 days by itself: this rule hands RDS's start events to the listener, which
 * stops the instance again while its tenant is SUSPENDED. Retried for an hour; the next 7-day start tries again.
 */
export function addKeepSuspended(scope: Construct, platform: PlatformResources): void {
  const listener = addHandler(scope, 'KeepSuspendedFunction', KEEP_SUSPENDED, platform);
  new events.Rule(scope, 'InstanceStartedRule', {
    description: 'RDS started a tenant DB instance (by itself after 7 days stopped, or on request)',
    eventPattern: RDS_STARTED_EVENT_PATTERN,
    targets: [new targets.LambdaFunction(listener.function, { retryAttempts: 4, maxEventAge: Duration.hours(1) })],
  });
}
