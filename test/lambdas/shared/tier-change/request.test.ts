import type { ModifyDBInstanceMessage } from '@aws-sdk/client-rds';
import {
  buildModifyDbInstanceRequest,
  type ChangeTiming,
  type ModificationPlatform,
  planTierChange,
} from '../../../../lambdas/shared/tier-change';
import {
  DEFAULT_TIERS,
  GP3_LARGE_VOLUME_GIB,
  storagePerformance,
  type TierDefinition,
} from '../../../../lambdas/shared/tiers';

const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';
const ROLE = 'arn:aws:iam::123456789012:role/tenant-db-monitoring';
const platform: ModificationPlatform = { kmsKeyArn: KMS, monitoringRoleArn: ROLE };
const tier = (name: string): TierDefinition => DEFAULT_TIERS[name] as TierDefinition;
const NAMES = Object.keys(DEFAULT_TIERS);
const CASES = NAMES.flatMap((from) =>
  NAMES.filter((to) => to !== from).flatMap((to) =>
    (['now', 'maintenance-window'] as const).map((when) => [from, to, when] as const),
  ),
);

/**
 * The settings an instance on `from` has once RDS applied `request`: what the request sets, the rest unchanged.
 * Applying the request must give the tier the plan targets, or the request misses a parameter.
 */
function applied(from: TierDefinition, request: ModifyDBInstanceMessage) {
  const logs = new Set(from.monitoring.logExports);
  for (const l of request.CloudwatchLogsExportConfiguration?.EnableLogTypes ?? []) logs.add(l as never);
  for (const l of request.CloudwatchLogsExportConfiguration?.DisableLogTypes ?? []) logs.delete(l as never);
  const pi = request.EnablePerformanceInsights ?? from.monitoring.performanceInsights;
  return {
    instanceClass: request.DBInstanceClass ?? from.instanceClass,
    multiAz: request.MultiAZ ?? from.multiAz,
    storageType: request.StorageType ?? from.storage.type,
    allocatedGiB: request.AllocatedStorage ?? from.storage.allocatedGiB,
    maxAllocatedGiB: request.MaxAllocatedStorage ?? from.storage.maxAllocatedGiB,
    retentionDays: request.BackupRetentionPeriod ?? from.backup.retentionDays,
    backupWindow: request.PreferredBackupWindow ?? from.backup.preferredWindow,
    maintenanceWindow: request.PreferredMaintenanceWindow ?? from.preferredMaintenanceWindow,
    deletionProtection: request.DeletionProtection ?? from.deletionProtection,
    databaseInsightsMode: request.DatabaseInsightsMode ?? from.monitoring.databaseInsightsMode,
    performanceInsights: pi,
    performanceInsightsRetentionDays: pi
      ? (request.PerformanceInsightsRetentionPeriod ?? from.monitoring.performanceInsightsRetentionDays)
      : undefined,
    enhancedMonitoringIntervalSeconds: request.MonitoringInterval ?? from.monitoring.enhancedMonitoringIntervalSeconds,
    logExports: [...logs].sort(),
  };
}

function settingsOf(tier: TierDefinition) {
  return {
    instanceClass: tier.instanceClass,
    multiAz: tier.multiAz,
    storageType: tier.storage.type,
    allocatedGiB: tier.storage.allocatedGiB,
    maxAllocatedGiB: tier.storage.maxAllocatedGiB,
    retentionDays: tier.backup.retentionDays,
    backupWindow: tier.backup.preferredWindow,
    maintenanceWindow: tier.preferredMaintenanceWindow,
    deletionProtection: tier.deletionProtection,
    databaseInsightsMode: tier.monitoring.databaseInsightsMode,
    performanceInsights: tier.monitoring.performanceInsights,
    performanceInsightsRetentionDays: tier.monitoring.performanceInsightsRetentionDays,
    enhancedMonitoringIntervalSeconds: tier.monitoring.enhancedMonitoringIntervalSeconds,
    logExports: [...tier.monitoring.logExports].sort(),
  };
}

describe('buildModifyDbInstanceRequest between built-in tiers', () => {
  it.each(CASES)('%s → %s (%s): applying the request gives the planned tier', (from, to, when) => {
    // Prepare
    const plan = planTierChange(tier(from), tier(to), { when });

    // Act
    const request = buildModifyDbInstanceRequest('tenant-acme-corp', plan, platform) as ModifyDBInstanceMessage;

    // Assess
    expect(request).toMatchObject({ DBInstanceIdentifier: 'tenant-acme-corp', ApplyImmediately: when === 'now' });
    expect(applied(tier(from), request)).toEqual(settingsOf(plan.target));
  });

  it.each(CASES)('%s → %s (%s): the request satisfies the ModifyDBInstance rules', (from, to, when) => {
    // Prepare
    const plan = planTierChange(tier(from), tier(to), { when });

    // Act
    const request = buildModifyDbInstanceRequest('tenant-acme-corp', plan, platform) as ModifyDBInstanceMessage;

    // Assess
    // Storage: never smaller; IOPS with every storage change of a volume that has them, none for gp3 under 400 GiB.
    if (request.AllocatedStorage !== undefined) {
      expect(request.AllocatedStorage).toBeGreaterThanOrEqual(tier(from).storage.allocatedGiB);
      const provisioned = request.StorageType !== 'gp2' && request.AllocatedStorage >= GP3_LARGE_VOLUME_GIB;
      expect(request.Iops !== undefined).toBe(provisioned);
      expect(request.StorageThroughput !== undefined).toBe(provisioned && request.StorageType === 'gp3');
    }
    if (request.MaxAllocatedStorage !== undefined) {
      const allocated = request.AllocatedStorage ?? tier(from).storage.allocatedGiB;
      expect(request.MaxAllocatedStorage * 10).toBeGreaterThanOrEqual(allocated * 11);
    }
    // Enhanced Monitoring names its role exactly when it is on.
    if (request.MonitoringInterval !== undefined) {
      expect(request.MonitoringRoleArn).toBe(request.MonitoringInterval > 0 ? ROLE : undefined);
    }
    // The Performance Insights key only when turning it on; a retention only while it is on.
    expect(request.PerformanceInsightsKMSKeyId).toBe(
      request.EnablePerformanceInsights === true && !tier(from).monitoring.performanceInsights ? KMS : undefined,
    );
    if (request.EnablePerformanceInsights === false) expect(request.PerformanceInsightsRetentionPeriod).toBeUndefined();
    if (request.DatabaseInsightsMode === 'advanced') {
      expect(request.EnablePerformanceInsights).toBe(true);
      expect(request.PerformanceInsightsRetentionPeriod).toBeGreaterThanOrEqual(465);
    }
    // Never an engine version: a tier change does not upgrade PostgreSQL.
    expect(request.EngineVersion).toBeUndefined();
    const logs = request.CloudwatchLogsExportConfiguration;
    if (logs) expect([...(logs.EnableLogTypes ?? []), ...(logs.DisableLogTypes ?? [])].length).toBeGreaterThan(0);
  });

  it('sends exactly what changes from pro to enterprise, with the gp3 IOPS and throughput of 500 GiB', () => {
    // Prepare
    const plan = planTierChange(tier('pro'), tier('enterprise'), { when: 'maintenance-window' });

    // Act
    const request = buildModifyDbInstanceRequest('tenant-acme-corp', plan, platform);

    // Assess
    expect(request).toEqual({
      DBInstanceIdentifier: 'tenant-acme-corp',
      DBInstanceClass: 'db.r7g.xlarge',
      StorageType: 'gp3',
      AllocatedStorage: 500,
      Iops: 12000,
      StorageThroughput: 500,
      MaxAllocatedStorage: 4000,
      BackupRetentionPeriod: 35,
      DatabaseInsightsMode: 'advanced',
      EnablePerformanceInsights: true,
      PerformanceInsightsRetentionPeriod: 465,
      MonitoringInterval: 5,
      MonitoringRoleArn: ROLE,
      CloudwatchLogsExportConfiguration: { EnableLogTypes: ['iam-db-auth-error'] },
      ApplyImmediately: false,
    });
  });

  it('turns Performance Insights off and disables log exports going from enterprise to starter, keeping the storage', () => {
    // Prepare
    const plan = planTierChange(tier('enterprise'), tier('starter'), { when: 'now' });

    // Act
    const request = buildModifyDbInstanceRequest('tenant-acme-corp', plan, platform);

    // Assess
    expect(request).toMatchObject({
      DBInstanceClass: 'db.t4g.micro',
      MultiAZ: false,
      MaxAllocatedStorage: 550,
      DatabaseInsightsMode: 'standard',
      EnablePerformanceInsights: false,
      CloudwatchLogsExportConfiguration: { DisableLogTypes: ['upgrade', 'iam-db-auth-error'] },
    });
    expect(request).not.toHaveProperty('AllocatedStorage');
    expect(request).not.toHaveProperty('PerformanceInsightsKMSKeyId');
  });
});

describe('buildModifyDbInstanceRequest with tier overrides', () => {
  const pro = tier('pro');
  it.each<[string, TierDefinition, TierDefinition, ChangeTiming, Partial<ModifyDBInstanceMessage> | undefined]>([
    [
      'io1 with IOPS raised to the floor of the allocation kept',
      { ...pro, storage: { type: 'io1', allocatedGiB: 4000, maxAllocatedGiB: 8000, iops: 20000 } },
      { ...pro, storage: { type: 'io1', allocatedGiB: 100, maxAllocatedGiB: 1000, iops: 1000 } },
      'now',
      {
        DBInstanceIdentifier: 'tenant-acme-corp',
        StorageType: 'io1',
        AllocatedStorage: 4000,
        Iops: 2000,
        MaxAllocatedStorage: 4400,
        ApplyImmediately: true,
      },
    ],
    [
      'gp2 to gp3 below 400 GiB: no IOPS',
      { ...pro, storage: { type: 'gp2', allocatedGiB: 200, maxAllocatedGiB: 400 } },
      pro,
      'maintenance-window',
      {
        DBInstanceIdentifier: 'tenant-acme-corp',
        StorageType: 'gp3',
        AllocatedStorage: 200,
        MaxAllocatedStorage: 1000,
        ApplyImmediately: false,
      },
    ],
    [
      'only alarms differ: nothing for ModifyDBInstance',
      pro,
      { ...pro, alarms: { ...pro.alarms, cpuUtilizationPercent: 60 } },
      'now',
      undefined,
    ],
    [
      'Enhanced Monitoring turned off: no role',
      pro,
      { ...pro, monitoring: { ...pro.monitoring, enhancedMonitoringIntervalSeconds: 0 } },
      'now',
      { DBInstanceIdentifier: 'tenant-acme-corp', MonitoringInterval: 0, ApplyImmediately: true },
    ],
  ])('%s', (_name, from, to, when, expected) => {
    // Prepare
    const plan = planTierChange(from, to, { when });

    // Act
    const request = buildModifyDbInstanceRequest('tenant-acme-corp', plan, platform);

    // Assess
    expect(request).toEqual(expected);
  });

  it('sends the gp3 baseline explicitly when a downgraded volume of 400 GiB or more changes type', () => {
    // Prepare: an io1 volume of 500 GiB moving to pro's gp3.
    const from = { ...pro, storage: { type: 'io1', allocatedGiB: 500, maxAllocatedGiB: 1000, iops: 5000 } } as const;
    const plan = planTierChange(from, pro);

    // Act
    const request = buildModifyDbInstanceRequest('tenant-acme-corp', plan, platform);

    // Assess
    const baseline = storagePerformance({ type: 'gp3', allocatedGiB: 500, maxAllocatedGiB: 1000 });
    expect(request).toMatchObject({
      StorageType: 'gp3',
      AllocatedStorage: 500,
      Iops: baseline.iops,
      StorageThroughput: baseline.throughputMiBps,
    });
  });
});
