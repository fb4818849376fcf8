import type { CreateDBInstanceCommandInput, RestoreDBInstanceFromDBSnapshotCommandInput } from '@aws-sdk/client-rds';
import type { ValidatedRequest } from '../shared/contracts';
import { createOnlySettings, type PlatformSettings } from '../shared/instance-settings';
import { DATABASE_NAME, instanceIdentifier, MASTER_USERNAME, ownershipTags, POSTGRES_PORT } from '../shared/naming';
import { majorVersionOf } from '../shared/tiers';

export type { PlatformSettings } from '../shared/instance-settings';

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
 * The settings CreateDBInstance and RestoreDBInstanceFromDBSnapshot both accept, from the tier and the platform: an
 * undeleted tenant gets its tier's current settings exactly like a new one.
 */
export function sharedInstanceSettings(request: ValidatedRequest, platform: PlatformSettings) {
  const tier = request.tierDefinition;
  const { storage, monitoring } = tier;
  return {
    DBInstanceIdentifier: instanceIdentifier(request.tenantId),
    Engine: 'postgres',
    DBInstanceClass: tier.instanceClass,
    Port: POSTGRES_PORT,
    StorageType: storage.type,
    AllocatedStorage: storage.allocatedGiB,
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
    CopyTagsToSnapshot: true,
    // Never protected at creation: RDS refuses ModifyDBInstance while an instance is creating, failed or
    // incompatible-*, so a protected instance that fails now could not be rolled back. ConfigureBackups turns
    // protection on once the instance is available (see backupAndDeletionProtectionModification).
    DeletionProtection: false,
    AutoMinorVersionUpgrade: true,
    // Without this, RDS silently enrols the instance in paid Extended Support when its major version leaves
    // standard support; tenants are upgraded instead (tier engine versions are validated as still creatable).
    EngineLifecycleSupport: 'open-source-rds-extended-support-disabled',
    Tags: ownershipTags({ tenantId: request.tenantId, tier: request.tier, executionArn: request.executionArn }),
  } satisfies CreateDBInstanceCommandInput & RestoreDBInstanceFromDBSnapshotCommandInput;
}

/**
 * The CreateDBInstance request of a tenant, entirely from the validated request, its tier and the platform.
 *
 * What AWS requires and the tier catalog rules already guarantee (see `lambdas/shared/tiers/rules.ts`): IOPS and
 * throughput only where the storage type allows them, a valid Performance Insights retention, an Enhanced
 * Monitoring interval from the allowed set. What the builder adds is documented on {@link sharedInstanceSettings}
 * and {@link createOnlySettings}.
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
  return {
    ...sharedInstanceSettings(request, platform),
    ...createOnlySettings(tier, platform),
    EngineVersion: tier.engineVersion,
    DBName: DATABASE_NAME,
    MasterUsername: MASTER_USERNAME,
    StorageEncrypted: true,
    KmsKeyId: platform.kmsKeyArn,
  };
}
