import {
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  type DBInstance,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  type ModifyDBInstanceCommandInput,
  RDSClient,
} from '@aws-sdk/client-rds';
import { buildModifyDbInstanceRequest, planTierChange } from '../../../../lambdas/shared/tier-change';
import { DEFAULT_TIERS, type TierDefinition } from '../../../../lambdas/shared/tiers';
import { createRequest, KMS_KEY_ARN, useAwsDouble } from '../../../../lib/local/aws/fixtures';
import { STORAGE_COOLDOWN_MS, untilNextWindow } from '../../../../lib/local/aws/rds-modification';
import { DEFAULT_EPOCH_MS } from '../../../../lib/local/aws/virtual-clock';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ROLE = 'arn:aws:iam::123456789012:role/tenant-db-monitoring';
const rds = new RDSClient({ region: 'us-east-1' });
const ID = 'tenant-acme';

async function describe1(): Promise<DBInstance> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: ID }));
  return DBInstances?.[0] as DBInstance;
}

const modify = (input: Omit<ModifyDBInstanceCommandInput, 'DBInstanceIdentifier'>) =>
  rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: ID, ...input }));

/** 2030-01-06, the first Sunday after the clock's epoch (Tuesday 2030-01-01), at 04:00 UTC: the fixture's window. */
const FIRST_WINDOW = Date.UTC(2030, 0, 6, 4, 0);

describe('RDS double: ModifyDBInstance of a tier change', () => {
  const aws = useAwsDouble();

  /** A starter-sized instance (db.t4g.micro, 20 GiB gp3), available. */
  async function available(overrides: Partial<CreateDBInstanceCommandInput> = {}) {
    await rds.send(new CreateDBInstanceCommand({ ...createRequest(ID), ...overrides }));
    aws().clock.advance(DEFAULT_EPOCH_MS + HOUR - aws().clock.now());
    expect((await describe1()).DBInstanceStatus).toBe('available');
  }

  it('applies class and storage at once with ApplyImmediately: modifying, then storage-optimization, then available', async () => {
    // Prepare
    aws().rds.timings.modifyingMs = 10 * MINUTE;
    await available();

    // Act
    await modify({
      DBInstanceClass: 'db.m7g.large',
      AllocatedStorage: 100,
      StorageType: 'gp3',
      ApplyImmediately: true,
    });
    const during = (await describe1()).DBInstanceStatus;
    aws().clock.advance(10 * MINUTE);
    const optimizing = (await describe1()).DBInstanceStatus;
    aws().clock.advance(aws().rds.timings.storageOptimizationMs);

    // Assess
    expect([during, optimizing]).toEqual(['modifying', 'storage-optimization']);
    expect(await describe1()).toMatchObject({
      DBInstanceStatus: 'available',
      DBInstanceClass: 'db.m7g.large',
      AllocatedStorage: 100,
      PendingModifiedValues: {},
    });
  });

  it('keeps class and storage pending until the maintenance window, and applies the rest at once', async () => {
    // Prepare
    await available();

    // Act
    await modify({
      DBInstanceClass: 'db.m7g.large',
      MultiAZ: true,
      AllocatedStorage: 100,
      MaxAllocatedStorage: 1000,
      MonitoringInterval: 15,
      MonitoringRoleArn: ROLE,
      CloudwatchLogsExportConfiguration: { EnableLogTypes: ['postgresql', 'upgrade'] },
      ApplyImmediately: false,
    });
    const before = await describe1();
    aws().clock.advanceTo(FIRST_WINDOW - MINUTE);
    const justBefore = await describe1();
    aws().clock.advanceTo(FIRST_WINDOW);
    const after = await describe1();

    // Assess
    expect(before).toMatchObject({
      DBInstanceClass: 'db.t4g.micro',
      MultiAZ: false,
      AllocatedStorage: 20,
      MaxAllocatedStorage: 1000,
      MonitoringInterval: 15,
      EnabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
      PendingModifiedValues: { DBInstanceClass: 'db.m7g.large', MultiAZ: true, AllocatedStorage: 100 },
    });
    expect(justBefore.DBInstanceClass).toBe('db.t4g.micro');
    expect(after).toMatchObject({
      DBInstanceClass: 'db.m7g.large',
      MultiAZ: true,
      AllocatedStorage: 100,
      PendingModifiedValues: {},
    });
  });

  it('applies what was pending with the next ApplyImmediately request, as RDS does', async () => {
    // Prepare
    await available();
    await modify({ DBInstanceClass: 'db.m7g.large', ApplyImmediately: false });

    // Act
    await modify({ MultiAZ: true, ApplyImmediately: true });

    // Assess
    expect(await describe1()).toMatchObject({
      DBInstanceClass: 'db.m7g.large',
      MultiAZ: true,
      PendingModifiedValues: {},
    });
  });

  it('refuses a storage change for 6 hours after one, or while optimization runs, but not other changes', async () => {
    // Prepare
    aws().rds.timings.storageOptimizationMs = 8 * HOUR;
    await available();
    await modify({ AllocatedStorage: 100, ApplyImmediately: true });

    // Act
    aws().clock.advance(HOUR);
    const storageSoon = modify({ AllocatedStorage: 200, ApplyImmediately: true });
    const classSoon = modify({ DBInstanceClass: 'db.t4g.small', ApplyImmediately: true });
    const soon = await Promise.allSettled([storageSoon, classSoon]);
    aws().clock.advance(STORAGE_COOLDOWN_MS);
    const whileOptimizing = await modify({ AllocatedStorage: 200, ApplyImmediately: true }).catch((e: Error) => e);
    aws().clock.advance(2 * HOUR);
    await modify({ AllocatedStorage: 200, ApplyImmediately: true });

    // Assess
    const [refused, accepted] = soon;
    expect(accepted?.status).toBe('fulfilled');
    expect(refused?.status === 'rejected' && refused.reason).toMatchObject({
      name: 'InvalidParameterCombination',
      message:
        "You can't currently modify the storage of this DB instance because the previous storage change is being optimized.",
    });
    expect(whileOptimizing).toMatchObject({ name: 'InvalidParameterCombination' });
    expect((await describe1()).PendingModifiedValues).toEqual({});
    expect((await describe1()).AllocatedStorage).toBe(200);
  });

  it.each<[string, Partial<CreateDBInstanceCommandInput>, ModifyDBInstanceCommandInput, string, string]>([
    [
      'a smaller allocation',
      {},
      { DBInstanceIdentifier: ID, AllocatedStorage: 10 },
      'InvalidParameterValue',
      "can't be reduced",
    ],
    [
      'gp3 IOPS below 400 GiB',
      {},
      { DBInstanceIdentifier: ID, AllocatedStorage: 100, Iops: 3000 },
      'InvalidParameterCombination',
      'storage size less than 400',
    ],
    [
      'an io1 resize without IOPS',
      { StorageType: 'io1', AllocatedStorage: 100, MaxAllocatedStorage: 1000, Iops: 1000 },
      { DBInstanceIdentifier: ID, AllocatedStorage: 200 },
      'InvalidParameterCombination',
      'You must specify both the storage size and iops',
    ],
    [
      'an autoscaling ceiling under 110% of the allocation',
      {},
      { DBInstanceIdentifier: ID, AllocatedStorage: 100, MaxAllocatedStorage: 105 },
      'InvalidParameterCombination',
      'must be increased by at least 10 percent',
    ],
    [
      'Enhanced Monitoring without its role',
      {},
      { DBInstanceIdentifier: ID, MonitoringInterval: 15 },
      'InvalidParameterCombination',
      'MonitoringRoleArn value is required',
    ],
    [
      'advanced Database Insights without 465 days of Performance Insights',
      {},
      { DBInstanceIdentifier: ID, DatabaseInsightsMode: 'advanced', EnablePerformanceInsights: true },
      'InvalidParameterCombination',
      'at least 465 days',
    ],
  ])('refuses %s with %s, changing nothing', async (_name, created, input, code, message) => {
    // Prepare
    await available(created);
    const before = await describe1();

    // Act
    const error = await rds.send(new ModifyDBInstanceCommand({ ...input, ApplyImmediately: true })).catch((e) => e);

    // Assess
    expect(error).toMatchObject({ name: code });
    expect(error.message).toContain(message);
    expect(await describe1()).toEqual(before);
  });

  it('accepts the request the tier change builds from starter to pro, and ends with pro settings', async () => {
    // Prepare
    const starter = DEFAULT_TIERS.starter as TierDefinition;
    const pro = DEFAULT_TIERS.pro as TierDefinition;
    await available({
      MonitoringInterval: 60,
      MonitoringRoleArn: ROLE,
      EnableCloudwatchLogsExports: ['postgresql'],
      DatabaseInsightsMode: 'standard',
    });
    const plan = planTierChange(starter, pro, { when: 'maintenance-window' });
    const request = buildModifyDbInstanceRequest(ID, plan, { kmsKeyArn: KMS_KEY_ARN, monitoringRoleArn: ROLE });

    // Act
    await rds.send(new ModifyDBInstanceCommand(request as ModifyDBInstanceCommandInput));
    const pending = (await describe1()).PendingModifiedValues;
    aws().clock.advanceTo(FIRST_WINDOW + aws().rds.timings.storageOptimizationMs);

    // Assess
    expect(pending).toEqual({
      DBInstanceClass: 'db.m7g.large',
      MultiAZ: true,
      StorageType: 'gp3',
      AllocatedStorage: 100,
    });
    expect(await describe1()).toMatchObject({
      DBInstanceStatus: 'available',
      DBInstanceClass: pro.instanceClass,
      MultiAZ: true,
      AllocatedStorage: 100,
      MaxAllocatedStorage: 1000,
      PerformanceInsightsEnabled: true,
      PerformanceInsightsRetentionPeriod: 7,
      MonitoringInterval: 15,
      EnabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
      PendingModifiedValues: {},
    });
  });
});

describe('untilNextWindow', () => {
  it.each([
    ['later the same week', 'sun:04:00-sun:04:30', Date.UTC(2030, 0, 1, 0, 0), Date.UTC(2030, 0, 6, 4, 0)],
    ['later the same day', 'tue:10:00-tue:10:30', Date.UTC(2030, 0, 1, 9, 30), Date.UTC(2030, 0, 1, 10, 0)],
    [
      'next week once this one started',
      'tue:10:00-tue:10:30',
      Date.UTC(2030, 0, 1, 10, 0),
      Date.UTC(2030, 0, 8, 10, 0),
    ],
    ['a window starting on Monday', 'mon:00:00-mon:00:30', Date.UTC(2030, 0, 6, 23, 59), Date.UTC(2030, 0, 7, 0, 0)],
  ])('%s', (_name, window, now, expected) => {
    // Act / Assess
    expect(now + untilNextWindow(window, now)).toBe(expected);
  });
});
