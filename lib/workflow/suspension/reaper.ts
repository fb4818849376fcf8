import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { RUNTIME_ENV, setting } from '../../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../../lambdas/shared/contracts';
import { executionEndedPattern } from '../../triggers/event-patterns';
import { addHandler, type HandlerSpec, onRegistry, type PlatformResources, registryKeyActions } from '../handler-spec';
import { allow } from '../permissions';

/** Releases tenants held by lifecycle executions (suspension, offboarding) that ended without releasing them. */
const LIFECYCLE_REAPER: HandlerSpec = {
  folder: 'lifecycle-reaper',
  description:
    'Releases a tenant held by a suspend, resume or offboard execution that timed out, was aborted or failed',
  invocation: 'event',
  environment: (p) => [
    setting(RUNTIME_ENV.registryTable, p.table.tableName),
    setting(RUNTIME_ENV.eventBusName, p.eventBus.eventBusName),
    setting(RUNTIME_ENV.alertTopicArn, p.foundation.alertTopic.topicArn),
  ],
  access: (p) => ({
    statements: [
      onRegistry(p, ['dynamodb:GetItem', 'dynamodb:UpdateItem']),
      onRegistry(p, ['dynamodb:Query'], REGISTRY_STATUS_INDEX),
      allow(['events:PutEvents'], [p.eventBus.eventBusArn]),
      allow(['sns:Publish'], [p.foundation.alertTopic.topicArn]),
    ],
    keyActions: registryKeyActions('write'),
  }),
};

/**
 * A lifecycle execution that times out, is aborted or fails outside ReleaseTenant would leave its tenant busy: this
 * rule hands such executions to the reaper, which releases the tenant to `*_FAILED` with the reason.
 */
export function addLifecycleReaper(
  scope: Construct,
  platform: PlatformResources,
  stateMachine: sfn.IStateMachine,
): void {
  const reaper = addHandler(scope, 'LifecycleReaperFunction', LIFECYCLE_REAPER, platform);
  new events.Rule(scope, 'ExecutionEndedRule', {
    description: 'A lifecycle execution ended TIMED_OUT, ABORTED or FAILED: release a tenant it still holds',
    eventPattern: executionEndedPattern(stateMachine.stateMachineArn),
    targets: [new targets.LambdaFunction(reaper.function, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
  });
}
