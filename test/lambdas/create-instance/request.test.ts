import type { CreateDBInstanceCommandInput } from '@aws-sdk/client-rds';
import {
  buildCreateDbInstanceRequest,
  type PlatformSettings,
  parameterGroupFamily,
} from '../../../lambdas/create-instance/request';
import type { ValidatedRequest } from '../../../lambdas/shared/contracts';
import { DEFAULT_TIERS, resolveCatalog, type TierDefinition } from '../../../lambdas/shared/tiers';

const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-corp-pro-1';

const platform: PlatformSettings = {
  kmsKeyArn: KMS,
  subnetGroupName: 'tenant-db-subnets',
  securityGroupId: 'sg-0123456789abcdef0',
  parameterGroupName: 'tenant-db-postgres17',
  monitoringRoleArn: 'arn:aws:iam::123456789012:role/tenant-db-monitoring',
};

function requestFor(tier: string, tierDefinition = DEFAULT_TIERS[tier] as TierDefinition): ValidatedRequest {
  return {
    tenantId: 'acme-corp',
    tier,
    tierDefinition,
    requestedBy: 'ops',
    requestId: 'r1',
    metadata: {},
    executionArn: EXECUTION_ARN,
    executionName: 'acme-corp-pro-1',
  };
}

/** What every tier shares: identity, credentials, encryption, network, TLS, tags. */
const common = (tier: string): Partial<CreateDBInstanceCommandInput> => ({
  DBInstanceIdentifier: 'tenant-acme-corp',
  Engine: 'postgres',
  EngineVersion: '17',
  DBName: 'tenant',
  Port: 5432,
  MasterUsername: 'tenant_admin',
  ManageMasterUserPassword: true,
  MasterUserSecretKmsKeyId: KMS,
  StorageEncrypted: true,
  KmsKeyId: KMS,
  StorageType: 'gp3',
  PubliclyAccessible: false,
  DBSubnetGroupName: 'tenant-db-subnets',
  VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
  DBParameterGroupName: 'tenant-db-postgres17',
  CACertificateIdentifier: 'rds-ca-rsa2048-g1',
  EnableIAMDatabaseAuthentication: true,
  PreferredBackupWindow: '03:00-03:30',
  PreferredMaintenanceWindow: 'sun:04:00-sun:04:30',
  CopyTagsToSnapshot: true,
  // Every tier starts unprotected, so a creation that fails can be rolled back; ConfigureBackups protects it.
  DeletionProtection: false,
  AutoMinorVersionUpgrade: true,
  EngineLifecycleSupport: 'open-source-rds-extended-support-disabled',
  MonitoringRoleArn: platform.monitoringRoleArn,
  Tags: [
    { Key: 'tenant-db:tenant-id', Value: 'acme-corp' },
    { Key: 'tenant-db:tier', Value: tier },
    { Key: 'tenant-db:execution-arn', Value: EXECUTION_ARN },
    { Key: 'tenant-db:managed-by', Value: 'tenant-db-platform' },
  ],
});

describe('buildCreateDbInstanceRequest', () => {
  it.each<[string, Partial<CreateDBInstanceCommandInput>]>([
    [
      'starter',
      {
        ...common('starter'),
        DBInstanceClass: 'db.t4g.micro',
        AllocatedStorage: 20,
        MaxAllocatedStorage: 100,
        MultiAZ: false,
        EnableCloudwatchLogsExports: ['postgresql'],
        BackupRetentionPeriod: 7,
        DatabaseInsightsMode: 'standard',
        EnablePerformanceInsights: false,
        MonitoringInterval: 60,
      },
    ],
    [
      'pro',
      {
        ...common('pro'),
        DBInstanceClass: 'db.m7g.large',
        AllocatedStorage: 100,
        MaxAllocatedStorage: 1000,
        MultiAZ: true,
        EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
        BackupRetentionPeriod: 14,
        DatabaseInsightsMode: 'standard',
        EnablePerformanceInsights: true,
        PerformanceInsightsKMSKeyId: KMS,
        PerformanceInsightsRetentionPeriod: 7,
        MonitoringInterval: 15,
      },
    ],
    [
      'enterprise',
      {
        ...common('enterprise'),
        DBInstanceClass: 'db.r7g.xlarge',
        AllocatedStorage: 500,
        MaxAllocatedStorage: 4000,
        Iops: 12000,
        StorageThroughput: 500,
        MultiAZ: true,
        EnableCloudwatchLogsExports: ['postgresql', 'upgrade', 'iam-db-auth-error'],
        BackupRetentionPeriod: 35,
        DatabaseInsightsMode: 'advanced',
        EnablePerformanceInsights: true,
        PerformanceInsightsKMSKeyId: KMS,
        PerformanceInsightsRetentionPeriod: 465,
        MonitoringInterval: 5,
      },
    ],
  ])('builds the %s request from the tier catalog', (tier, expected) => {
    // Prepare
    const request = requestFor(tier);

    // Act
    const input = buildCreateDbInstanceRequest(request, platform);

    // Assess: exact equality, so a field the tier does not set is absent rather than undefined
    expect(input).toStrictEqual(expected);
  });

  describe.each(Object.keys(DEFAULT_TIERS))('for tier %s, satisfies the CreateDBInstance API reference', (tier) => {
    // Prepare + Act once per tier; each test then assesses one documented constraint.
    const input = buildCreateDbInstanceRequest(requestFor(tier), platform);

    it('names the instance with 1-63 letters, digits and single hyphens, starting with a letter', () => {
      expect(input.DBInstanceIdentifier).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/);
    });

    it('uses a master user name of 1-16 letters, digits or underscores starting with a letter', () => {
      expect(input.MasterUsername).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,15}$/);
    });

    it('uses a PostgreSQL database name of 1-63 letters, digits or underscores starting with a letter', () => {
      expect(input.DBName).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,62}$/);
    });

    it('never sends a master password: RDS manages it in Secrets Manager with the platform key', () => {
      expect(input).not.toHaveProperty('MasterUserPassword');
      expect(input).toMatchObject({ ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: KMS });
    });

    it('sends tags with keys of at most 128 and values of at most 256 characters', () => {
      for (const tag of input.Tags ?? []) {
        expect(tag.Key?.length).toBeLessThanOrEqual(128);
        expect(tag.Value?.length).toBeLessThanOrEqual(256);
        expect(tag.Key?.startsWith('aws:')).toBe(false);
      }
    });
  });

  it('omits MonitoringRoleArn when Enhanced Monitoring is off', () => {
    // Prepare
    const catalog = resolveCatalog({ starter: { monitoring: { enhancedMonitoringIntervalSeconds: 0 } } });

    // Act
    const input = buildCreateDbInstanceRequest(requestFor('starter', catalog.starter), platform);

    // Assess
    expect(input.MonitoringInterval).toBe(0);
    expect(input).not.toHaveProperty('MonitoringRoleArn');
  });

  it('sends provisioned IOPS without throughput for io2 storage', () => {
    // Prepare
    const catalog = resolveCatalog({ pro: { storage: { type: 'io2', allocatedGiB: 100, iops: 3000 } } });

    // Act
    const input = buildCreateDbInstanceRequest(requestFor('pro', catalog.pro), platform);

    // Assess
    expect(input).toMatchObject({ StorageType: 'io2', Iops: 3000 });
    expect(input).not.toHaveProperty('StorageThroughput');
  });
});

describe('parameterGroupFamily', () => {
  it.each([
    ['17', 'postgres17'],
    ['16.8', 'postgres16'],
    ['18.1', 'postgres18'],
  ])('maps engine version %s to family %s', (version, family) => {
    expect(parameterGroupFamily(version)).toBe(family);
  });
});
