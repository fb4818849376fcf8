import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { RUNTIME_ENV, setting } from '../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../lambdas/shared/contracts';
import type { HandlerFunction } from './handler-function';
import { addHandler, type HandlerSpec, onRegistry, type PlatformResources } from './handler-spec';

/** Counts the registry's tenants by status. */
const REGISTRY_STATS: HandlerSpec = {
  folder: 'registry-stats',
  description: 'Publishes tenant counts per registry status',
  invocation: 'event',
  environment: (p) => [setting(RUNTIME_ENV.registryTable, p.table.tableName)],
  access: (p) => ({
    statements: [onRegistry(p, ['dynamodb:Query'], REGISTRY_STATUS_INDEX)],
    keyActions: ['kms:Decrypt', 'kms:DescribeKey'],
  }),
};

export interface TenantRegistryStatsProps {
  /** The platform's resources (the registry's `byStatus` index is counted). */
  readonly platform: PlatformResources;
  /** How often to count. @default Duration.minutes(5) */
  readonly interval?: Duration;
}

/** A scheduled function that publishes the number of tenants per registry status. */
export class TenantRegistryStats extends Construct {
  public readonly handler: HandlerFunction;

  constructor(scope: Construct, id: string, props: TenantRegistryStatsProps) {
    super(scope, id);
    this.handler = addHandler(this, 'Function', REGISTRY_STATS, props.platform);
    new events.Rule(this, 'Schedule', {
      description: 'Counts tenants by status for the platform dashboard',
      schedule: events.Schedule.rate(props.interval ?? Duration.minutes(5)),
      targets: [new targets.LambdaFunction(this.handler.function, { retryAttempts: 0 })],
    });
  }
}
