import {
  EXECUTION_ENDED_DETAIL_STATUSES,
  EXECUTION_STATUS_CHANGE_DETAIL_TYPE,
  type ExecutionEndedStatus,
  STEP_FUNCTIONS_EVENT_SOURCE,
} from '../aws-events';

/**
 * The parts of a "Step Functions Execution Status Change" event the reaper reads. The detail also carries `input`,
 * `output` and their `*Details`; they are deliberately not declared here: Step Functions leaves `input` null when it
 * is too large or encrypted with a customer-managed key, and it may hold tenant data, so nothing reads it.
 */
export interface ExecutionStatusChangeEvent {
  source?: string;
  'detail-type'?: string;
  detail?: {
    executionArn?: string;
    stateMachineArn?: string;
    name?: string;
    status?: string;
    /** Epoch milliseconds. */
    startDate?: number | null;
    /** Epoch milliseconds; set once the execution has ended. */
    stopDate?: number | null;
    error?: string | null;
    cause?: string | null;
  };
}

export interface EndedExecution {
  executionArn: string;
  /**
   * How it ended: what the reaper's event says, or what the sweeper reads from DescribeExecution (which also knows
   * SUCCEEDED, and NOT_FOUND once Step Functions no longer keeps the execution).
   */
  status: ExecutionEndedStatus | 'SUCCEEDED' | 'NOT_FOUND';
  /** Step Functions' error name (`States.Timeout`, the Fail state's error...), when the event carries one. */
  error?: string;
  /** When the execution stopped (ISO), when the event says. */
  stoppedAt?: string;
  /** When the execution started (ISO), when the event says: its records were all written after it. */
  startedAt?: string;
}

const ENDED_STATUSES = new Set<string>(EXECUTION_ENDED_DETAIL_STATUSES);
const EXECUTION_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/;

function isoOf(epochMs: number | null | undefined): string | undefined {
  return typeof epochMs === 'number' && Number.isFinite(epochMs) ? new Date(epochMs).toISOString() : undefined;
}

/**
 * The ended execution an event reports, or undefined when the event is not an execution that ended TIMED_OUT,
 * ABORTED or FAILED (another source or detail-type, another status, or no well-formed execution ARN). Pure.
 */
export function endedExecutionOf(event: ExecutionStatusChangeEvent): EndedExecution | undefined {
  const detail = event.detail;
  if (
    !detail ||
    event.source !== STEP_FUNCTIONS_EVENT_SOURCE ||
    event['detail-type'] !== EXECUTION_STATUS_CHANGE_DETAIL_TYPE ||
    !ENDED_STATUSES.has(detail.status ?? '') ||
    !EXECUTION_ARN.test(detail.executionArn ?? '')
  ) {
    return undefined;
  }
  const stoppedAt = isoOf(detail.stopDate);
  const startedAt = isoOf(detail.startDate);
  return {
    executionArn: detail.executionArn as string,
    status: detail.status as ExecutionEndedStatus,
    ...(detail.error ? { error: detail.error } : {}),
    ...(stoppedAt ? { stoppedAt } : {}),
    ...(startedAt ? { startedAt } : {}),
  };
}
