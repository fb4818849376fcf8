/**
 * DeleteInstance: the first step that deletes anything of the tenant, and it runs only with every final snapshot
 * confirmed `available`. It records those snapshots in the registry first (a later run finds them even once the
 * instance is gone), stops the cross-Region replication of automated backups, turns deletion protection off and
 * deletes the instance without another snapshot (the final one is taken and confirmed), keeping or dropping the
 * automated backups by tier policy. The RDS-managed master secret goes with the instance.
 *
 * @module
 */
import {
  type DBInstance,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, ConfigurationError, RetryableError } from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import { type DeletionResult, finalSnapshotsOf, type OffboardingState } from '../shared/lifecycle/offboarding';
import { recordFinalSnapshots } from '../shared/registry';

/** What the step talks to. */
export interface DeleteDeps {
  rdsIn: (region: string | undefined) => RDSClient;
  registry: DynamoDBDocumentClient;
  table: string;
}

const isNotFound = (error: unknown) =>
  awsErrorName(error) === 'DBInstanceNotFoundFault' || awsErrorName(error) === 'DBInstanceNotFound';
const isInvalidState = (error: unknown) =>
  awsErrorName(error) === 'InvalidDBInstanceStateFault' || awsErrorName(error) === 'InvalidDBInstanceState';

async function describe(rds: RDSClient, instanceId: string): Promise<DBInstance | undefined> {
  try {
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
    return DBInstances?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * The snapshots that must be `available` before the delete: the tenant's Region's, and the backup Region's copy for
 * tiers that replicate. Throws when one is missing, so no definition error can ever delete unprotected data.
 */
export function confirmedSnapshots(state: OffboardingState) {
  const snapshots = finalSnapshotsOf(state);
  const expected = state.plan?.copyRegion ? 2 : 1;
  if (snapshots.length < expected) {
    throw new ConfigurationError(
      `DeleteInstance: ${snapshots.length} of ${expected} final snapshots confirmed available; the instance is not deleted`,
    );
  }
  return snapshots;
}

/** Deletes the tenant instance once its final snapshots are confirmed and recorded. */
export async function deleteInstance(deps: DeleteDeps, state: OffboardingState): Promise<DeletionResult> {
  const lock = state.lock;
  const { instanceId, region } = instanceOf(lock);
  const snapshots = confirmedSnapshots(state);
  await recordFinalSnapshots(
    deps.registry,
    deps.table,
    { tenantId: lock?.tenantId ?? '', executionArn: lock?.executionArn ?? '' },
    snapshots,
  );
  const rds = deps.rdsIn(region);
  const instance = await describe(rds, instanceId);
  if (!instance) return { action: 'already', instanceStatus: 'deleted' };
  const base = { instanceStatus: instance.DBInstanceStatus ?? 'unknown', resourceId: instance.DbiResourceId ?? '' };
  if (instance.DBInstanceStatus === 'deleting') return { action: 'already', ...base };

  const copyRegion = state.plan?.copyRegion;
  if (copyRegion && (instance.DBInstanceAutomatedBackupsReplications?.length ?? 0) > 0) {
    // Called in the backup Region, as RDS requires; the replicated backups already there stay until their retention ends.
    try {
      await deps
        .rdsIn(copyRegion)
        .send(new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: instance.DBInstanceArn }));
    } catch (error) {
      if (!isNotFound(error) && awsErrorName(error) !== 'InvalidDBInstanceAutomatedBackupStateFault') throw error;
    }
  }
  try {
    if (instance.DeletionProtection) {
      await rds.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: instanceId,
          DeletionProtection: false,
          ApplyImmediately: true,
        }),
      );
    }
    const { DBInstance: deleting } = await rds.send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: instanceId,
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: !state.plan?.keepAutomatedBackups,
      }),
    );
    return { action: 'requested', ...base, instanceStatus: deleting?.DBInstanceStatus ?? 'deleting' };
  } catch (error) {
    if (isNotFound(error)) return { action: 'already', ...base, instanceStatus: 'deleted' };
    // Deleting already (a retried step whose first request went through), or busy with a backup: settled next time.
    if (isInvalidState(error)) throw new RetryableError(`DeleteDBInstance ${instanceId}: ${(error as Error).message}`);
    throw error;
  }
}
