import { ERROR_NAMES, INVOCATION_FAULT_NAMES } from '../../lambdas/shared/error-names';
import type { Catcher, Retrier, TaskState } from './asl';

/** What a Task state needs to know of its step's record (see `StepSpec`). */
export interface TaskProfile {
  /** The function's timeout, seconds. */
  readonly timeoutSeconds: number;
  /** Error names retried on a slower schedule. @default - none */
  readonly slowRetryErrors?: readonly string[];
}

/**
 * The retry budget of every Task, sized in time rather than in a count one busy minute exhausts: 2 s doubling to a
 * 60 s cap, 10 attempts, up to about six minutes of backoff (about three on average with full jitter). Throttled
 * calls are retried inside the handlers first, so a step reaches these retries only when AWS stays busy.
 */
const RETRY_MAX_ATTEMPTS = 10;
const RETRY_MAX_DELAY_SECONDS = 60;

/** Errors retried on every Task: the transient class and Lambda invocation faults (every step is idempotent). */
const BASE_RETRYABLE = [ERROR_NAMES.retryable, ERROR_NAMES.outcomePending, ...INVOCATION_FAULT_NAMES];

/** The `DefinitionSubstitutions` key of a step's function ARN. */
export function functionArnVariable(step: string): string {
  return `${step}FunctionArn`;
}

/**
 * The Task timeout of a step: longer than its function's timeout, so a function that runs out of time fails as
 * `Sandbox.Timedout` (retried) rather than the Task as `States.Timeout` (which invoke latency and VPC cold starts
 * could otherwise trigger first).
 */
function taskTimeoutSeconds(profile: TaskProfile): number {
  return profile.timeoutSeconds + 30;
}

function retryFor(profile: TaskProfile): Retrier[] {
  const base: Retrier = {
    ErrorEquals: BASE_RETRYABLE,
    IntervalSeconds: 2,
    BackoffRate: 2,
    MaxAttempts: RETRY_MAX_ATTEMPTS,
    MaxDelaySeconds: RETRY_MAX_DELAY_SECONDS,
    JitterStrategy: 'FULL',
  };
  const slow = profile.slowRetryErrors ?? [];
  if (slow.length === 0) return [base];
  return [
    base,
    {
      ErrorEquals: [...slow],
      IntervalSeconds: 15,
      BackoffRate: 2,
      MaxAttempts: 4,
      MaxDelaySeconds: 120,
      JitterStrategy: 'FULL',
    },
  ];
}

/** The fields of a Task state besides those every Task of the platform shares. */
export type TaskFields = Omit<TaskState, 'Type' | 'Resource' | 'TimeoutSeconds' | 'Retry'>;

/**
 * A Task state invoking `step`'s function (a `${<Step>FunctionArn}` placeholder filled by `DefinitionSubstitutions`),
 * timed and retried from the step's record.
 */
export function task(step: string, profile: TaskProfile, fields: TaskFields): TaskState {
  return {
    Type: 'Task',
    Resource: `\${${functionArnVariable(step)}}`,
    TimeoutSeconds: taskTimeoutSeconds(profile),
    Retry: retryFor(profile),
    ...fields,
  } as TaskState;
}

/** Every error not retried away goes to `next`, with the error at `$.error`. */
export function catchAll(next: string, resultPath = '$.error'): Catcher[] {
  return [{ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: next }];
}
