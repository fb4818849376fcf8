/**
 * The suspension workflow in Amazon States Language (JSONPath): suspend or resume one tenant, chosen by the input's
 * `operation`. Every path after TakeTenant ends in ReleaseTenant, which gives the tenant back (done, or `*_FAILED`
 * with the step and the reason); only a request refused before the tenant was taken ends without it.
 *
 * @module
 */
import { SUSPENSION_STATES as S } from '../../../lambdas/shared/lifecycle/suspension';
import type { State, StateMachineDefinition } from '../asl';
import { lifecycleEndStates } from '../lifecycle-definition';
import { catchAll, type TaskFields, type TaskProfile, task } from '../tasks';
import type { SuspensionFunction } from './steps';

/** Non-Task state names, exported for tests. */
export const SUSPENSION_CHOICES = {
  route: 'RouteOperation',
  isStopped: 'IsInstanceStopped',
  isStarted: 'IsInstanceStarted',
  isReleased: 'DidOperationSucceed',
  duplicate: 'AlreadyHandled',
  rejected: 'Rejected',
  done: 'Done',
  failed: 'OperationFailed',
  outcomePending: 'ReleasedOutcomePending',
} as const;

/** Which function each Task state runs. */
const SUSPENSION_TASKS: Readonly<Record<string, SuspensionFunction>> = {
  [S.take]: 'TakeTenant',
  [S.disableLogin]: 'SetAppLogin',
  [S.stopInstance]: 'SetInstancePower',
  [S.waitStopped]: 'WaitForPower',
  [S.startInstance]: 'SetInstancePower',
  [S.waitStarted]: 'WaitForPower',
  [S.enableLogin]: 'SetAppLogin',
  [S.release]: 'ReleaseTenant',
};

export interface SuspensionDefinitionOptions {
  /** Whole-execution timeout. */
  readonly timeoutSeconds: number;
  /** Timeout and retry profile of each function, from its record. */
  readonly functions: Readonly<Record<SuspensionFunction, TaskProfile>>;
}

const toRelease = catchAll(S.release);

/** Builds the definition. */
export function buildSuspensionDefinition(options: SuspensionDefinitionOptions): StateMachineDefinition {
  const step = (state: string, fields: TaskFields) => {
    const fn = SUSPENSION_TASKS[state] as SuspensionFunction;
    return task(fn, options.functions[fn], fields);
  };
  const states: Record<string, State> = {
    ...lifecycleEndStates(SUSPENSION_CHOICES, { name: S.release, task: (fields) => step(S.release, fields) }),
    [S.take]: step(S.take, {
      Parameters: { 'input.$': '$', 'executionArn.$': '$$.Execution.Id' },
      ResultPath: '$.lock',
      Comment:
        'A refusal (bad input, a busy tenant, another status) goes to ReleaseTenant too: it announces the rejection and releases nothing.',
      Catch: toRelease,
      Next: SUSPENSION_CHOICES.route,
    }),
    [SUSPENSION_CHOICES.route]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.lock.outcome', StringEquals: 'DUPLICATE', Next: SUSPENSION_CHOICES.duplicate },
        { Variable: '$.lock.operation', StringEquals: 'resume', Next: S.startInstance },
      ],
      Default: S.disableLogin,
    },
    [S.disableLogin]: step(S.disableLogin, {
      Comment: 'Before the stop: the application is cut off from a database that is about to go away.',
      Parameters: { 'state.$': '$', login: false },
      ResultPath: '$.appLogin',
      Catch: toRelease,
      Next: S.stopInstance,
    }),
    [S.stopInstance]: step(S.stopInstance, {
      Parameters: { 'state.$': '$', action: 'stop' },
      ResultPath: '$.stop',
      Catch: toRelease,
      Next: S.waitStopped,
    }),
    [S.waitStopped]: step(S.waitStopped, {
      Comment: 'Long poll: one invocation waits up to 13 minutes, so a stop costs a handful of transitions.',
      Parameters: { 'state.$': '$', target: 'stopped' },
      ResultPath: '$.power',
      Catch: toRelease,
      Next: SUSPENSION_CHOICES.isStopped,
    }),
    [SUSPENSION_CHOICES.isStopped]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.power.status', StringEquals: 'REACHED', Next: S.release }],
      Default: S.waitStopped,
    },
    [S.startInstance]: step(S.startInstance, {
      Parameters: { 'state.$': '$', action: 'start' },
      ResultPath: '$.start',
      Catch: toRelease,
      Next: S.waitStarted,
    }),
    [S.waitStarted]: step(S.waitStarted, {
      Parameters: { 'state.$': '$', target: 'available' },
      ResultPath: '$.power',
      Catch: toRelease,
      Next: SUSPENSION_CHOICES.isStarted,
    }),
    [SUSPENSION_CHOICES.isStarted]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.power.status', StringEquals: 'REACHED', Next: S.enableLogin }],
      Default: S.waitStarted,
    },
    [S.enableLogin]: step(S.enableLogin, {
      Comment: 'Last: the application gets its database back only once it is available.',
      Parameters: { 'state.$': '$', login: true },
      ResultPath: '$.appLogin',
      Catch: toRelease,
      Next: S.release,
    }),
  };
  return {
    Comment:
      'Suspends or resumes one tenant: done, or stopped at a named step with the tenant *_FAILED and the reason.',
    StartAt: S.take,
    TimeoutSeconds: options.timeoutSeconds,
    States: states,
  };
}
