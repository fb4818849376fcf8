import type { WorkflowState } from '../shared/contracts';
import { ConfigurationError } from '../shared/errors';
import { instanceCreatedAtMs } from '../shared/visibility';
import type { PollOptions } from './poll';

/** Default polling time per invocation: 13 minutes, leaving 2 of the Lambda's 15-minute maximum as headroom. */
export const DEFAULT_POLL_BUDGET_SECONDS = 780;
/** Lambda stops a function after 900 s; a budget above this would be cut off mid-describe and retried as a fault. */
export const MAX_POLL_BUDGET_SECONDS = 840;

/** The polling budget from `POLL_BUDGET_SECONDS` (whole seconds, 1-840), in milliseconds. */
export function pollBudgetMs(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_POLL_BUDGET_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_POLL_BUDGET_SECONDS) {
    throw new ConfigurationError(
      `POLL_BUDGET_SECONDS must be a whole number of seconds from 1 to ${MAX_POLL_BUDGET_SECONDS} (got "${raw}")`,
    );
  }
  return seconds * 1000;
}

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
