import { Duration } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowResources } from '../handler-spec';
import { addLifecycleWorkflow } from '../lifecycle-workflow';
import { buildOffboardingDefinition } from './definition';
import { OFFBOARDING_FUNCTIONS } from './steps';

/** Props of {@link TenantOffboarding}. */
export interface TenantOffboardingProps {
  /** What the functions' environment and permissions name. */
  readonly platform: WorkflowResources;
  /** The state machine's name (fixed: tenantctl, schedules and billing rules find it by it). */
  readonly stateMachineName: string;
  /**
   * Whole-execution timeout: a snapshot of the largest tier, its cross-Region copy and the delete each take up to
   * hours. An execution that times out is released to OFFBOARD_FAILED by the reaper; running it again continues.
   * @default Duration.hours(12)
   */
  readonly executionTimeout?: Duration;
}

/**
 * Offboarding: one Standard state machine (final snapshot confirmed available, copied to the backup Region for tiers
 * that replicate, then the instance, alarms and application secret deleted), its functions and execution logs, and
 * the reaper that releases a tenant an ended execution still holds.
 */
export class TenantOffboarding extends Construct {
  /** The offboarding state machine, started with `{ tenantId, operation: 'offboard', requestedBy, requestId? }`. */
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: TenantOffboardingProps) {
    super(scope, id);
    this.stateMachine = addLifecycleWorkflow(this, {
      steps: OFFBOARDING_FUNCTIONS,
      build: buildOffboardingDefinition,
      stateMachineName: props.stateMachineName,
      platform: props.platform,
      executionTimeout: props.executionTimeout ?? Duration.hours(12),
    });
  }
}
