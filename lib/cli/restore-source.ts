/**
 * What onboarding an offboarded tenant restores, as `plan` and `onboard` show it. No AWS SDK here: `plan` stays
 * offline unless it is given a registry record.
 *
 * @module
 */
import type { TenantRecord } from '../../lambdas/shared/contracts';
import { restorableSnapshotOf } from '../../lambdas/shared/final-snapshots';

/** The final snapshot an onboarding of an offboarded tenant restores, as plan and onboard show it. */
export interface RestoreSource {
  readonly snapshotArn: string;
  readonly snapshotId: string;
  /** When the snapshot was taken (ISO): the data comes back as of then. */
  readonly takenAt: string;
}

/**
 * What onboarding `record`'s tenant would restore: the final snapshot in its Region, for an OFFBOARDED tenant or a
 * FAILED one whose restore failed (the claim step decides the same). Undefined for a new or purged tenant. Pure.
 */
export function restoreSourceOf(
  record: Pick<TenantRecord, 'status' | 'finalSnapshots' | 'region'> | undefined,
): RestoreSource | undefined {
  if (record?.status !== 'OFFBOARDED' && record?.status !== 'FAILED') return undefined;
  const snapshot = restorableSnapshotOf(record);
  return snapshot && { snapshotArn: snapshot.arn, snapshotId: snapshot.snapshotId, takenAt: snapshot.takenAt };
}

/** "restore from snapshot of <date>": the plan's and onboard's line for an undelete. */
export function describeRestore(source: RestoreSource): string {
  return `restore from snapshot of ${source.takenAt.slice(0, 10)} (${source.snapshotId}, taken ${source.takenAt}): the data as of then comes back on this tier's settings`;
}
