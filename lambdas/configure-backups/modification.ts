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
 * The ModifyDBInstance request that gives `instance` the tier's backup retention and window and, when the tier asks
 * for it, deletion protection; undefined when the instance already has all of them. Only what differs is sent.
 * Applied immediately: none of these changes needs a reboot, and waiting for the maintenance window would leave a
 * tenant with the wrong retention or an unprotected database.
 *
 * Deletion protection is turned on here rather than at creation: RDS refuses ModifyDBInstance while an instance is
 * `creating`, `failed` or `incompatible-*`, so a protected instance that fails during creation could never be rolled
 * back, while an unprotected one can be deleted. By this step the instance is available. The builder only ever
 * turns protection on: an instance protected by an operator stays protected whatever the tier says.
 *
 * @throws {@link ConfigurationError} when the tier's retention is 0: that would turn automated backups off and delete
 * the existing ones, which this workflow never does (the tier rules reject it at synth time too).
 *
 * @example
 * ```ts
 * const request = backupAndDeletionProtectionModification(instance, DEFAULT_TIERS.pro);
 * if (request) await rds.send(new ModifyDBInstanceCommand(request));
 * ```
 */
export function backupAndDeletionProtectionModification(
  instance: DBInstance,
  tier: TierDefinition,
): ModifyDBInstanceMessage | undefined {
  const { retentionDays, preferredWindow } = tier.backup;
  if (retentionDays <= 0) {
    throw new ConfigurationError(
      `backup.retentionDays is ${retentionDays}: turning automated backups off would delete them; not applied to ${instance.DBInstanceIdentifier}`,
    );
  }
  const backupsDiffer =
    effectiveRetention(instance) !== retentionDays || instance.PreferredBackupWindow !== preferredWindow;
  const protect = tier.deletionProtection && instance.DeletionProtection !== true;
  if (!backupsDiffer && !protect) return undefined;
  return {
    DBInstanceIdentifier: instance.DBInstanceIdentifier,
    ...(backupsDiffer ? { BackupRetentionPeriod: retentionDays, PreferredBackupWindow: preferredWindow } : {}),
    ...(protect ? { DeletionProtection: true } : {}),
    ApplyImmediately: true,
  };
}
