import { Duration } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowResources } from '../handler-spec';
import { addLifecycleWorkflow } from '../lifecycle-workflow';
import { buildSuspensionDefinition } from './definition';
import { addKeepSuspended } from './keep-suspended';
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
 * Suspend and resume: a lifecycle workflow (see `addLifecycleWorkflow`), and the listener that keeps suspended
 * instances stopped when RDS starts them after 7 days.
 */
export class TenantSuspension extends Construct {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: TenantSuspensionProps) {
    super(scope, id);
    this.stateMachine = addLifecycleWorkflow(this, {
      steps: SUSPENSION_FUNCTIONS,
      build: buildSuspensionDefinition,
      stateMachineName: props.stateMachineName,
      platform: props.platform,
      executionTimeout: props.executionTimeout ?? Duration.hours(3),
    });
    addKeepSuspended(this, props.platform);
  }
}
