import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { RUNTIME_ENV, setting } from '../../lambdas/shared/config';
import { REGISTRY_STATUS_INDEX } from '../../lambdas/shared/contracts';
import { executionEndedPattern } from '../triggers/event-patterns';
import type { StateMachineDefinition } from './asl';
import {
  addHandler,
  type HandlerSpec,
  onRegistry,
  type PlatformResources,
  registryKeyActions,
  type StepSpec,
  type WorkflowResources,
} from './handler-spec';
import { allow } from './permissions';
import { addWorkflow } from './state-machine';

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
function addLifecycleReaper(scope: Construct, platform: PlatformResources, stateMachine: sfn.IStateMachine): void {
  const reaper = addHandler(scope, 'LifecycleReaperFunction', LIFECYCLE_REAPER, platform);
  new events.Rule(scope, 'ExecutionEndedRule', {
    description: 'A lifecycle execution ended TIMED_OUT, ABORTED or FAILED: release a tenant it still holds',
    eventPattern: executionEndedPattern(stateMachine.stateMachineArn),
    targets: [new targets.LambdaFunction(reaper.function, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
  });
}

/** What {@link addLifecycleWorkflow} assembles. */
export interface LifecycleWorkflowProps<S extends string> {
  /** The workflow's functions, one record each. */
  readonly steps: Readonly<Record<S, StepSpec>>;
  /** Builds the definition from the execution timeout and the functions. */
  readonly build: (options: {
    timeoutSeconds: number;
    functions: Readonly<Record<S, StepSpec>>;
  }) => StateMachineDefinition;
  /** The state machine's name (fixed: tenantctl, schedules and billing rules find it by it). */
  readonly stateMachineName: string;
  /** What the functions' environment and permissions name. */
  readonly platform: WorkflowResources;
  /** Whole-execution timeout. */
  readonly executionTimeout: Duration;
}

/**
 * A lifecycle workflow (suspension, tier change, offboarding) in `scope`: one Standard state machine assembled from
 * its step table, its functions and execution logs (see `addWorkflow`), and the reaper that releases a tenant an
 * ended execution still holds. Returns the state machine.
 */
export function addLifecycleWorkflow<S extends string>(
  scope: Construct,
  props: LifecycleWorkflowProps<S>,
): sfn.StateMachine {
  const { stateMachine } = addWorkflow(scope, {
    steps: props.steps,
    definition: props.build({ timeoutSeconds: props.executionTimeout.toSeconds(), functions: props.steps }),
    stateMachineName: props.stateMachineName,
    stateMachineId: 'StateMachine',
    logGroupId: 'ExecutionLogs',
    platform: props.platform,
  });
  addLifecycleReaper(scope, props.platform, stateMachine);
  return stateMachine;
}
