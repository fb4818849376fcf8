/**
 * ConfigureBackups: gives the instance its tier's retention, backup window and deletion protection, then, for tiers
 * that ask for it, replicates automated backups to the backup Region. Idempotent: both parts first look at what is
 * already there.
 *
 * @module
 */
import {
  type DBInstance,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { type BackupClients, busyInstanceError, replicate } from '../shared/backups/replicate';
import { assertOtherRegion } from '../shared/backups/replication';
import { RUNTIME_ENV } from '../shared/config';
import type { BackupsResult, WorkflowState } from '../shared/contracts';
import { AwsRequestError, ConfigurationError, ValidationError } from '../shared/errors';
import { logger } from '../shared/runtime';
import { backupAndDeletionProtectionModification, enablesAutomatedBackups } from './modification';

async function describeInstance(rds: RDSClient, instanceId: string): Promise<DBInstance> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
  const instance = DBInstances?.[0];
  if (!instance) throw new AwsRequestError(`DescribeDBInstances returned no instance ${instanceId}`);
  return instance;
}

async function applyBackupsAndProtection(rds: RDSClient, instance: DBInstance, state: WorkflowState): Promise<void> {
  const modification = backupAndDeletionProtectionModification(instance, state.request.tierDefinition);
  if (!modification) return;
  if (modification.BackupRetentionPeriod !== undefined && enablesAutomatedBackups(instance)) {
    logger.warn('automated backups were off; turning them on starts a backup now', {
      instanceId: instance.DBInstanceIdentifier,
      retentionDays: modification.BackupRetentionPeriod,
    });
  }
  try {
    await rds.send(new ModifyDBInstanceCommand(modification));
  } catch (error) {
    throw busyInstanceError(error, 'ModifyDBInstance') ?? error;
  }
  logger.info('backup settings and deletion protection applied', {
    retentionDays: modification.BackupRetentionPeriod,
    window: modification.PreferredBackupWindow,
    deletionProtection: modification.DeletionProtection,
  });
}

export async function configureBackups(clients: BackupClients, state: WorkflowState): Promise<BackupsResult> {
  const tier = state.request.tierDefinition;
  if (!state.instance) throw new ValidationError('instance', 'must hold the CreateInstance result');
  // The wait's view of the instance when it became available, else a describe of our own. A retry of this step gets
  // the same view; what an earlier attempt changed since is harmless to send again (the modification is idempotent,
  // and a replication already started is found).
  const instance: DBInstance =
    state.readiness?.instance ?? (await describeInstance(clients.rds, state.instance.instanceId));
  await applyBackupsAndProtection(clients.rds, instance, state);

  const result: BackupsResult = { retentionDays: tier.backup.retentionDays };
  if (!tier.backup.crossRegionReplication) return result;
  const backup = clients.backup;
  if (!backup) {
    throw new ConfigurationError(
      `${RUNTIME_ENV.backupRegion.name} is not set but tier ${state.request.tier} replicates backups`,
    );
  }
  const sourceArn = instance.DBInstanceArn ?? state.instance.instanceArn;
  assertOtherRegion(sourceArn, backup.region);
  const replicationArn = await replicate(backup, instance, sourceArn, tier);
  return { ...result, replicationRegion: backup.region, replicationArn };
}
