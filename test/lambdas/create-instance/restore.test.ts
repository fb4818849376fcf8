import {
  DBSnapshotNotFoundFault,
  DescribeDBSnapshotsCommand,
  RDSClient,
  type RestoreDBInstanceFromDBSnapshotCommandInput,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { buildCreateDbInstanceRequest, type PlatformSettings } from '../../../lambdas/create-instance/request';
import { buildRestoreDbInstanceRequest, describeFinalSnapshot } from '../../../lambdas/create-instance/restore';
import type { FinalSnapshot, ValidatedRequest } from '../../../lambdas/shared/contracts';
import { AwsRequestError } from '../../../lambdas/shared/errors';
import {
  autoscalingCeiling,
  buildPostRestoreModification,
  needsPostRestoreModification,
} from '../../../lambdas/shared/instance-settings';
import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';

const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:provisioning:acme-corp-pro-2';

const platform: PlatformSettings = {
  kmsKeyArn: KMS,
  subnetGroupName: 'tenant-db-subnets',
  securityGroupId: 'sg-0123456789abcdef0',
  parameterGroupName: 'tenant-db-postgres17',
  monitoringRoleArn: 'arn:aws:iam::123456789012:role/tenant-db-monitoring',
};

function requestFor(tier: string): ValidatedRequest {
  return {
    tenantId: 'acme-corp',
    tier,
    tierDefinition: DEFAULT_TIERS[tier] as TierDefinition,
    requestedBy: 'ops',
    requestId: 'r2',
    metadata: {},
    executionArn: EXECUTION_ARN,
    executionName: 'acme-corp-pro-2',
  };
}

/** What RestoreDBInstanceFromDBSnapshot takes for RDS for PostgreSQL (API reference), besides the two identifiers. */
const RESTORE_PARAMETERS = new Set<keyof RestoreDBInstanceFromDBSnapshotCommandInput>([
  'DBInstanceIdentifier',
  'DBSnapshotIdentifier',
  'DBInstanceClass',
  'Port',
  'DBSubnetGroupName',
  'MultiAZ',
  'PubliclyAccessible',
  'AutoMinorVersionUpgrade',
  'Engine',
  'Iops',
  'StorageThroughput',
  'Tags',
  'StorageType',
  'VpcSecurityGroupIds',
  'CopyTagsToSnapshot',
  'EnableIAMDatabaseAuthentication',
  'EnableCloudwatchLogsExports',
  'DBParameterGroupName',
  'DeletionProtection',
  'AllocatedStorage',
  'BackupRetentionPeriod',
  'PreferredBackupWindow',
  'CACertificateIdentifier',
  'EngineLifecycleSupport',
]);

const tiers = Object.keys(DEFAULT_TIERS);

describe('buildRestoreDbInstanceRequest', () => {
  it.each(tiers)('%s: every CreateDBInstance setting the restore accepts, and nothing it does not', (tier) => {
    // Prepare
    const request = requestFor(tier);
    const created = buildCreateDbInstanceRequest(request, platform);

    // Act
    const input = buildRestoreDbInstanceRequest(request, platform, {
      snapshotId: 'tenant-acme-corp-final',
      allocatedGiB: 20,
    });

    // Assess: the tier's current settings, the snapshot named, the parameters RDS refuses on a restore absent
    expect(Object.keys(input).filter((k) => !RESTORE_PARAMETERS.has(k as never))).toEqual([]);
    const shared = Object.fromEntries(Object.keys(input).map((k) => [k, created[k as keyof typeof created]]));
    expect({ ...input, DBSnapshotIdentifier: undefined }).toEqual({ ...shared, DBSnapshotIdentifier: undefined });
    expect(input.DBSnapshotIdentifier).toBe('tenant-acme-corp-final');
    expect(input).not.toHaveProperty('ManageMasterUserPassword');
    expect(input).not.toHaveProperty('KmsKeyId');
    expect(input).not.toHaveProperty('EngineVersion');
    expect(input.DeletionProtection).toBe(false);
  });

  it.each<[string, number, number]>([
    ['the tier allocates more than the snapshot had', 20, 100],
    ['the snapshot had more than the tier allocates', 250, 250],
  ])('storage when %s', (_case, snapshotGiB, expected) => {
    // Prepare
    const request = requestFor('pro');

    // Act
    const input = buildRestoreDbInstanceRequest(request, platform, { snapshotId: 's', allocatedGiB: snapshotGiB });

    // Assess
    expect(input.AllocatedStorage).toBe(expected);
  });
});

describe('buildPostRestoreModification', () => {
  it.each(tiers)('%s: what the restore could not set, applied at once', (tier) => {
    // Prepare
    const definition = DEFAULT_TIERS[tier] as TierDefinition;
    const created = buildCreateDbInstanceRequest(requestFor(tier), platform);

    // Act
    const input = buildPostRestoreModification('acme-corp', definition, platform);

    // Assess
    expect(input).toStrictEqual({
      DBInstanceIdentifier: 'tenant-acme-corp',
      ManageMasterUserPassword: true,
      MasterUserSecretKmsKeyId: KMS,
      MaxAllocatedStorage: created.MaxAllocatedStorage,
      PreferredMaintenanceWindow: created.PreferredMaintenanceWindow,
      DatabaseInsightsMode: created.DatabaseInsightsMode,
      EnablePerformanceInsights: created.EnablePerformanceInsights,
      ...(created.EnablePerformanceInsights
        ? {
            PerformanceInsightsKMSKeyId: KMS,
            PerformanceInsightsRetentionPeriod: created.PerformanceInsightsRetentionPeriod,
          }
        : {}),
      MonitoringInterval: created.MonitoringInterval,
      ...(created.MonitoringRoleArn ? { MonitoringRoleArn: created.MonitoringRoleArn } : {}),
      ApplyImmediately: true,
    });
  });

  it.each<[number, number, number]>([
    [100, 20, 100],
    [100, 91, 101],
    [100, 137, 151],
    [1000, 1000, 1100],
  ])(
    'autoscaling ceiling: tier %i GiB, allocated %i GiB → %i GiB (at least 10 %% above)',
    (tierMax, allocated, expected) => {
      expect(autoscalingCeiling(tierMax, allocated)).toBe(expected);
    },
  );

  it.each<[string, string, string | undefined, boolean]>([
    ['available without a master secret', 'available', undefined, true],
    ['available with its new master secret', 'available', 'arn:aws:secretsmanager:us-east-1:1:secret:rds!db-1', false],
    ['still creating', 'creating', undefined, false],
    ['modifying', 'modifying', undefined, false],
  ])('needs the modification when %s', (_case, status, masterSecretArn, expected) => {
    expect(needsPostRestoreModification({ status, ...(masterSecretArn ? { masterSecretArn } : {}) })).toBe(expected);
  });
});

describe('describeFinalSnapshot', () => {
  const rds = mockClient(RDSClient);
  const client = new RDSClient({});
  const snapshot: FinalSnapshot = {
    arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:tenant-acme-final',
    snapshotId: 'tenant-acme-final',
    region: 'us-east-1',
    takenAt: '2026-11-20T08:55:00.000Z',
  };
  beforeEach(() => rds.reset());

  it('returns the storage of an available snapshot', async () => {
    // Prepare
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'available', AllocatedStorage: 42 }] });

    // Act
    const facts = await describeFinalSnapshot(client, snapshot);

    // Assess
    expect(facts).toEqual({ snapshotId: 'tenant-acme-final', allocatedGiB: 42 });
  });

  it.each<[string, () => void, RegExp]>([
    [
      'deleted by hand',
      () =>
        rds
          .on(DescribeDBSnapshotsCommand)
          .rejects(new DBSnapshotNotFoundFault({ message: 'not found', $metadata: {} })),
      /final snapshot tenant-acme-final \(arn:aws:rds:.*, taken 2026-11-20T08:55:00.000Z\) no longer exists/,
    ],
    [
      'being deleted',
      () => rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'deleting' }] }),
      /final snapshot tenant-acme-final is deleting, not available/,
    ],
  ])('fails for good, naming the snapshot, when it is %s', async (_case, arrange, message) => {
    // Prepare
    arrange();

    // Act
    const result = describeFinalSnapshot(client, snapshot);

    // Assess
    await expect(result).rejects.toThrow(AwsRequestError);
    await expect(describeFinalSnapshot(client, snapshot)).rejects.toThrow(message);
  });
});
