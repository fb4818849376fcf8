/**
 * CreateFinalSnapshot and CopyFinalSnapshot: the tenant's final snapshot in its Region, and its copy in the backup
 * Region (encrypted with that Region's key) for tiers that replicate backups. Each finds its own earlier work by the
 * snapshot's deterministic identifier (a retried step, or a run after a failure that recorded it) and refuses a
 * snapshot under that name that the platform does not own for this tenant.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import {
  CopyDBSnapshotCommand,
  CreateDBSnapshotCommand,
  type DBSnapshot,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import {
  awsErrorName,
  ConfigurationError,
  OwnershipConflictError,
  RetryableError,
  SnapshotQuotaExceededError,
} from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import { type OffboardingState, type SnapshotRequestResult, snapshotIdFor } from '../shared/lifecycle/offboarding';
import { MANAGED_BY, ownershipTags, TAG_KEYS, type Tag, tagValue } from '../shared/naming';

/** Tag key and value that mark a manual snapshot as a tenant's final snapshot (the purge job deletes only these). */
const FINAL_SNAPSHOT_TAG: Tag = { Key: 'tenant-db:purpose', Value: 'final-snapshot' };

/** What the steps talk to. */
export interface SnapshotDeps {
  rdsIn: (region: string | undefined) => RDSClient;
  /** KMS key of the backup Region for the copy. @default the AWS-managed `alias/aws/rds` there */
  backupKmsKeyArn?: string;
  /** The function's own Region, for a record that names none. */
  defaultRegion: string;
}

/** A short, stable digest of the execution: part of the snapshot id, so a retried step finds its own snapshot. */
export function executionDigest(executionArn: string): string {
  return createHash('sha256').update(executionArn).digest('hex').slice(0, 12);
}

/** The tags of a final snapshot: ownership (tenant, tier, execution, managed-by) and the purpose. */
function finalSnapshotTags(owner: { tenantId: string; tier: string; executionArn: string }): Tag[] {
  return [...ownershipTags(owner), FINAL_SNAPSHOT_TAG];
}

async function findSnapshot(rds: RDSClient, snapshotId: string): Promise<DBSnapshot | undefined> {
  try {
    const { DBSnapshots } = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId }));
    return DBSnapshots?.[0];
  } catch (error) {
    if (awsErrorName(error) === 'DBSnapshotNotFoundFault' || awsErrorName(error) === 'DBSnapshotNotFound') {
      return undefined;
    }
    throw error;
  }
}

function adopt(found: DBSnapshot, tenantId: string, region: string): SnapshotRequestResult {
  const tags = found.TagList;
  if (tagValue(tags, TAG_KEYS.managedBy) !== MANAGED_BY || tagValue(tags, TAG_KEYS.tenantId) !== tenantId) {
    throw new OwnershipConflictError(
      `snapshot ${found.DBSnapshotIdentifier} in ${region} exists but is not a final snapshot of tenant ${tenantId}; it is left alone`,
    );
  }
  return {
    action: 'found',
    snapshotId: found.DBSnapshotIdentifier ?? '',
    arn: found.DBSnapshotArn ?? '',
    region,
  };
}

/** Maps RDS's refusals of a snapshot request to what the workflow should do with them. */
function snapshotRefusal(error: unknown, what: string): Error {
  switch (awsErrorName(error)) {
    case 'SnapshotQuotaExceededFault':
    case 'SnapshotQuotaExceeded':
      return new SnapshotQuotaExceededError(`${what}: the manual-snapshot quota is full: ${(error as Error).message}`);
    // A backup or modification in progress, or a race with our own earlier request: the next attempt sees it settled.
    case 'InvalidDBInstanceStateFault':
    case 'InvalidDBInstanceState':
    case 'InvalidDBSnapshotStateFault':
    case 'InvalidDBSnapshotState':
    case 'DBSnapshotAlreadyExistsFault':
    case 'DBSnapshotAlreadyExists':
      return new RetryableError(`${what}: ${(error as Error).message}`);
    default:
      return error as Error;
  }
}

/** CreateFinalSnapshot: the final snapshot of the tenant instance in its own Region. */
export async function createFinalSnapshot(deps: SnapshotDeps, state: OffboardingState): Promise<SnapshotRequestResult> {
  const lock = state.lock;
  const { instanceId, region } = instanceOf(lock);
  if (!lock?.tier) throw new ConfigurationError(`tenant ${lock?.tenantId}: the registry names no tier`);
  const where = region ?? deps.defaultRegion;
  const rds = deps.rdsIn(region);
  const snapshotId = snapshotIdFor(lock, where, executionDigest(lock.executionArn));
  const found = await findSnapshot(rds, snapshotId);
  if (found) return adopt(found, lock.tenantId, where);
  try {
    const { DBSnapshot } = await rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: instanceId,
        DBSnapshotIdentifier: snapshotId,
        Tags: finalSnapshotTags({ tenantId: lock.tenantId, tier: lock.tier, executionArn: lock.executionArn }),
      }),
    );
    return { action: 'requested', snapshotId, arn: DBSnapshot?.DBSnapshotArn ?? '', region: where };
  } catch (error) {
    throw snapshotRefusal(error, `CreateDBSnapshot ${snapshotId}`);
  }
}

/**
 * CopyFinalSnapshot: the final snapshot copied to the backup Region. Called in the destination Region, as RDS
 * requires for a cross-Region copy: the source is named by its ARN, and `KmsKeyId` names a key of the destination
 * Region (an encrypted snapshot cannot keep its source Region's key). `PreSignedUrl` is for GovCloud Regions only
 * (RDS API reference, CopyDBSnapshot) and is not sent.
 */
export async function copyFinalSnapshot(deps: SnapshotDeps, state: OffboardingState): Promise<SnapshotRequestResult> {
  const lock = state.lock;
  const source = state.snapshotWait?.snapshot;
  const target = state.plan?.copyRegion;
  if (!lock?.tier || !source || !target) {
    throw new ConfigurationError(
      'CopyFinalSnapshot needs the taken tenant, its available final snapshot and a backup Region',
    );
  }
  const rds = deps.rdsIn(target);
  const snapshotId = snapshotIdFor(lock, target, executionDigest(lock.executionArn));
  const found = await findSnapshot(rds, snapshotId);
  if (found) return adopt(found, lock.tenantId, target);
  try {
    const { DBSnapshot } = await rds.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: source.arn,
        TargetDBSnapshotIdentifier: snapshotId,
        KmsKeyId: deps.backupKmsKeyArn ?? 'alias/aws/rds',
        Tags: finalSnapshotTags({ tenantId: lock.tenantId, tier: lock.tier, executionArn: lock.executionArn }),
      }),
    );
    return { action: 'requested', snapshotId, arn: DBSnapshot?.DBSnapshotArn ?? '', region: target };
  } catch (error) {
    throw snapshotRefusal(error, `CopyDBSnapshot ${snapshotId} to ${target}`);
  }
}
