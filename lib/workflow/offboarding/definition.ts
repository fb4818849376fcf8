/**
 * The offboarding workflow in Amazon States Language (JSONPath). Every path after TakeTenant ends in ReleaseTenant,
 * which gives the tenant back (OFFBOARDED with its final snapshots, or OFFBOARD_FAILED with the step, the reason and
 * what remains); only a request refused before the tenant was taken ends without releasing anything.
 *
 * @module
 */
import { OFFBOARDING_OPERATIONS, OFFBOARDING_STATES as S } from '../../../lambdas/shared/lifecycle/offboarding';
import type { State, StateMachineDefinition } from '../asl';
import { lifecycleEndStates } from '../lifecycle-definition';
import { catchAll, type TaskFields, type TaskProfile, task } from '../tasks';
import type { OffboardingFunction } from './steps';

/** Non-Task state names. */
const OFFBOARDING_CHOICES = {
  duplicateOrGo: 'IsDuplicate',
  route: 'RouteByInstance',
  isStarted: 'IsInstanceStarted',
  isSnapshotReady: 'IsFinalSnapshotAvailable',
  copies: 'CopiesToBackupRegion',
  isCopyReady: 'IsSnapshotCopyAvailable',
  isDeleted: 'IsInstanceDeleted',
  isReleased: 'DidOffboardingSucceed',
  duplicate: 'AlreadyHandled',
  rejected: 'Rejected',
  done: 'Done',
  failed: 'OffboardingFailed',
  outcomePending: 'ReleasedOutcomePending',
} as const;

/** Which function each Task state runs. */
const OFFBOARDING_TASKS: Readonly<Record<string, OffboardingFunction>> = {
  [S.take]: 'TakeTenant',
  [S.checkQuota]: 'CheckSnapshotQuota',
  [S.startInstance]: 'SetInstancePower',
  [S.waitStarted]: 'WaitForPower',
  [S.disableLogin]: 'SetAppLogin',
  [S.createSnapshot]: 'FinalSnapshot',
  [S.waitSnapshot]: 'WaitForOffboarding',
  [S.copySnapshot]: 'FinalSnapshot',
  [S.waitCopy]: 'WaitForOffboarding',
  [S.deleteInstance]: 'DeleteInstance',
  [S.waitDeleted]: 'WaitForOffboarding',
  [S.deleteResources]: 'DeleteTenantResources',
  [S.release]: 'ReleaseTenant',
};

export interface OffboardingDefinitionOptions {
  /** Whole-execution timeout. */
  readonly timeoutSeconds: number;
  /** Timeout and retry profile of each function, from its record. */
  readonly functions: Readonly<Record<OffboardingFunction, TaskProfile>>;
}

const toRelease = catchAll(S.release);
const C = OFFBOARDING_CHOICES;

/** A long-poll loop: `wait` runs until its result at `path` says REACHED, then `next`. */
function reached(path: string, wait: string, next: string): State {
  return {
    Type: 'Choice',
    Choices: [{ Variable: `${path}.status`, StringEquals: 'REACHED', Next: next }],
    Default: wait,
  };
}

/** Builds the definition. */
export function buildOffboardingDefinition(options: OffboardingDefinitionOptions): StateMachineDefinition {
  const step = (state: string, fields: TaskFields) => {
    const fn = OFFBOARDING_TASKS[state] as OffboardingFunction;
    return task(fn, options.functions[fn], { Catch: toRelease, ...fields });
  };
  const states: Record<string, State> = {
    ...lifecycleEndStates(C, {
      name: S.release,
      task: (fields) =>
        task(OFFBOARDING_TASKS[S.release] as OffboardingFunction, options.functions.ReleaseTenant, fields),
    }),
    [S.take]: step(S.take, {
      Parameters: { 'input.$': '$', 'executionArn.$': '$$.Execution.Id', operations: [...OFFBOARDING_OPERATIONS] },
      ResultPath: '$.lock',
      Comment:
        'A refusal (bad input, a busy tenant, another status) goes to ReleaseTenant: it announces the rejection.',
      Next: C.duplicateOrGo,
    }),
    [C.duplicateOrGo]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.lock.outcome', StringEquals: 'DUPLICATE', Next: C.duplicate }],
      Default: S.checkQuota,
    },
    [S.checkQuota]: step(S.checkQuota, {
      Comment: 'Before anything is touched: a full manual-snapshot quota fails here, with the tenant intact.',
      Parameters: { 'state.$': '$' },
      ResultPath: '$.plan',
      Next: C.route,
    }),
    [C.route]: {
      Type: 'Choice',
      Comment:
        'RDS snapshots only a running instance: a suspended one is started first. A gone one needs only clean-up.',
      Choices: [
        { Variable: '$.plan.instanceStatus', StringEquals: 'stopped', Next: S.startInstance },
        { Variable: '$.plan.instanceStatus', StringEquals: 'stopping', Next: S.startInstance },
        { Variable: '$.plan.instanceStatus', StringEquals: 'deleted', Next: S.waitDeleted },
        { Variable: '$.plan.instanceStatus', StringEquals: 'deleting', Next: S.waitDeleted },
      ],
      Default: S.disableLogin,
    },
    [S.startInstance]: step(S.startInstance, {
      Parameters: { 'state.$': '$', action: 'start' },
      ResultPath: '$.start',
      Next: S.waitStarted,
    }),
    [S.waitStarted]: step(S.waitStarted, {
      Parameters: { 'state.$': '$', target: 'available' },
      ResultPath: '$.power',
      Next: C.isStarted,
    }),
    [C.isStarted]: reached('$.power', S.waitStarted, S.disableLogin),
    [S.disableLogin]: step(S.disableLogin, {
      Comment:
        'The application is cut off before the snapshot: nothing it writes afterwards is lost with the instance.',
      Parameters: { 'state.$': '$', login: false },
      ResultPath: '$.appLogin',
      Next: S.createSnapshot,
    }),
    [S.createSnapshot]: step(S.createSnapshot, {
      Parameters: { 'state.$': '$', action: 'create' },
      ResultPath: '$.snapshot',
      Next: S.waitSnapshot,
    }),
    [S.waitSnapshot]: step(S.waitSnapshot, {
      Comment:
        'Long poll: one invocation waits up to 13 minutes, so an hour-long snapshot costs a handful of transitions.',
      Parameters: { 'state.$': '$', target: 'snapshot' },
      ResultPath: '$.snapshotWait',
      Next: C.isSnapshotReady,
    }),
    [C.isSnapshotReady]: reached('$.snapshotWait', S.waitSnapshot, C.copies),
    [C.copies]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.plan.copyRegion', IsPresent: true, Next: S.copySnapshot }],
      Default: S.deleteInstance,
    },
    [S.copySnapshot]: step(S.copySnapshot, {
      Parameters: { 'state.$': '$', action: 'copy' },
      ResultPath: '$.copy',
      Next: S.waitCopy,
    }),
    [S.waitCopy]: step(S.waitCopy, {
      Parameters: { 'state.$': '$', target: 'copy' },
      ResultPath: '$.copyWait',
      Next: C.isCopyReady,
    }),
    [C.isCopyReady]: reached('$.copyWait', S.waitCopy, S.deleteInstance),
    [S.deleteInstance]: step(S.deleteInstance, {
      Comment: 'The first deletion, only with every final snapshot available and recorded in the registry.',
      Parameters: { 'state.$': '$' },
      ResultPath: '$.deletion',
      Next: S.waitDeleted,
    }),
    [S.waitDeleted]: step(S.waitDeleted, {
      Parameters: { 'state.$': '$', target: 'deleted' },
      ResultPath: '$.deletedWait',
      Next: C.isDeleted,
    }),
    [C.isDeleted]: reached('$.deletedWait', S.waitDeleted, S.deleteResources),
    [S.deleteResources]: step(S.deleteResources, {
      Parameters: { 'state.$': '$' },
      ResultPath: '$.cleanup',
      Next: S.release,
    }),
  };
  return {
    Comment:
      'Offboards one tenant: final snapshot(s) confirmed available before anything is deleted; OFFBOARDED, or stopped at a named step with OFFBOARD_FAILED and what remains.',
    StartAt: S.take,
    TimeoutSeconds: options.timeoutSeconds,
    States: states,
  };
}
