/**
 * The Step Functions event that ends a provisioning execution: "Step Functions Execution Status Change", which Step
 * Functions sends to the default event bus as source `aws.states` for Standard workflows (EventBridge events
 * reference, "AWS Step Functions events"; Step Functions Developer Guide, "Automating Step Functions event delivery
 * with EventBridge"), on a best-effort basis.
 */
export const STEP_FUNCTIONS_EVENT_SOURCE = 'aws.states';
export const EXECUTION_STATUS_CHANGE_DETAIL_TYPE = 'Step Functions Execution Status Change';

/**
 * Execution statuses after which the workflow may not have recorded its outcome. TIMED_OUT and ABORTED stop the
 * execution wherever it was, RecordFailure included; FAILED covers a RecordFailure step that itself failed. A FAILED
 * execution whose RecordFailure did run left no PROVISIONING record behind, so the reaper finds nothing to do.
 */
export const EXECUTION_ENDED_DETAIL_STATUSES = ['TIMED_OUT', 'ABORTED', 'FAILED'] as const;
export type ExecutionEndedStatus = (typeof EXECUTION_ENDED_DETAIL_STATUSES)[number];

/** An EventBridge rule pattern shaped like aws-cdk-lib's `events.EventPattern` (`detailType` is `detail-type`). */
export interface ExecutionEndedPattern {
  source: string[];
  detailType: string[];
  detail: { status: string[]; stateMachineArn: string[] };
}

/**
 * Pattern of the rule that invokes the execution reaper: executions of `stateMachineArn` that ended TIMED_OUT,
 * ABORTED or FAILED. It filters on the state machine, so executions of other workflows never reach the function.
 *
 * @example
 * ```ts
 * new events.Rule(this, 'ExecutionEnded', {
 *   eventPattern: executionEndedPattern(stateMachine.stateMachineArn),
 *   targets: [new targets.LambdaFunction(reaper, { retryAttempts: 4, maxEventAge: Duration.hours(1) })],
 * });
 * ```
 */
export function executionEndedPattern(stateMachineArn: string): ExecutionEndedPattern {
  if (stateMachineArn === '') throw new Error('executionEndedPattern needs the state machine ARN');
  return {
    source: [STEP_FUNCTIONS_EVENT_SOURCE],
    detailType: [EXECUTION_STATUS_CHANGE_DETAIL_TYPE],
    detail: { status: [...EXECUTION_ENDED_DETAIL_STATUSES], stateMachineArn: [stateMachineArn] },
  };
}
