/**
 * Which of an offboarded tenant's final snapshots an undelete restores. Pure and free of the AWS SDK: the claim step
 * and tenantctl's offline `plan` share it.
 *
 * @module
 */
import type { FinalSnapshot, TenantRecord } from './contracts';

/**
 * The final snapshot an undelete restores: the one in the tenant's own Region (offboarding lists it first; the
 * backup-Region copy is for a Region-wide disaster, not for onboarding). Undefined when the record keeps none there.
 */
export function restorableSnapshotOf(
  record: Pick<TenantRecord, 'finalSnapshots' | 'region'>,
): FinalSnapshot | undefined {
  const snapshots = record.finalSnapshots ?? [];
  const region = record.region ?? snapshots[0]?.region;
  return snapshots.find((snapshot) => snapshot.region === region);
}
