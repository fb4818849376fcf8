/**
 * Replication of a tenant instance's automated backups into the backup Region, shared by ConfigureBackups
 * (provisioning) and ApplyFollowUps (a tier change that starts replicating).
 *
 * @module
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import {
  type DBInstance,
  DescribeDBInstanceAutomatedBackupsCommand,
  type RDSClient,
  StartDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import { RUNTIME_ENV, readEnv } from '../config';
import { awsErrorName, RetryableError } from '../errors';
import { logger } from '../runtime';
import type { TierDefinition } from '../tiers';
import { activeReplicationArn, replicationRequest, reportedReplicationArn } from './replication';
import { replicationKeyArn } from './replication-key';

export interface BackupClients {
  /** RDS in the instance's Region. */
  rds: RDSClient;
  /** RDS and KMS in the backup Region; undefined when the deployment has no backup Region. */
  backup?: { region: string; client: RDSClient; kms: KMSClient };
}

const INVALID_STATE_FAULTS = new Set(['InvalidDBInstanceStateFault', 'InvalidDBInstanceAutomatedBackupStateFault']);

/** RDS refuses changes while the instance is busy (e.g. its first backup right after creation): try again later. */
export function busyInstanceError(error: unknown, action: string): RetryableError | undefined {
  if (!INVALID_STATE_FAULTS.has(awsErrorName(error) ?? '')) return undefined;
  return new RetryableError(`${action}: the instance is busy, retrying (${(error as Error).message})`);
}

/**
 * The ARN of the replication of `instance` the backup Region is running, if any. The replicated backups carry the
 * source's resource id, which (unlike its identifier) is never reused by a later instance of the same name.
 */
async function replicationInBackupRegion(client: RDSClient, instance: DBInstance): Promise<string | undefined> {
  try {
    const { DBInstanceAutomatedBackups } = await client.send(
      new DescribeDBInstanceAutomatedBackupsCommand({ DbiResourceId: instance.DbiResourceId }),
    );
    return activeReplicationArn(DBInstanceAutomatedBackups ?? []);
  } catch (error) {
    if (awsErrorName(error) === 'DBInstanceAutomatedBackupNotFoundFault') return undefined;
    throw error;
  }
}

/**
 * The replication ARN, once RDS confirms one. Without it the step must not succeed: the rollback finds replicated
 * backups by it once the source is gone, and the tenant would go live without the disaster-recovery copy its tier
 * promises. The next attempt finds the replication the start began, or starts it.
 */
function confirmedReplication(arn: string | undefined, sourceArn: string, backupRegion: string): string {
  if (arn) return arn;
  throw new RetryableError(
    `StartDBInstanceAutomatedBackupsReplication: RDS does not confirm a replication of ${sourceArn} to ${backupRegion} yet (no replicated backups ARN); retrying`,
  );
}

/** Starts the replication of `instance`'s automated backups into the backup Region, or finds the one running. */
export async function replicate(
  backup: NonNullable<BackupClients['backup']>,
  instance: DBInstance,
  sourceArn: string,
  tier: TierDefinition,
): Promise<string> {
  const existing =
    reportedReplicationArn(instance, backup.region) ?? (await replicationInBackupRegion(backup.client, instance));
  if (existing) {
    logger.info('backups already replicated', { replicationArn: existing, replicationRegion: backup.region });
    return existing;
  }
  const encrypted = instance.StorageEncrypted === true;
  const request = replicationRequest({
    sourceArn,
    encrypted,
    tier,
    kmsKeyArn: encrypted ? await replicationKeyArn(backup.kms, readEnv(RUNTIME_ENV.backupKmsKeyArn)) : undefined,
  });
  let replicationArn: string | undefined;
  try {
    const { DBInstanceAutomatedBackup } = await backup.client.send(
      new StartDBInstanceAutomatedBackupsReplicationCommand(request),
    );
    logger.info('backup replication started', { replicationRegion: backup.region });
    replicationArn = DBInstanceAutomatedBackup?.DBInstanceAutomatedBackupsArn;
  } catch (error) {
    // A start that raced an earlier attempt of this step: the replication exists, which is all this step wants.
    const alreadyStarted =
      INVALID_STATE_FAULTS.has(awsErrorName(error) ?? '') && /already/i.test((error as Error).message ?? '');
    if (!alreadyStarted) throw busyInstanceError(error, 'StartDBInstanceAutomatedBackupsReplication') ?? error;
    replicationArn = await replicationInBackupRegion(backup.client, instance);
  }
  return confirmedReplication(replicationArn, sourceArn, backup.region);
}
