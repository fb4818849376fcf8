/**
 * Progress of a provisioning execution, computed from its Step Functions history (ascending order). A step is
 * complete when the next step is entered or the execution ends, so a step the workflow loops on (the wait for the
 * instance) is reported once, and a step whose error a Catch routed to rollback is reported as failed.
 *
 * @module
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { STEPS, type StepName } from '../../lambdas/shared/contracts';

export interface StepOutcome {
  readonly step: StepName;
  readonly status: 'succeeded' | 'failed';
  /** Seconds from the start of the execution to the end of the step. */
  readonly elapsedSeconds: number;
  readonly error?: string;
  readonly cause?: string;
}

type ExecutionEndStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionEnd {
  readonly status: ExecutionEndStatus;
  readonly elapsedSeconds: number;
  readonly error?: string;
  readonly cause?: string;
}

export interface ExecutionProgress {
  /** When the execution started (its ExecutionStarted event). */
  readonly startedAt?: Date;
  readonly completed: readonly StepOutcome[];
  /** The step running now, if any. */
  readonly current?: StepName;
  /** Set once the execution has ended. */
  readonly end?: ExecutionEnd;
}

const STEP_NAMES = new Set<string>(Object.values(STEPS));

interface Failure {
  error?: string;
  cause?: string;
}

/** The error of a failure event, whichever integration (Lambda invoke task or direct Lambda) produced it. */
function failureOf(event: HistoryEvent): Failure | undefined {
  const details =
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.taskStartFailedEventDetails ??
    event.taskSubmitFailedEventDetails ??
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.lambdaFunctionStartFailedEventDetails ??
    event.lambdaFunctionScheduleFailedEventDetails;
  return details && { error: details.error, cause: readableCause(details.cause) };
}

const END_EVENTS: Readonly<Record<string, ExecutionEndStatus>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/**
 * A Lambda error cause is a JSON document (`errorType`, `errorMessage`, `trace`); an operator needs the message,
 * not the stack trace.
 */
export function readableCause(cause: string | undefined): string | undefined {
  if (cause === undefined) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

/** The progress shown by an execution history. */
export function progressOf(events: readonly HistoryEvent[]): ExecutionProgress {
  const completed: StepOutcome[] = [];
  let startedAt: Date | undefined;
  let current: { step: StepName; exitedAt?: Date; failure?: Failure } | undefined;
  let end: ExecutionEnd | undefined;

  const elapsed = (at: Date | undefined): number =>
    startedAt && at ? Math.max(0, Math.round((at.getTime() - startedAt.getTime()) / 1000)) : 0;
  const close = (at: Date | undefined): void => {
    if (!current) return;
    completed.push({
      step: current.step,
      status: current.failure ? 'failed' : 'succeeded',
      elapsedSeconds: elapsed(current.exitedAt ?? at),
      ...current.failure,
    });
    current = undefined;
  };

  for (const event of events) {
    const type = event.type ?? '';
    if (type === 'ExecutionStarted') {
      startedAt = event.timestamp;
    } else if (type === 'TaskStateEntered') {
      const name = event.stateEnteredEventDetails?.name ?? '';
      if (!STEP_NAMES.has(name) || current?.step === name) continue;
      close(event.timestamp);
      current = { step: name as StepName };
    } else if (type === 'TaskStateExited') {
      if (current && event.stateExitedEventDetails?.name === current.step) current.exitedAt = event.timestamp;
    } else if (type === 'TaskScheduled' || type === 'LambdaFunctionScheduled') {
      // A new attempt of the step (Retry, or the next round of a polling loop) clears an earlier error.
      if (current) current.failure = undefined;
    } else if (type in END_EVENTS) {
      close(event.timestamp);
      const details =
        event.executionFailedEventDetails ?? event.executionTimedOutEventDetails ?? event.executionAbortedEventDetails;
      end = {
        status: END_EVENTS[type] as ExecutionEndStatus,
        elapsedSeconds: elapsed(event.timestamp),
        error: details?.error,
        cause: readableCause(details?.cause),
      };
    } else if (current) {
      const failure = failureOf(event);
      if (failure) current.failure = failure;
    }
  }
  return { startedAt, completed, current: current?.step, end };
}

/** Elapsed time as `m:ss`, or `h:mm:ss` from an hour. */
export function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** One line per completed step, e.g. `✔ CreateInstance      0:42`. */
export function stepLine(outcome: StepOutcome): string {
  const head = `${outcome.status === 'succeeded' ? '✔' : '✖'} ${outcome.step.padEnd(18)} ${clock(outcome.elapsedSeconds)}`;
  if (outcome.status === 'succeeded') return head;
  const what = [outcome.error, outcome.cause].filter((part) => part !== undefined).join(': ');
  return what ? `${head}  ${what}` : head;
}
