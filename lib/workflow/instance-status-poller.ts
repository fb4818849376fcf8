import { ArnFormat, Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { RUNTIME_ENV, setting } from '../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../lambdas/shared/contracts';
import type { HandlerFunction } from './handler-function';
import { addHandler, type HandlerSpec, onRegistry, type PlatformResources, registryKeyActions } from './handler-spec';
import { allow } from './permissions';
import { runOnSchedule } from './schedule';

/** Describes every instance being created at once and records the statuses for the waiters. */
const INSTANCE_STATUS_POLLER: HandlerSpec = {
  folder: 'instance-status',
  description: 'Describes every instance being created at once and records the statuses in the registry',
  invocation: 'event',
  environment: (p) => [setting(RUNTIME_ENV.registryTable, p.table.tableName)],
  access: (p) => ({
    statements: [
      onRegistry(p, ['dynamodb:Query'], REGISTRY_STATUS_INDEX),
      onRegistry(p, ['dynamodb:UpdateItem']),
      // A describe with filters names no instance, so RDS authorizes it against every DB instance ARN: read-only.
      allow(
        ['rds:DescribeDBInstances'],
        [
          p.stack.formatArn({
            service: 'rds',
            resource: 'db',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      ),
    ],
    keyActions: registryKeyActions('write'),
    accepted: {
      reason:
        'DescribeDBInstances with a db-instance-id filter names no single instance, so RDS authorizes it against every instance ARN; the action is read-only and the handler filters on tenant instances.',
      findings: ['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:*]'],
    },
  }),
};

/**
 * The shared status poller (lambdas/instance-status): one paginated DescribeDBInstances a minute for every instance
 * being created, recorded in the registry, so the RDS API load does not grow with the number of waiting executions.
 *
 * @param interval how often every instance being created is described (default one minute)
 */
export function addInstanceStatusPoller(
  scope: Construct,
  platform: PlatformResources,
  interval = Duration.minutes(1),
): HandlerFunction {
  const poller = addHandler(scope, 'InstanceStatusFunction', INSTANCE_STATUS_POLLER, platform);
  runOnSchedule(scope, 'InstanceStatusSchedule', poller.function, {
    every: interval,
    description: 'Describes every tenant instance being created, once for all waiting executions',
  });
  return poller;
}
