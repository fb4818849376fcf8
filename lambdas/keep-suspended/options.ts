/**
 * The listener's settings, read by the stack as well as the handler (nothing here loads the AWS SDK).
 *
 * @module
 */
import { wholeNumber } from '../shared/config';

/** The listener's timeout: Lambda's maximum, so it can wait for an instance RDS is starting. */
export const KEEP_SUSPENDED_TIMEOUT_SECONDS = 900;

/** Seconds it waits for the instance to be up before leaving it to the "DB instance started" event. */
export const KEEP_SUSPENDED_BUDGET_SECONDS = wholeNumber('KEEP_SUSPENDED_BUDGET_SECONDS', {
  min: 1,
  max: KEEP_SUSPENDED_TIMEOUT_SECONDS - 60,
  fallback: KEEP_SUSPENDED_TIMEOUT_SECONDS - 120,
  unit: 'seconds',
});
