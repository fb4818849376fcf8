import { wholeNumber } from '../shared/config';
import type { WorkflowState } from '../shared/contracts';
import { ConfigurationError } from '../shared/errors';
import { instanceCreatedAtMs } from '../shared/visibility';
import type { PollOptions } from './poll';

/** The wait function's timeout: Lambda's maximum, so one invocation polls as long as it can. */
export const WAIT_FUNCTION_TIMEOUT_SECONDS = 900;

/** What the poll leaves of the function's timeout for the last describe and the response. */
const POLL_HEADROOM_SECONDS = 120;

/**
 * The polling budget of one invocation of a function that may run `timeoutSeconds`: 780 s of Lambda's 900 s, the
 * 2 minutes left over covering the describe in flight when the budget ends.
 */
export function pollBudgetSecondsWithin(timeoutSeconds: number): number {
  return timeoutSeconds - POLL_HEADROOM_SECONDS;
}

/**
 * Polling time per invocation, seconds. The stack sets it from the function's timeout; the bound keeps a budget
 * from outliving Lambda's 900 s, which would cut it off mid-describe and retry it as a fault.
 */
export const POLL_BUDGET_SECONDS = wholeNumber('POLL_BUDGET_SECONDS', {
  min: 1,
  max: WAIT_FUNCTION_TIMEOUT_SECONDS - 60,
  fallback: pollBudgetSecondsWithin(WAIT_FUNCTION_TIMEOUT_SECONDS),
  unit: 'seconds',
});

/** Upper bound of the delay before an onboarding's first describe. */
export const FIRST_DESCRIBE_JITTER_MS = 180_000;

/**
 * Poll options of the current wait. The creation time is the deadline minus the tier's budget: CreateInstance set
 * the deadline that way, and the tier travels in the state, so both ends agree without another state field.
 */
export function pollOptionsFor(
  state: WorkflowState,
  budgetMs: number,
  random: () => number = Math.random,
): PollOptions {
  if (!state.instance) throw new ConfigurationError('WaitForInstance needs $.instance from CreateInstance');
  return {
    instanceId: state.instance.instanceId,
    deadlineMs: Date.parse(state.instance.deadline),
    budgetMs,
    createdAtMs: instanceCreatedAtMs(state.instance, state.request),
    // Only the first wait of an onboarding: CreateDBInstance has just returned, so there is nothing to see yet; a
    // burst of creations would otherwise describe in the same second, and the shared poller (every minute) usually
    // describes the instance before this waiter has to.
    firstDescribeDelayMs: state.readiness ? 0 : Math.floor(random() * FIRST_DESCRIBE_JITTER_MS),
  };
}
