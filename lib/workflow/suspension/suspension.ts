import { Duration } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowResources } from '../handler-spec';
import { addWorkflow } from '../state-machine';
import { buildSuspensionDefinition } from './definition';
import { addKeepSuspended } from './keep-suspended';
import { addLifecycleReaper } from './reaper';
import { SUSPENSION_FUNCTIONS } from './steps';

/** Props of {@link TenantSuspension}. */
export interface TenantSuspensionProps {
  /** What the functions' environment and permissions name. */
  readonly platform: WorkflowResources;
  /** The state machine's name (fixed: tenantctl and the billing rules find it by it). */
  readonly stateMachineName: string;
  /** Whole-execution timeout. @default Duration.hours(3) */
  readonly executionTimeout?: Duration;
}

/**
 * Suspend and resume: one Standard state machine assembled from the step table and the typed Task graph, its
 * functions, and its execution logs (see `addWorkflow`); the listener that keeps suspended instances stopped when
 * RDS starts them after 7 days; and the reaper that releases a tenant an ended execution still holds.
 */
export class TenantSuspension extends Construct {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: TenantSuspensionProps) {
    super(scope, id);
    const workflow = addWorkflow(this, {
      steps: SUSPENSION_FUNCTIONS,
      definition: buildSuspensionDefinition({
        timeoutSeconds: (props.executionTimeout ?? Duration.hours(3)).toSeconds(),
        functions: SUSPENSION_FUNCTIONS,
      }),
      stateMachineName: props.stateMachineName,
      stateMachineId: 'StateMachine',
      logGroupId: 'ExecutionLogs',
      platform: props.platform,
    });
    this.stateMachine = workflow.stateMachine;
    addKeepSuspended(this, props.platform);
    addLifecycleReaper(this, props.platform, this.stateMachine);
  }
}
