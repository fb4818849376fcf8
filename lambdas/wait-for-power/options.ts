/**
 * The wait function's settings, read by the stack as well as the handler (so nothing here loads the AWS SDK).
 *
 * @module
 */
import { wholeNumber } from '../shared/config';

/** The wait function's timeout: Lambda's maximum, so one invocation polls as long as it can. */
export const POWER_WAIT_TIMEOUT_SECONDS = 900;

/**
 * Polling time per invocation, seconds: 2 minutes less than the function's timeout, for the describe in flight when
 * the budget ends.
 */
export const POWER_POLL_BUDGET_SECONDS = wholeNumber('POWER_POLL_BUDGET_SECONDS', {
  min: 1,
  max: POWER_WAIT_TIMEOUT_SECONDS - 60,
  fallback: POWER_WAIT_TIMEOUT_SECONDS - 120,
  unit: 'seconds',
});
