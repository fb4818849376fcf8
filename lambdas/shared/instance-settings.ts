/**
 * Instance settings a new tenant gets at CreateDBInstance and an undeleted tenant gets from a ModifyDBInstance once
 * its restored instance is available: CreateInstance builds the first, WaitForInstance sends the second.
 *
 * @module
 */
import type { CreateDBInstanceCommandInput, ModifyDBInstanceCommandInput } from '@aws-sdk/client-rds';
import type { InstanceView } from './instance-view';
import { instanceIdentifier } from './naming';
import type { TierDefinition } from './tiers';

/** Resources of the platform foundation every tenant instance uses. */
export interface PlatformSettings {
  /** Customer managed key for storage, the RDS-managed master secret and Performance Insights. */
  kmsKeyArn: string;
  subnetGroupName: string;
  securityGroupId: string;
  /** Parameter group of the tier's engine family (forces TLS among other settings). */
  parameterGroupName: string;
  /** Role Enhanced Monitoring publishes with; sent only when the tier turns Enhanced Monitoring on. */
  monitoringRoleArn: string;
}

/**
 * The settings CreateDBInstance accepts but RestoreDBInstanceFromDBSnapshot does not for PostgreSQL (its
 * `ManageMasterUserPassword` applies to RDS for Oracle only): a restored instance gets them from a ModifyDBInstance
 * once it is available (see `buildPostRestoreModification`).
 * - `ManageMasterUserPassword` excludes `MasterUserPassword`: RDS generates the password into its own secret,
 *   encrypted with `MasterUserSecretKmsKeyId`, so no password ever passes through the workflow.
 * - `MonitoringRoleArn` must be set when `MonitoringInterval` is not 0, and must be absent when it is 0.
 * - `PerformanceInsightsKMSKeyId` and `PerformanceInsightsRetentionPeriod` only when Performance Insights is on.
 */
export function createOnlySettings(
  tier: TierDefinition,
  platform: Pick<PlatformSettings, 'kmsKeyArn' | 'monitoringRoleArn'>,
) {
  const { storage, monitoring } = tier;
  return {
    ManageMasterUserPassword: true,
    MasterUserSecretKmsKeyId: platform.kmsKeyArn,
    MaxAllocatedStorage: storage.maxAllocatedGiB,
    PreferredMaintenanceWindow: tier.preferredMaintenanceWindow,
    DatabaseInsightsMode: monitoring.databaseInsightsMode,
    EnablePerformanceInsights: monitoring.performanceInsights,
    ...(monitoring.performanceInsights
      ? {
          PerformanceInsightsKMSKeyId: platform.kmsKeyArn,
          PerformanceInsightsRetentionPeriod: monitoring.performanceInsightsRetentionDays,
        }
      : {}),
    MonitoringInterval: monitoring.enhancedMonitoringIntervalSeconds,
    ...(monitoring.enhancedMonitoringIntervalSeconds > 0 ? { MonitoringRoleArn: platform.monitoringRoleArn } : {}),
  } satisfies Partial<CreateDBInstanceCommandInput & ModifyDBInstanceCommandInput>;
}

/**
 * The ModifyDBInstance that gives a restored instance what RestoreDBInstanceFromDBSnapshot could not: a new
 * RDS-managed master secret (the old one went with the deleted instance), monitoring, Performance Insights, storage
 * autoscaling and the maintenance window. Applied immediately: the onboarding waits for it.
 */
export function buildPostRestoreModification(
  tenantId: string,
  tier: TierDefinition,
  platform: Pick<PlatformSettings, 'kmsKeyArn' | 'monitoringRoleArn'>,
  allocatedGiB = tier.storage.allocatedGiB,
): ModifyDBInstanceCommandInput {
  const settings = createOnlySettings(tier, platform);
  return {
    DBInstanceIdentifier: instanceIdentifier(tenantId),
    ...settings,
    MaxAllocatedStorage: autoscalingCeiling(settings.MaxAllocatedStorage, allocatedGiB),
    ApplyImmediately: true,
  };
}

/**
 * The storage autoscaling ceiling of a restored instance: the tier's, unless the snapshot brought more storage than
 * that. RDS refuses a MaxAllocatedStorage less than 10 % above the allocated storage (ModifyDBInstance API
 * reference), so a tenant that grew past its tier's ceiling keeps 10 % of headroom. Pure.
 */
export function autoscalingCeiling(tierMaxGiB: number, allocatedGiB: number): number {
  return Math.max(tierMaxGiB, Math.ceil((allocatedGiB * 11) / 10));
}

/**
 * True when a restored instance still lacks what {@link buildPostRestoreModification} applies: available, with no
 * RDS-managed master secret. Once RDS reports the secret the modification has been applied. Pure.
 */
export function needsPostRestoreModification(view: Pick<InstanceView, 'status' | 'masterSecretArn'>): boolean {
  return view.status === 'available' && view.masterSecretArn === undefined;
}
