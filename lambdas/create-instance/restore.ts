/**
 * Undelete: an offboarded tenant's database comes back from its final snapshot on its tier's current settings.
 *
 * RestoreDBInstanceFromDBSnapshot takes the class, storage, Multi-AZ, network, parameter group, log exports, backup
 * settings and tags (RDS API reference); encryption and the engine version come from the snapshot (its storage key is
 * the platform key offboarding used). What it does not take for PostgreSQL — the RDS-managed master secret
 * (`ManageMasterUserPassword` applies to RDS for Oracle only), monitoring, Performance Insights, storage autoscaling
 * and the maintenance window — is applied by one ModifyDBInstance once the restored instance is available (`lambdas/shared/instance-settings.ts`).
 *
 * @module
 */
import {
  DescribeDBSnapshotsCommand,
  type RDSClient,
  type RestoreDBInstanceFromDBSnapshotCommandInput,
} from '@aws-sdk/client-rds';
import type { FinalSnapshot, ValidatedRequest } from '../shared/contracts';
import { AwsRequestError, awsErrorName } from '../shared/errors';
import { type PlatformSettings, sharedInstanceSettings } from './request';

/** What the restore needs to know of the snapshot, as DescribeDBSnapshots reports it. */
export interface SnapshotFacts {
  snapshotId: string;
  /** Storage of the snapshotted instance (GiB): the restored instance cannot have less. */
  allocatedGiB: number;
}

/**
 * The RestoreDBInstanceFromDBSnapshot request of an undeleted tenant: every setting a new tenant of its tier gets
 * that the restore accepts, with at least the snapshot's storage (RDS refuses a smaller allocation).
 *
 * @example
 * ```ts
 * const input = buildRestoreDbInstanceRequest(request, platform, { snapshotId: 'tenant-acme-final', allocatedGiB: 20 });
 * await rds.send(new RestoreDBInstanceFromDBSnapshotCommand(input));
 * ```
 */
export function buildRestoreDbInstanceRequest(
  request: ValidatedRequest,
  platform: PlatformSettings,
  snapshot: SnapshotFacts,
): RestoreDBInstanceFromDBSnapshotCommandInput {
  const shared = sharedInstanceSettings(request, platform);
  return {
    ...shared,
    DBSnapshotIdentifier: snapshot.snapshotId,
    AllocatedStorage: Math.max(shared.AllocatedStorage, snapshot.allocatedGiB),
  };
}

/**
 * The final snapshot as RDS describes it, checked before anything is created: it must exist and be `available`.
 * A snapshot deleted by hand (or by a purge) fails the onboarding with a reason naming it.
 */
export async function describeFinalSnapshot(rds: RDSClient, snapshot: FinalSnapshot): Promise<SnapshotFacts> {
  let described: { Status?: string; AllocatedStorage?: number } | undefined;
  try {
    const { DBSnapshots } = await rds.send(
      new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot.snapshotId }),
    );
    described = DBSnapshots?.[0];
  } catch (error) {
    if (awsErrorName(error) !== 'DBSnapshotNotFoundFault') throw error;
  }
  if (!described) {
    throw new AwsRequestError(
      `final snapshot ${snapshot.snapshotId} (${snapshot.arn}, taken ${snapshot.takenAt}) no longer exists; the tenant cannot be restored from it`,
    );
  }
  if (described.Status !== 'available') {
    throw new AwsRequestError(
      `final snapshot ${snapshot.snapshotId} is ${described.Status ?? 'in an unknown state'}, not available; the tenant cannot be restored from it now`,
    );
  }
  return { snapshotId: snapshot.snapshotId, allocatedGiB: described.AllocatedStorage ?? 0 };
}
