import {
  type DBInstance,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { InstanceSnapshot } from '../shared/contracts';
import type { InstanceView } from './poll';

/** What the later steps need of a described instance, JSON-safe. Pure. */
export function snapshotOf(instance: DBInstance): InstanceSnapshot {
  const pendingRetention = instance.PendingModifiedValues?.BackupRetentionPeriod;
  return {
    DBInstanceIdentifier: instance.DBInstanceIdentifier,
    DBInstanceArn: instance.DBInstanceArn,
    DbiResourceId: instance.DbiResourceId,
    StorageEncrypted: instance.StorageEncrypted,
    BackupRetentionPeriod: instance.BackupRetentionPeriod,
    ...(pendingRetention !== undefined ? { PendingModifiedValues: { BackupRetentionPeriod: pendingRetention } } : {}),
    PreferredBackupWindow: instance.PreferredBackupWindow,
    DeletionProtection: instance.DeletionProtection,
    DBInstanceAutomatedBackupsReplications: (instance.DBInstanceAutomatedBackupsReplications ?? []).map((r) => ({
      DBInstanceAutomatedBackupsArn: r.DBInstanceAutomatedBackupsArn,
    })),
  };
}

/** The fields of a described instance the poller needs; endpoint and secret only once RDS reports them. */
export function viewOf(instance: DBInstance): InstanceView {
  const { Endpoint, MasterUserSecret } = instance;
  return {
    status: instance.DBInstanceStatus ?? 'unknown',
    ...(Endpoint?.Address && Endpoint.Port ? { endpoint: { address: Endpoint.Address, port: Endpoint.Port } } : {}),
    ...(MasterUserSecret?.SecretArn ? { masterSecretArn: MasterUserSecret.SecretArn } : {}),
    snapshot: snapshotOf(instance),
  };
}

/** DescribeDBInstances of one instance; an empty answer is reported like the API's own DBInstanceNotFound. */
export async function describeInstance(rds: RDSClient, instanceId: string): Promise<InstanceView> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
  const instance = DBInstances?.[0];
  if (!instance) throw new DBInstanceNotFoundFault({ message: `DBInstance ${instanceId} not found.`, $metadata: {} });
  return viewOf(instance);
}
