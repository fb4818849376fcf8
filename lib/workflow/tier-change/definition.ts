/**
 * The tier change workflow in Amazon States Language (JSONPath). Every path after TakeTenant ends in ReleaseTenant,
 * which gives the tenant back: ACTIVE on the new tier, ACTIVE on its old tier for a refused change, or MODIFY_FAILED
 * with the step and the reason; only a request refused before the tenant was taken ends without it.
 *
 * The wait for RDS is a loop of CheckTierChange (one describe) and a Wait state whose length the check chooses: a
 * change deferred to the maintenance window sleeps until the window opens, storage optimization is checked every half
 * hour, so even a week's wait costs a few dozen state transitions.
 *
 * @module
 */
import { TIER_CHANGE_STATES as S } from '../../../lambdas/shared/lifecycle/tier-change';
import type { State, StateMachineDefinition } from '../asl';
import { lifecycleEndStates } from '../lifecycle-definition';
import { catchAll, type TaskFields, type TaskProfile, task } from '../tasks';
import type { TierChangeFunction } from './steps';

/** Non-Task state names, exported for tests. */
export const TIER_CHANGE_CHOICES = {
  route: 'IsDuplicate',
  isApplied: 'IsTierChangeApplied',
  wait: 'WaitBeforeNextCheck',
  isReleased: 'DidChangeSucceed',
  duplicate: 'AlreadyHandled',
  rejected: 'Rejected',
  done: 'Done',
  failed: 'ChangeFailed',
  outcomePending: 'ReleasedOutcomePending',
} as const;

/** Which function each Task state runs. */
const TIER_CHANGE_TASKS: Readonly<Record<string, TierChangeFunction>> = {
  [S.take]: 'TakeTenant',
  [S.apply]: 'ApplyTierChange',
  [S.check]: 'CheckTierChange',
  [S.followUps]: 'ApplyFollowUps',
  [S.release]: 'ReleaseTenant',
};

export interface TierChangeDefinitionOptions {
  /** Whole-execution timeout. */
  readonly timeoutSeconds: number;
  /** Timeout and retry profile of each function, from its record. */
  readonly functions: Readonly<Record<TierChangeFunction, TaskProfile>>;
}

const toRelease = catchAll(S.release);

/** Builds the definition. */
export function buildTierChangeDefinition(options: TierChangeDefinitionOptions): StateMachineDefinition {
  const step = (state: string, fields: TaskFields) => {
    const fn = TIER_CHANGE_TASKS[state] as TierChangeFunction;
    return task(fn, options.functions[fn], fields);
  };
  const states: Record<string, State> = {
    ...lifecycleEndStates(TIER_CHANGE_CHOICES, { name: S.release, task: (fields) => step(S.release, fields) }),
    [S.take]: step(S.take, {
      Parameters: { 'input.$': '$', 'executionArn.$': '$$.Execution.Id' },
      ResultPath: '$.lock',
      Comment:
        'A refusal (bad input, the same tier, a busy tenant) goes to ReleaseTenant too: it announces the rejection.',
      Catch: toRelease,
      Next: TIER_CHANGE_CHOICES.route,
    }),
    [TIER_CHANGE_CHOICES.route]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.lock.outcome', StringEquals: 'DUPLICATE', Next: TIER_CHANGE_CHOICES.duplicate }],
      Default: S.apply,
    },
    [S.apply]: step(S.apply, {
      Comment: 'A refusal (cool-down, RDS refused the request) leaves the tenant ACTIVE on its old tier.',
      Parameters: { 'state.$': '$' },
      ResultPath: '$.apply',
      Catch: toRelease,
      Next: S.check,
    }),
    [S.check]: step(S.check, {
      Parameters: { 'state.$': '$' },
      ResultPath: '$.progress',
      Catch: toRelease,
      Next: TIER_CHANGE_CHOICES.isApplied,
    }),
    [TIER_CHANGE_CHOICES.isApplied]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.progress.status', StringEquals: 'APPLIED', Next: S.followUps }],
      Default: TIER_CHANGE_CHOICES.wait,
    },
    [TIER_CHANGE_CHOICES.wait]: {
      Type: 'Wait',
      Comment:
        'Until the maintenance window opens, or the next check of a modification under way; the tenant stays MODIFYING.',
      SecondsPath: '$.progress.waitSeconds',
      Next: S.check,
    },
    [S.followUps]: step(S.followUps, {
      Parameters: { 'state.$': '$' },
      ResultPath: '$.followUps',
      Catch: toRelease,
      Next: S.release,
    }),
  };
  return {
    Comment:
      "Changes one tenant's tier: done, refused (old tier kept), or stopped at a named step with the tenant MODIFY_FAILED.",
    StartAt: S.take,
    TimeoutSeconds: options.timeoutSeconds,
    States: states,
  };
}
