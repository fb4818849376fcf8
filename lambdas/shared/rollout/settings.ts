/**
 * The environment of the rollout functions, declared once for the stack and the handlers (see `../config.ts`).
 *
 * @module
 */
import { requiredText, textWithDefault, wholeNumber } from '../config';
import { MAX_MAP_CONCURRENCY } from './options';

/** Defaults of the rollout knobs, also the `cdk.json` context defaults. */
export const ROLLOUT_DEFAULTS = {
  maxConcurrency: 50,
  tolerance: '0',
  canarySize: 5,
  timeoutHours: 12,
} as const;

export const ROLLOUT_ENV = {
  /** The rollout table (lock and state of the last rollout). */
  table: requiredText('ROLLOUT_TABLE_NAME'),
  /** The bucket of wave manifests and Map Run results. */
  bucket: requiredText('ROLLOUT_BUCKET_NAME'),
  maxConcurrency: wholeNumber('ROLLOUT_MAX_CONCURRENCY', {
    min: 1,
    max: MAX_MAP_CONCURRENCY,
    fallback: ROLLOUT_DEFAULTS.maxConcurrency,
  }),
  tolerance: textWithDefault('ROLLOUT_TOLERANCE', ROLLOUT_DEFAULTS.tolerance),
  canarySize: wholeNumber('ROLLOUT_CANARY_SIZE', {
    min: 0,
    max: MAX_MAP_CONCURRENCY,
    fallback: ROLLOUT_DEFAULTS.canarySize,
  }),
  /** The state machine's execution timeout: a RUNNING lock older than this is stale. */
  leaseSeconds: wholeNumber('ROLLOUT_LEASE_SECONDS', {
    min: 60,
    fallback: ROLLOUT_DEFAULTS.timeoutHours * 3600,
    unit: 'seconds',
  }),
} as const;
