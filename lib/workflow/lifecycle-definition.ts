/**
 * The states every lifecycle workflow (suspension, tier change, offboarding) ends with: ReleaseTenant, which records
 * the outcome and announces it, then Succeed or Fail by how the operation ended; and the duplicate and rejected ends
 * TakeTenant leads to.
 *
 * @module
 */
import { ERROR_NAMES } from '../../lambdas/shared/error-names';
import type { State } from './asl';
import type { TaskFields } from './tasks';

/** The names of a workflow's end states (they appear in execution histories: each workflow keeps its own). */
export interface LifecycleEndNames {
  readonly isReleased: string;
  readonly duplicate: string;
  readonly rejected: string;
  readonly done: string;
  readonly failed: string;
  readonly outcomePending: string;
}

const failFromRelease: State = { Type: 'Fail', ErrorPath: '$.release.error', CausePath: '$.release.reason' };

/**
 * The end states, with the release Task `release.name` built by `release.task` (the workflow's function and retry
 * profile) from the fields every release shares.
 */
export function lifecycleEndStates(
  names: LifecycleEndNames,
  release: { readonly name: string; readonly task: (fields: TaskFields) => State },
): Record<string, State> {
  return {
    [names.duplicate]: {
      Type: 'Succeed',
      Comment: 'The same request id already ran (or runs): nothing is done twice.',
    },
    [names.rejected]: failFromRelease,
    [release.name]: release.task({
      Parameters: { 'state.$': '$', 'executionArn.$': '$$.Execution.Id' },
      ResultPath: '$.release',
      Catch: [{ ErrorEquals: [ERROR_NAMES.outcomePending], ResultPath: '$.error', Next: names.outcomePending }],
      Next: names.isReleased,
    }),
    [names.outcomePending]: {
      Type: 'Succeed',
      Comment:
        'The tenant is released and its history written; the outcome event is still owed. The registry keeps it pending and the sweeper publishes it (and alerts while it cannot).',
    },
    [names.isReleased]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.release.outcome', StringEquals: 'failed', Next: names.failed },
        { Variable: '$.release.outcome', StringEquals: 'rejected', Next: names.rejected },
      ],
      Default: names.done,
    },
    [names.done]: { Type: 'Succeed' },
    [names.failed]: failFromRelease,
  };
}
