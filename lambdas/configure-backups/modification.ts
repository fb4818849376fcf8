import type { DBInstance, ModifyDBInstanceMessage } from '@aws-sdk/client-rds';
import { ConfigurationError } from '../shared/errors';
import type { TierDefinition } from '../shared/tiers';

/** The retention period the instance has or is about to have (a pending change counts as done). */
function effectiveRetention(instance: DBInstance): number | undefined {
  return instance.PendingModifiedValues?.BackupRetentionPeriod ?? instance.BackupRetentionPeriod;
}

/**
 * True when applying the tier turns automated backups on (retention 0 → n). RDS then takes a backup at once and,
 * on a single-AZ instance, briefly suspends I/O: worth a warning in the logs, never a silent change.
 */
export function enablesAutomatedBackups(instance: DBInstance): boolean {
  return (effectiveRetention(instance) ?? 0) === 0;
}

/**
 * The ModifyDBInstance request that gives `instance` the tier's backup retention and window, or undefined when it
 * already has them (CreateInstance usually sets both, so this step mostly confirms). Applied immediately: neither
 * change needs a reboot, and waiting for the maintenance window would leave a tenant with the wrong retention.
 *
 * @throws {@link ConfigurationError} when the tier's retention is 0: that would turn automated backups off and delete
 * the existing ones, which this workflow never does (the tier rules reject it at synth time too).
 */
export function backupModification(instance: DBInstance, tier: TierDefinition): ModifyDBInstanceMessage | undefined {
  const { retentionDays, preferredWindow } = tier.backup;
  if (retentionDays <= 0) {
    throw new ConfigurationError(
      `backup.retentionDays is ${retentionDays}: turning automated backups off would delete them; not applied to ${instance.DBInstanceIdentifier}`,
    );
  }
  if (effectiveRetention(instance) === retentionDays && instance.PreferredBackupWindow === preferredWindow) {
    return undefined;
  }
  return {
    DBInstanceIdentifier: instance.DBInstanceIdentifier,
    BackupRetentionPeriod: retentionDays,
    PreferredBackupWindow: preferredWindow,
    ApplyImmediately: true,
  };
}
