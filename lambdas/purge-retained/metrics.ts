/**
 * The purge's metric names, read by the stack's alarms as well as the handler (nothing here loads the AWS SDK).
 *
 * @module
 */

/** Per-run counts the purge publishes; the stack alarms on the last two. */
export const PURGE_METRICS = {
  purged: 'RetentionPurged',
  failed: 'RetentionPurgeFailed',
  foreign: 'RetentionPurgeForeignResource',
} as const;
