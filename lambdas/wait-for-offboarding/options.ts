/**
 * The offboarding wait function's settings, read by the stack as well as the handler (nothing here loads the SDK).
 *
 * @module
 */
import { wholeNumber } from '../shared/config';

/** The wait function's timeout: Lambda's maximum, so one invocation polls as long as it can. */
export const OFFBOARDING_WAIT_TIMEOUT_SECONDS = 900;

/** Polling time per invocation, seconds: 2 minutes less than the timeout, for the describe in flight at the end. */
export const OFFBOARDING_POLL_BUDGET_SECONDS = wholeNumber('OFFBOARDING_POLL_BUDGET_SECONDS', {
  min: 1,
  max: OFFBOARDING_WAIT_TIMEOUT_SECONDS - 60,
  fallback: OFFBOARDING_WAIT_TIMEOUT_SECONDS - 120,
  unit: 'seconds',
});
