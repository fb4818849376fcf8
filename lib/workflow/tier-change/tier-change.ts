import { Duration } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowResources } from '../handler-spec';
import { addWorkflow } from '../state-machine';
import { addLifecycleReaper } from '../suspension/reaper';
import { buildTierChangeDefinition } from './definition';
import { TIER_CHANGE_FUNCTIONS } from './steps';

/** Props of {@link TenantTierChange}. */
export interface TenantTierChangeProps {
  /** What the functions' environment and permissions name. */
  readonly platform: WorkflowResources;
  /** The state machine's name (fixed: tenantctl and the billing rule find it by it). */
  readonly stateMachineName: string;
  /**
   * Whole-execution timeout: a change deferred to the maintenance window waits up to a week for it, then storage
   * optimization may take a day or more.
   * @default Duration.days(10)
   */
  readonly executionTimeout?: Duration;
}

/**
 * The tier change: one Standard state machine assembled from the step table, its functions and execution logs (see
 * `addWorkflow`), and the reaper that releases a tenant an ended execution still holds (to MODIFY_FAILED).
 */
export class TenantTierChange extends Construct {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: TenantTierChangeProps) {
    super(scope, id);
    const workflow = addWorkflow(this, {
      steps: TIER_CHANGE_FUNCTIONS,
      definition: buildTierChangeDefinition({
        timeoutSeconds: (props.executionTimeout ?? Duration.days(10)).toSeconds(),
        functions: TIER_CHANGE_FUNCTIONS,
      }),
      stateMachineName: props.stateMachineName,
      stateMachineId: 'StateMachine',
      logGroupId: 'ExecutionLogs',
      platform: props.platform,
    });
    this.stateMachine = workflow.stateMachine;
    addLifecycleReaper(this, props.platform, this.stateMachine);
  }
}
