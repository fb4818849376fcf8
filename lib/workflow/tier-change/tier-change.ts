import { Duration } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowResources } from '../handler-spec';
import { addLifecycleWorkflow } from '../lifecycle-workflow';
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
 * The tier change: a lifecycle workflow (see `addLifecycleWorkflow`) whose reaper releases a tenant an ended execution
 * still holds to MODIFY_FAILED.
 */
export class TenantTierChange extends Construct {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: TenantTierChangeProps) {
    super(scope, id);
    this.stateMachine = addLifecycleWorkflow(this, {
      steps: TIER_CHANGE_FUNCTIONS,
      build: buildTierChangeDefinition,
      stateMachineName: props.stateMachineName,
      platform: props.platform,
      executionTimeout: props.executionTimeout ?? Duration.days(10),
    });
  }
}
