/**
 * A described instance as the provisioning steps read it, from their own DescribeDBInstances or from the shared
 * status poller's: status, endpoint and master secret once RDS reports them, and what ConfigureBackups needs.
 *
 * @module
 */
import type { DBInstance } from '@aws-sdk/client-rds';
import type { InstanceSnapshot } from './contracts';

/** What one DescribeDBInstances call tells the poller. */
export interface InstanceView {
  status: string;
  endpoint?: { address: string; port: number };
  /** ARN of the RDS-managed master user secret. */
  masterSecretArn?: string;
  /** What the later steps need of the instance (see {@link InstanceSnapshot}). */
  snapshot?: InstanceSnapshot;
}

/** What the later steps need of a described instance, JSON-safe. Pure. */
function snapshotOf(instance: DBInstance): InstanceSnapshot {
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
    ...(instance.AllocatedStorage === undefined ? {} : { AllocatedStorage: instance.AllocatedStorage }),
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
