import type { CreateDBInstanceCommandInput } from '@aws-sdk/client-rds';
import type { ValidatedRequest } from '../shared/contracts';
import { DATABASE_NAME, instanceIdentifier, MASTER_USERNAME, ownershipTags, POSTGRES_PORT } from '../shared/naming';
import { majorVersionOf } from '../shared/tiers';

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
 * CA of the server certificate (RDS User Guide, "Using SSL/TLS to encrypt a connection to a DB instance"): RSA 2048
 * is the key size every PostgreSQL driver supports, and it is in the RDS global CA bundle the clients trust. Pinned
 * rather than left to the Region default so every tenant presents the same chain.
 */
const CA_CERTIFICATE_IDENTIFIER = 'rds-ca-rsa2048-g1';

/** Parameter group family of an engine version: `17.6` → `postgres17`. */
export function parameterGroupFamily(engineVersion: string): string {
  return `postgres${majorVersionOf(engineVersion)}`;
}

/**
 * The CreateDBInstance request of a tenant, entirely from the validated request, its tier and the platform.
 *
 * What AWS requires and the tier catalog rules already guarantee (see `lambdas/shared/tiers/rules.ts`): IOPS and
 * throughput only where the storage type allows them, a valid Performance Insights retention, an Enhanced
 * Monitoring interval from the allowed set. What this builder adds, from the CreateDBInstance API reference:
 * - `ManageMasterUserPassword` excludes `MasterUserPassword`: RDS generates the password into its own secret,
 *   encrypted with `MasterUserSecretKmsKeyId`, so no password ever passes through the workflow.
 * - `MonitoringRoleArn` must be set when `MonitoringInterval` is not 0, and must be absent when it is 0.
 * - `PerformanceInsightsKMSKeyId` and `PerformanceInsightsRetentionPeriod` only when Performance Insights is on.
 *
 * @example
 * ```ts
 * const input = buildCreateDbInstanceRequest(request, platformFromEnv(request.tierDefinition));
 * await rds.send(new CreateDBInstanceCommand(input));
 * ```
 */
export function buildCreateDbInstanceRequest(
  request: ValidatedRequest,
  platform: PlatformSettings,
): CreateDBInstanceCommandInput {
  const tier = request.tierDefinition;
  const { storage, monitoring } = tier;
  return {
    DBInstanceIdentifier: instanceIdentifier(request.tenantId),
    Engine: 'postgres',
    EngineVersion: tier.engineVersion,
    DBInstanceClass: tier.instanceClass,
    DBName: DATABASE_NAME,
    Port: POSTGRES_PORT,
    MasterUsername: MASTER_USERNAME,
    ManageMasterUserPassword: true,
    MasterUserSecretKmsKeyId: platform.kmsKeyArn,
    StorageEncrypted: true,
    KmsKeyId: platform.kmsKeyArn,
    StorageType: storage.type,
    AllocatedStorage: storage.allocatedGiB,
    MaxAllocatedStorage: storage.maxAllocatedGiB,
    ...(storage.iops === undefined ? {} : { Iops: storage.iops }),
    ...(storage.throughputMiBps === undefined ? {} : { StorageThroughput: storage.throughputMiBps }),
    MultiAZ: tier.multiAz,
    PubliclyAccessible: false,
    DBSubnetGroupName: platform.subnetGroupName,
    VpcSecurityGroupIds: [platform.securityGroupId],
    DBParameterGroupName: platform.parameterGroupName,
    CACertificateIdentifier: CA_CERTIFICATE_IDENTIFIER,
    EnableIAMDatabaseAuthentication: true,
    EnableCloudwatchLogsExports: [...monitoring.logExports],
    BackupRetentionPeriod: tier.backup.retentionDays,
    PreferredBackupWindow: tier.backup.preferredWindow,
    PreferredMaintenanceWindow: tier.preferredMaintenanceWindow,
    CopyTagsToSnapshot: true,
    // Never protected at creation: RDS refuses ModifyDBInstance while an instance is creating, failed or
    // incompatible-*, so a protected instance that fails now could not be rolled back. ConfigureBackups turns
    // protection on once the instance is available (see backupAndDeletionProtectionModification).
    DeletionProtection: false,
    AutoMinorVersionUpgrade: true,
    // Without this, RDS silently enrols the instance in paid Extended Support when its major version leaves
    // standard support; tenants are upgraded instead (tier engine versions are validated as still creatable).
    EngineLifecycleSupport: 'open-source-rds-extended-support-disabled',
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
    Tags: ownershipTags({ tenantId: request.tenantId, tier: request.tier, executionArn: request.executionArn }),
  };
}
