/**
 * ApplyFollowUps: what a tier change does once RDS has applied the modification. Each follow-up is idempotent, so a
 * re-run after a failure completes what is left:
 * - the tenant alarms get the new tier's thresholds (PutMetricAlarm replaces an alarm's configuration);
 * - the instance's tier tag names the new tier;
 * - cross-Region backup replication starts or stops when the tiers differ in it;
 * - the application secret rotates on the new tier's schedule.
 *
 * @module
 */
import { type CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  AddTagsToResourceCommand,
  type DBInstance,
  DescribeDBInstancesCommand,
  type RDSClient,
  StopDBInstanceAutomatedBackupsReplicationCommand,
} from '@aws-sdk/client-rds';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { buildAlarmRequests } from '../shared/alarm-requests';
import { type BackupClients, replicate } from '../shared/backups/replicate';
import { reportedReplicationArn } from '../shared/backups/replication';
import { enableSecretRotation } from '../shared/enable-secret-rotation';
import { AwsRequestError, awsErrorName, ConfigurationError } from '../shared/errors';
import { instanceOf } from '../shared/lifecycle/instance';
import { changeOf, type FollowUpResult, type TierChangeState, tiersOf } from '../shared/lifecycle/tier-change';
import { TAG_KEYS } from '../shared/naming';
import { logger } from '../shared/runtime';
import type { TierCatalog } from '../shared/tiers';

/** What the step talks to. */
export interface FollowUpDeps {
  rds: RDSClient;
  cloudwatch: CloudWatchClient;
  secrets: SecretsManagerClient;
  /** RDS and KMS in the backup Region; undefined when the deployment has none. */
  backup: BackupClients['backup'];
  catalog: TierCatalog;
  alertTopicArn: string;
  rotationFunctionArn: string;
}

async function describe(rds: RDSClient, instanceId: string): Promise<DBInstance> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
  const instance = DBInstances?.[0];
  if (!instance?.DBInstanceArn) throw new AwsRequestError(`DescribeDBInstances returned no instance ${instanceId}`);
  return instance;
}

/** Stops the replication into the backup Region; one already stopped is what this wants. */
async function stopReplication(backup: NonNullable<BackupClients['backup']>, sourceArn: string): Promise<void> {
  try {
    await backup.client.send(new StopDBInstanceAutomatedBackupsReplicationCommand({ SourceDBInstanceArn: sourceArn }));
  } catch (error) {
    const name = awsErrorName(error);
    // RDS answers InvalidDBInstanceState when the instance does not replicate there (any more).
    if (name !== 'InvalidDBInstanceStateFault' && name !== 'InvalidDBInstanceState') throw error;
  }
}

/** Applies the follow-ups of the change in `state`; returns what it did. */
export async function applyFollowUps(deps: FollowUpDeps, state: TierChangeState): Promise<FollowUpResult> {
  const change = changeOf(state);
  const { instanceId } = instanceOf(state.lock);
  const tenantId = state.lock?.tenantId as string;
  const { from, to } = tiersOf(deps.catalog, change);
  const instance = await describe(deps.rds, instanceId);
  const instanceArn = instance.DBInstanceArn as string;
  const applied: string[] = [];

  const owner = { tenantId, tier: change.to, executionArn: change.ownerExecutionArn };
  for (const request of buildAlarmRequests(tenantId, instanceId, to, deps.alertTopicArn, owner)) {
    await deps.cloudwatch.send(new PutMetricAlarmCommand(request));
  }
  applied.push('alarms');

  await deps.rds.send(
    new AddTagsToResourceCommand({ ResourceName: instanceArn, Tags: [{ Key: TAG_KEYS.tier, Value: change.to }] }),
  );
  applied.push('tags');

  if (from.backup.crossRegionReplication !== to.backup.crossRegionReplication) {
    if (!deps.backup) {
      throw new ConfigurationError(`no backup Region is configured, but tier ${change.to} changes backup replication`);
    }
    if (to.backup.crossRegionReplication) {
      await replicate(deps.backup, instance, instanceArn, to);
      applied.push('backupReplication:started');
    } else {
      if (reportedReplicationArn(instance, deps.backup.region)) await stopReplication(deps.backup, instanceArn);
      applied.push('backupReplication:stopped');
    }
  }

  if (from.appSecretRotationDays !== to.appSecretRotationDays && change.secretArn) {
    await enableSecretRotation(deps.secrets, change.secretArn, {
      functionArn: deps.rotationFunctionArn,
      days: to.appSecretRotationDays,
    });
    applied.push('secretRotation');
  }
  logger.info('tier change follow-ups applied', { instanceId, applied });
  return { applied };
}
