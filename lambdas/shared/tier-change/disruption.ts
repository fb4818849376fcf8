/**
 * What changing each tier field does to a live tenant, one row per field: who applies it, which ModifyDBInstance
 * parameter carries it, whether `ApplyImmediately` decides when it happens, and what the application notices. From
 * the RDS User Guide ("Settings for DB instances", "Working with storage", "Multi-AZ deployments") and the
 * ModifyDBInstance API reference:
 * - the instance class is the only tier field whose change restarts the database: on a Multi-AZ instance RDS
 *   resizes the standby, fails over to it and resizes the old primary; on a Single-AZ instance the database is down
 *   while it moves. It follows `ApplyImmediately`;
 * - Multi-AZ on or off and storage changes follow `ApplyImmediately` and cause no outage (a new standby is built
 *   from a snapshot; storage goes through `storage-optimization`, latency may rise, and the next storage change
 *   waits at least 6 hours, or until optimization ends if that is later);
 * - the autoscaling ceiling, Performance Insights, Database Insights, Enhanced Monitoring, log exports and deletion
 *   protection apply immediately whatever `ApplyImmediately` says, and cause no outage; so do backup retention
 *   (between two non-zero values) and the backup and maintenance windows.
 *
 * @module
 */
import type { TierDefinition } from '../tiers';
import type { AppliedBy, ChangeTiming, Disruption, TakesEffect } from './types';

/** What the rule of a field needs to know about the change. */
interface ChangeContext {
  readonly from: TierDefinition;
  readonly to: TierDefinition;
  readonly when: ChangeTiming;
}

/** When a field's change happens on RDS. */
type Timing =
  /** At once with `ApplyImmediately`, else in the next maintenance window. */
  | 'apply-immediately'
  /** At once (asynchronously, as soon as possible), whatever `ApplyImmediately` says. */
  | 'always-immediately'
  /** By a follow-up once the modification is applied. */
  | 'after-modification'
  /** Never to a live tenant. */
  | 'never';

/** The disruption of a field's change and why. */
interface Effect {
  readonly disruption: Disruption;
  readonly reason: string;
}

/** The row of one tier field. */
export interface FieldRule {
  readonly appliedBy: AppliedBy;
  readonly parameter?: string;
  readonly timing: Timing;
  readonly effect: (context: ChangeContext) => Effect;
}

/** Fields whose change modifies the volume: sent together, and followed by storage optimization and the cool-down. */
export const VOLUME_FIELDS: readonly string[] = [
  'storage.type',
  'storage.allocatedGiB',
  'storage.iops',
  'storage.throughputMiBps',
];

const STORAGE_OPTIMIZATION =
  'no outage: the volume goes through storage-optimization (latency may rise for hours); the next storage change must wait at least 6 hours, or until optimization ends if that is later';

const none = (reason: string) => (): Effect => ({ disruption: 'none', reason });

/** What happens when the instance moves to another class, now or at the window. */
function classChange({ from, to, when }: ChangeContext): Effect {
  // Both ends must be Multi-AZ for RDS to move the standby first; a Single-AZ instance, or one becoming Multi-AZ
  // in the same request, is restarted on the new class. A deferred change waits for the new tier's window: a
  // maintenance window change applies at once.
  const viaFailover = from.multiAz && to.multiAz;
  const what = viaFailover
    ? 'RDS resizes the standby, then fails over to it: connections drop for about a minute and reconnect to the same endpoint'
    : 'the Single-AZ database restarts on the new class: connections drop for several minutes';
  if (when === 'maintenance-window') {
    return {
      disruption: 'reboot at next maintenance window',
      reason: `in the maintenance window ${to.preferredMaintenanceWindow} UTC, ${what}`,
    };
  }
  return { disruption: viaFailover ? 'failover' : 'brief outage', reason: what };
}

const follow = (reason: string): FieldRule => ({
  appliedBy: 'follow-up',
  timing: 'after-modification',
  effect: none(reason),
});
const immediate = (parameter: string, reason: string): FieldRule => ({
  appliedBy: 'ModifyDBInstance',
  parameter,
  timing: 'always-immediately',
  effect: none(reason),
});
const storage = (parameter: string): FieldRule => ({
  appliedBy: 'ModifyDBInstance',
  parameter,
  timing: 'apply-immediately',
  effect: none(STORAGE_OPTIMIZATION),
});

/** One row per tier field a change can touch; `description` and `engineVersion` are never changed by a tier change. */
export const FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  instanceClass: {
    appliedBy: 'ModifyDBInstance',
    parameter: 'DBInstanceClass',
    timing: 'apply-immediately',
    effect: classChange,
  },
  multiAz: {
    appliedBy: 'ModifyDBInstance',
    parameter: 'MultiAZ',
    timing: 'apply-immediately',
    effect: ({ to }) => ({
      disruption: 'none',
      reason: to.multiAz
        ? 'no outage: RDS builds a standby in another Availability Zone from a snapshot; latency may rise while it catches up'
        : 'no outage: the standby is removed, and with it automatic failover',
    }),
  },
  'storage.type': storage('StorageType'),
  'storage.allocatedGiB': storage('AllocatedStorage'),
  'storage.iops': storage('Iops'),
  'storage.throughputMiBps': storage('StorageThroughput'),
  'storage.maxAllocatedGiB': immediate(
    'MaxAllocatedStorage',
    'no outage: only the ceiling storage autoscaling may grow to',
  ),
  'backup.retentionDays': immediate(
    'BackupRetentionPeriod',
    'no outage: between two non-zero retentions RDS applies it as soon as possible; older backups beyond it expire',
  ),
  'backup.preferredWindow': immediate(
    'PreferredBackupWindow',
    'no outage: the next daily backup runs in the new window',
  ),
  'backup.crossRegionReplication': follow(
    'no outage: replication of automated backups to the backup Region is started or stopped after the modification',
  ),
  'backup.replicationRetentionDays': follow(
    'no outage: the backup Region replication is set to the new retention after the modification',
  ),
  preferredMaintenanceWindow: immediate(
    'PreferredMaintenanceWindow',
    'no outage: applied as soon as possible; changes deferred to a maintenance window then wait for the new one',
  ),
  deletionProtection: immediate('DeletionProtection', 'no outage: only whether the instance can be deleted'),
  'monitoring.databaseInsightsMode': immediate('DatabaseInsightsMode', 'no outage, reboot or failover'),
  'monitoring.performanceInsights': immediate('EnablePerformanceInsights', 'no outage, reboot or failover'),
  'monitoring.performanceInsightsRetentionDays': immediate(
    'PerformanceInsightsRetentionPeriod',
    'no outage, reboot or failover',
  ),
  'monitoring.enhancedMonitoringIntervalSeconds': immediate(
    'MonitoringInterval',
    'no outage: only the OS metrics interval',
  ),
  'monitoring.logExports': immediate(
    'CloudwatchLogsExportConfiguration',
    'no outage: RDS applies log export changes at once',
  ),
  'alarms.cpuUtilizationPercent': follow('no outage: the tenant alarm is updated after the modification'),
  'alarms.freeStoragePercent': follow('no outage: the tenant alarm is updated after the modification'),
  'alarms.freeableMemoryMiB': follow('no outage: the tenant alarm is updated after the modification'),
  'alarms.databaseConnections': follow('no outage: the tenant alarm is updated after the modification'),
  'alarms.readLatencyMs': follow('no outage: the tenant alarm is updated after the modification'),
  'alarms.writeLatencyMs': follow('no outage: the tenant alarm is updated after the modification'),
  'alarms.periodSeconds': follow('no outage: the tenant alarms are updated after the modification'),
  'alarms.evaluationPeriods': follow('no outage: the tenant alarms are updated after the modification'),
  appSecretRotationDays: follow(
    'no outage: the application secret keeps its password; its rotation schedule is updated after the modification',
  ),
  provisioningBudgetMinutes: {
    appliedBy: 'onboarding only',
    timing: 'never',
    effect: none('no effect on a live tenant: it only bounds how long onboarding waits'),
  },
  tierChangeTiming: {
    appliedBy: 'onboarding only',
    timing: 'never',
    effect: none('no effect on the instance: it only chooses when a later change to this tier applies'),
  },
  'offboarding.finalSnapshotRetentionDays': {
    appliedBy: 'offboarding only',
    timing: 'never',
    effect: none('no effect on a live tenant: read from its tier when it is offboarded'),
  },
  'offboarding.keepAutomatedBackups': {
    appliedBy: 'offboarding only',
    timing: 'never',
    effect: none('no effect on a live tenant: read from its tier when it is offboarded'),
  },
};

/** When a change of a field with `timing` takes effect, given the requested timing of the change. */
export function takesEffect(timing: Timing, when: ChangeTiming): TakesEffect {
  switch (timing) {
    case 'apply-immediately':
      return when === 'now' ? 'immediately' : 'at the next maintenance window';
    case 'always-immediately':
      return 'immediately';
    case 'after-modification':
      return 'after the modification';
    case 'never':
      return 'never';
  }
}
