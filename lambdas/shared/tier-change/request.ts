/**
 * The ModifyDBInstance request of a planned tier change. Only what changes is sent, with what the ModifyDBInstance
 * API reference requires alongside it:
 * - any storage change carries the type and the allocation it keeps, and the IOPS of a volume that has them (RDS
 *   refuses a storage change of a volume with IOPS without them: io1/io2, and gp3 from 400 GiB where the baseline
 *   IOPS and throughput are sent explicitly); gp2 and gp3 below 400 GiB get neither;
 * - `PerformanceInsightsKMSKeyId` only when Performance Insights is turned on (the key cannot change afterwards) and
 *   the retention only while it is on; `DatabaseInsightsMode` travels with them, since advanced mode needs both;
 * - `MonitoringRoleArn` whenever Enhanced Monitoring is on, never when it is turned off;
 * - log exports as `CloudwatchLogsExportConfiguration` lists of what to turn on and off.
 *
 * @module
 */
import type { ModifyDBInstanceMessage } from '@aws-sdk/client-rds';
import { GP3_LARGE_VOLUME_GIB, storagePerformance, type TierDefinition } from '../tiers';
import { VOLUME_FIELDS } from './disruption';
import type { TierChangePlan } from './plan';

/** Resources of the platform foundation a modification may need to name. */
export interface ModificationPlatform {
  /** Customer managed key Performance Insights data is encrypted with. */
  readonly kmsKeyArn: string;
  /** Role Enhanced Monitoring publishes with. */
  readonly monitoringRoleArn: string;
}

const INSIGHTS_FIELDS = [
  'monitoring.databaseInsightsMode',
  'monitoring.performanceInsights',
  'monitoring.performanceInsightsRetentionDays',
];

function storageParameters(target: TierDefinition): Partial<ModifyDBInstanceMessage> {
  const { storage } = target;
  const base = { StorageType: storage.type, AllocatedStorage: storage.allocatedGiB };
  if (storage.type === 'io1' || storage.type === 'io2') return { ...base, Iops: storage.iops };
  if (storage.type === 'gp3' && storage.allocatedGiB >= GP3_LARGE_VOLUME_GIB) {
    const performance = storagePerformance(storage);
    return { ...base, Iops: performance.iops, StorageThroughput: performance.throughputMiBps };
  }
  return base;
}

function insightsParameters(
  from: TierDefinition,
  target: TierDefinition,
  platform: ModificationPlatform,
): Partial<ModifyDBInstanceMessage> {
  const monitoring = target.monitoring;
  if (!monitoring.performanceInsights) {
    return { DatabaseInsightsMode: monitoring.databaseInsightsMode, EnablePerformanceInsights: false };
  }
  return {
    DatabaseInsightsMode: monitoring.databaseInsightsMode,
    EnablePerformanceInsights: true,
    PerformanceInsightsRetentionPeriod: monitoring.performanceInsightsRetentionDays,
    ...(from.monitoring.performanceInsights ? {} : { PerformanceInsightsKMSKeyId: platform.kmsKeyArn }),
  };
}

function logExportParameters(from: TierDefinition, target: TierDefinition): Partial<ModifyDBInstanceMessage> {
  const enable = target.monitoring.logExports.filter((l) => !from.monitoring.logExports.includes(l));
  const disable = from.monitoring.logExports.filter((l) => !target.monitoring.logExports.includes(l));
  return {
    CloudwatchLogsExportConfiguration: {
      ...(enable.length > 0 ? { EnableLogTypes: enable } : {}),
      ...(disable.length > 0 ? { DisableLogTypes: disable } : {}),
    },
  };
}

/**
 * The ModifyDBInstance request that applies `plan` to instance `instanceId`, or undefined when nothing the request
 * carries changes (a change of alarms or backup replication only is all follow-up).
 *
 * @example
 * ```ts
 * const plan = planTierChange(DEFAULT_TIERS.starter, DEFAULT_TIERS.pro, { when: 'now' });
 * const request = buildModifyDbInstanceRequest('tenant-acme', plan, platform);
 * if (request) await rds.send(new ModifyDBInstanceCommand(request));
 * ```
 */
export function buildModifyDbInstanceRequest(
  instanceId: string,
  plan: TierChangePlan,
  platform: ModificationPlatform,
): ModifyDBInstanceMessage | undefined {
  const changed = new Set(plan.changes.filter((c) => c.appliedBy === 'ModifyDBInstance').map((c) => c.field));
  if (changed.size === 0) return undefined;
  const { from, target } = plan;
  const has = (...fields: string[]) => fields.some((f) => changed.has(f));
  const interval = target.monitoring.enhancedMonitoringIntervalSeconds;
  return {
    DBInstanceIdentifier: instanceId,
    ...(has('instanceClass') ? { DBInstanceClass: target.instanceClass } : {}),
    ...(has('multiAz') ? { MultiAZ: target.multiAz } : {}),
    ...(has(...VOLUME_FIELDS) ? storageParameters(target) : {}),
    ...(has('storage.maxAllocatedGiB') ? { MaxAllocatedStorage: target.storage.maxAllocatedGiB } : {}),
    ...(has('backup.retentionDays') ? { BackupRetentionPeriod: target.backup.retentionDays } : {}),
    ...(has('backup.preferredWindow') ? { PreferredBackupWindow: target.backup.preferredWindow } : {}),
    ...(has('preferredMaintenanceWindow') ? { PreferredMaintenanceWindow: target.preferredMaintenanceWindow } : {}),
    ...(has('deletionProtection') ? { DeletionProtection: target.deletionProtection } : {}),
    ...(has(...INSIGHTS_FIELDS) ? insightsParameters(from, target, platform) : {}),
    ...(has('monitoring.enhancedMonitoringIntervalSeconds')
      ? { MonitoringInterval: interval, ...(interval > 0 ? { MonitoringRoleArn: platform.monitoringRoleArn } : {}) }
      : {}),
    ...(has('monitoring.logExports') ? logExportParameters(from, target) : {}),
    ApplyImmediately: plan.when === 'now',
  };
}
