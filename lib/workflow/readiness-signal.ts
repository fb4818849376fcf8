import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import { RUNTIME_ENV, setting } from '../../lambdas/shared/config';
import { RDS_CREATED_EVENT_PATTERN } from '../triggers/event-patterns';
import { addHandler, type HandlerSpec, onRegistry, type PlatformResources, registryKeyActions } from './handler-spec';

/** Records RDS's "DB instance created" events in the registry, where the waiters read them. */
const READINESS_SIGNAL: HandlerSpec = {
  folder: 'readiness-signal',
  description: 'Records RDS "DB instance created" events as a readiness hint',
  invocation: 'event',
  environment: (p) => [setting(RUNTIME_ENV.registryTable, p.table.tableName)],
  access: (p) => ({ statements: [onRegistry(p, ['dynamodb:UpdateItem'])], keyActions: registryKeyActions('write') }),
};

/**
 * The readiness hint: RDS's "DB instance created" event on the default bus shortens a wait to seconds. Best effort
 * (the waiters poll anyway), so the rule retries a few times and drops what it cannot deliver.
 */
export function addReadinessSignal(scope: Construct, platform: PlatformResources): void {
  const signal = addHandler(scope, 'ReadinessSignalFunction', READINESS_SIGNAL, platform);
  new events.Rule(scope, 'InstanceCreatedRule', {
    description: 'RDS reports a tenant DB instance created',
    eventPattern: RDS_CREATED_EVENT_PATTERN,
    targets: [new targets.LambdaFunction(signal.function, { retryAttempts: 4, maxEventAge: Duration.minutes(15) })],
  });
}
