import {
  DEFAULT_TIERS,
  majorVersionOf,
  parseDailyWindow,
  parseWeeklyWindow,
  resolveCatalog,
  TIER_RULES,
  TierCatalogError,
  type TierDefinition,
  type TierOverride,
  type TierViolation,
  validateTier,
} from '../../../../lambdas/shared/tiers';

/**
 * The tier rules as an operator reads them in a synth error: every rule's field and text, literally, and the values
 * AWS refuses that a loose check would let through (wrong types, unanchored patterns, edges of each range).
 */

function builtIn(name: string): TierDefinition {
  const tier = DEFAULT_TIERS[name];
  if (!tier) throw new Error(`no built-in tier ${name}`);
  return tier;
}
const pro = builtIn('pro');

/** Valid tiers each case starts from. */
const BASES = {
  /** gp3 at 20 GiB: baseline performance only. */
  starter: builtIn('starter'),
  pro,
  /** gp3 at 500 GiB with provisioned IOPS and throughput, advanced Database Insights, cross-Region backups. */
  enterprise: builtIn('enterprise'),
  gp2: { ...pro, storage: { type: 'gp2', allocatedGiB: 100, maxAllocatedGiB: 1000 } },
  /** gp3 at 400 GiB, the smallest size that may provision IOPS and throughput. */
  gp3At400: { ...pro, storage: { type: 'gp3', allocatedGiB: 400, maxAllocatedGiB: 1000 } },
  io1: { ...pro, storage: { type: 'io1', allocatedGiB: 100, maxAllocatedGiB: 1000, iops: 3000 } },
  io2: { ...pro, storage: { type: 'io2', allocatedGiB: 1000, maxAllocatedGiB: 2000, iops: 3000 } },
  /** Not valid: io2 needs IOPS. */
  io2WithoutIops: { ...pro, storage: { type: 'io2', allocatedGiB: 1000, maxAllocatedGiB: 2000 } },
} satisfies Record<string, TierDefinition>;
type Base = keyof typeof BASES;

/** Every violation of tier `base` with `override` merged in, through the path cdk.json overrides take. */
function violationsOf(base: Base, override: Record<string, unknown>): TierViolation[] {
  try {
    resolveCatalog({ case: override as TierOverride }, { case: BASES[base] });
    return [];
  } catch (error) {
    if (error instanceof TierCatalogError) return [...error.violations];
    throw error;
  }
}

describe('TIER_RULES', () => {
  it('names each rule, its field and its text as the synth error prints them, in order', () => {
    // Act
    const rules = TIER_RULES.map((r) => [r.id, r.field, r.rule]);

    // Assess
    expect(rules).toEqual([
      ['description', 'description', 'must be a non-empty sentence'],
      ['instance-class-format', 'instanceClass', 'must be a DB instance class such as db.m7g.large'],
      [
        'instance-class-generation',
        'instanceClass',
        'must be a current-generation class (families t4g, m6g, m6gd, m6i, m6id, m6in, m6idn, m7g, m7gd, m7i, m8g, m8gd, r6g, r6gd, r6i, r6id, r6in, r6idn, r7g, r7gd, r7i, r8g, r8gd, x2g, x2iedn)',
      ],
      [
        'engine-version',
        'engineVersion',
        'must be a PostgreSQL version RDS can still create: major 14, 15, 16, 17, 18, optionally with a supported minor (e.g. 17 or 17.6)',
      ],
      ['storage-type', 'storage.type', 'must be gp2, gp3, io1 or io2'],
      [
        'storage-size-general-purpose',
        'storage.allocatedGiB',
        'must be a whole number of GiB from 20 to 65536 for gp2 and gp3',
      ],
      [
        'storage-size-provisioned-iops',
        'storage.allocatedGiB',
        'must be a whole number of GiB from 100 to 65536 for io1 and io2',
      ],
      [
        'storage-autoscaling-ceiling',
        'storage.maxAllocatedGiB',
        'must be a whole number of GiB at least 10% above allocatedGiB and at most 65536',
      ],
      ['gp2-no-iops', 'storage.iops', 'cannot be set for gp2 storage'],
      [
        'gp3-baseline-below-400',
        'storage.iops',
        'gp3 IOPS and throughput can be provisioned only at 400 GiB and above (below that RDS for PostgreSQL gives a fixed 3000 IOPS / 125 MiB/s baseline)',
      ],
      ['gp3-iops-range', 'storage.iops', 'gp3 IOPS must be a whole number from 12000 to 64000'],
      ['gp2-no-throughput', 'storage.throughputMiBps', 'cannot be set for gp2 storage'],
      [
        'gp3-throughput-baseline-below-400',
        'storage.throughputMiBps',
        'gp3 IOPS and throughput can be provisioned only at 400 GiB and above (below that RDS for PostgreSQL gives a fixed 3000 IOPS / 125 MiB/s baseline)',
      ],
      [
        'gp3-throughput-range',
        'storage.throughputMiBps',
        'gp3 throughput must be a whole number of MiB/s from 500 to 4000',
      ],
      ['gp3-throughput-iops-ratio', 'storage.throughputMiBps', 'gp3 throughput (MiB/s) must be at most 0.25 × IOPS'],
      ['io-iops-required', 'storage.iops', 'io1 and io2 storage need IOPS, a whole number from 1000 to 256000'],
      ['io1-iops-ratio', 'storage.iops', 'io1 IOPS must be from 0.5 to 50 times the allocated GiB'],
      ['io2-iops-ratio', 'storage.iops', 'io2 IOPS must be from 0.5 to 1000 times the allocated GiB'],
      ['io-no-throughput', 'storage.throughputMiBps', 'can be set only for gp3 storage'],
      ['multi-az', 'multiAz', 'must be true or false'],
      [
        'backup-retention',
        'backup.retentionDays',
        'must be a whole number of days from 1 to 35 (0 would turn automated backups off)',
      ],
      ['backup-window-format', 'backup.preferredWindow', 'must be a UTC window hh24:mi-hh24:mi'],
      ['backup-window-length', 'backup.preferredWindow', 'must last at least 30 minutes'],
      [
        'maintenance-window-format',
        'preferredMaintenanceWindow',
        'must be a UTC window ddd:hh24:mi-ddd:hh24:mi with days mon..sun',
      ],
      ['maintenance-window-length', 'preferredMaintenanceWindow', 'must last at least 30 minutes and at most 24 hours'],
      ['windows-disjoint', 'preferredMaintenanceWindow', 'must not overlap the backup window'],
      ['replication-flag', 'backup.crossRegionReplication', 'must be true or false'],
      [
        'replication-retention',
        'backup.replicationRetentionDays',
        'must be a whole number of days from 1 to 35 when crossRegionReplication is on',
      ],
      ['deletion-protection', 'deletionProtection', 'must be true or false'],
      ['insights-mode', 'monitoring.databaseInsightsMode', 'must be standard or advanced'],
      [
        'performance-insights-retention',
        'monitoring.performanceInsightsRetentionDays',
        'must be 7, 731 or a multiple of 31 up to 713 when Performance Insights is on, and unset when it is off',
      ],
      [
        'advanced-insights-needs-pi',
        'monitoring.databaseInsightsMode',
        'advanced needs Performance Insights on with at least 465 days retention',
      ],
      [
        'enhanced-monitoring-interval',
        'monitoring.enhancedMonitoringIntervalSeconds',
        'must be 0 (off), 1, 5, 10, 15, 30 or 60',
      ],
      [
        'log-exports',
        'monitoring.logExports',
        'must list distinct PostgreSQL log types: postgresql, upgrade, iam-db-auth-error',
      ],
      ['alarm-cpu', 'alarms.cpuUtilizationPercent', 'must be a percentage above 0 and at most 100'],
      ['alarm-free-storage', 'alarms.freeStoragePercent', 'must be a percentage above 0 and below 100'],
      ['alarm-memory', 'alarms.freeableMemoryMiB', 'must be a positive number of MiB'],
      [
        'alarm-connections',
        'alarms.databaseConnections',
        'must be a whole number of connections from 1 to 5000 (the RDS for PostgreSQL max_connections ceiling)',
      ],
      ['alarm-read-latency', 'alarms.readLatencyMs', 'must be a positive number of milliseconds'],
      ['alarm-write-latency', 'alarms.writeLatencyMs', 'must be a positive number of milliseconds'],
      [
        'alarm-period',
        'alarms.periodSeconds',
        'must be 60 seconds or a multiple of it (RDS publishes metrics every minute)',
      ],
      [
        'alarm-evaluation-window',
        'alarms.evaluationPeriods',
        'must be a whole number of at least 1, with evaluationPeriods × periodSeconds at most 86400 (one day)',
      ],
      ['provisioning-budget', 'provisioningBudgetMinutes', 'must be a whole number of minutes from 15 to 240'],
      [
        'app-secret-rotation',
        'appSecretRotationDays',
        "must be a whole number of days from 1 to 1000 (Secrets Manager's AutomaticallyAfterDays)",
      ],
      ['tier-change-timing', 'tierChangeTiming', 'must be now or maintenance-window (or left out: now)'],
      [
        'final-snapshot-retention',
        'offboarding.finalSnapshotRetentionDays',
        'must be a whole number of days from 1 to 3650',
      ],
      [
        'keep-automated-backups',
        'offboarding.keepAutomatedBackups',
        'must be true or false (DeleteDBInstance DeleteAutomatedBackups is its negation)',
      ],
    ]);
  });
});

/** A value AWS refuses, and the one violation it causes: the rule, on the field that holds the value. */
interface Refused {
  why: string;
  base: Base;
  override: Record<string, unknown>;
  ruleId: string;
  field: string;
  received: unknown;
}

describe('validateTier refuses what AWS refuses', () => {
  it.each<Refused>([
    {
      why: 'final snapshots kept for no day',
      base: 'pro',
      override: { offboarding: { finalSnapshotRetentionDays: 0 } },
      ruleId: 'final-snapshot-retention',
      field: 'offboarding.finalSnapshotRetentionDays',
      received: 0,
    },
    {
      why: 'final snapshots kept for more than ten years',
      base: 'pro',
      override: { offboarding: { finalSnapshotRetentionDays: 3651 } },
      ruleId: 'final-snapshot-retention',
      field: 'offboarding.finalSnapshotRetentionDays',
      received: 3651,
    },
    {
      why: 'automated backups kept as a string',
      base: 'pro',
      override: { offboarding: { keepAutomatedBackups: 'yes' } },
      ruleId: 'keep-automated-backups',
      field: 'offboarding.keepAutomatedBackups',
      received: 'yes',
    },
    // Wrong types: cdk.json and TIER_CATALOG are JSON, so a number or a string can stand where the other belongs.
    {
      why: 'a numeric engine version',
      base: 'pro',
      override: { engineVersion: 17 },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: 17,
    },
    {
      why: 'a numeric major.minor engine version',
      base: 'pro',
      override: { engineVersion: 17.6 },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: 17.6,
    },
    {
      why: 'a numeric instance class',
      base: 'pro',
      override: { instanceClass: 7 },
      ruleId: 'instance-class-format',
      field: 'instanceClass',
      received: 7,
    },
    {
      why: 'a CPU threshold given as a string',
      base: 'pro',
      override: { alarms: { cpuUtilizationPercent: '80' } },
      ruleId: 'alarm-cpu',
      field: 'alarms.cpuUtilizationPercent',
      received: '80',
    },
    {
      why: 'a free-storage threshold given as a string',
      base: 'pro',
      override: { alarms: { freeStoragePercent: '10' } },
      ruleId: 'alarm-free-storage',
      field: 'alarms.freeStoragePercent',
      received: '10',
    },
    {
      why: 'a memory threshold given as a string',
      base: 'pro',
      override: { alarms: { freeableMemoryMiB: '512' } },
      ruleId: 'alarm-memory',
      field: 'alarms.freeableMemoryMiB',
      received: '512',
    },
    {
      why: 'a connections threshold given as a string',
      base: 'pro',
      override: { alarms: { databaseConnections: '700' } },
      ruleId: 'alarm-connections',
      field: 'alarms.databaseConnections',
      received: '700',
    },
    {
      why: 'a read-latency threshold given as a string',
      base: 'pro',
      override: { alarms: { readLatencyMs: '20' } },
      ruleId: 'alarm-read-latency',
      field: 'alarms.readLatencyMs',
      received: '20',
    },
    {
      why: 'a write-latency threshold given as a string',
      base: 'pro',
      override: { alarms: { writeLatencyMs: '20' } },
      ruleId: 'alarm-write-latency',
      field: 'alarms.writeLatencyMs',
      received: '20',
    },
    {
      why: 'an alarm period given as a string',
      base: 'pro',
      override: { alarms: { periodSeconds: '300' } },
      ruleId: 'alarm-period',
      field: 'alarms.periodSeconds',
      received: '300',
    },
    {
      why: 'evaluation periods given as a string',
      base: 'pro',
      override: { alarms: { evaluationPeriods: '3' } },
      ruleId: 'alarm-evaluation-window',
      field: 'alarms.evaluationPeriods',
      received: '3',
    },
    {
      why: 'an Enhanced Monitoring interval given as a string',
      base: 'pro',
      override: { monitoring: { enhancedMonitoringIntervalSeconds: '60' } },
      ruleId: 'enhanced-monitoring-interval',
      field: 'monitoring.enhancedMonitoringIntervalSeconds',
      received: '60',
    },
    {
      why: 'log exports given as one string',
      base: 'pro',
      override: { monitoring: { logExports: 'postgresql' } },
      ruleId: 'log-exports',
      field: 'monitoring.logExports',
      received: 'postgresql',
    },
    {
      why: 'a replication flag given as a string',
      base: 'enterprise',
      override: { backup: { crossRegionReplication: 'true' } },
      ruleId: 'replication-flag',
      field: 'backup.crossRegionReplication',
      received: 'true',
    },
    {
      why: 'a backup window given as a number',
      base: 'pro',
      override: { backup: { preferredWindow: 300 } },
      ruleId: 'backup-window-format',
      field: 'backup.preferredWindow',
      received: 300,
    },
    {
      why: 'a storage size given as a string',
      base: 'starter',
      override: { storage: { allocatedGiB: '20' } },
      ruleId: 'storage-size-general-purpose',
      field: 'storage.allocatedGiB',
      received: '20',
    },
    {
      why: 'an autoscaling ceiling given as a string',
      base: 'starter',
      override: { storage: { maxAllocatedGiB: '100' } },
      ruleId: 'storage-autoscaling-ceiling',
      field: 'storage.maxAllocatedGiB',
      received: '100',
    },
    {
      why: 'a budget given as a string',
      base: 'pro',
      override: { provisioningBudgetMinutes: '60' },
      ruleId: 'provisioning-budget',
      field: 'provisioningBudgetMinutes',
      received: '60',
    },
    // Patterns hold for the whole value, not a part of it.
    {
      why: 'an engine version with a leading v',
      base: 'pro',
      override: { engineVersion: 'v17' },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: 'v17',
    },
    {
      why: 'an engine version with a suffix',
      base: 'pro',
      override: { engineVersion: '17.6-beta' },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: '17.6-beta',
    },
    {
      why: 'a patch-level engine version',
      base: 'pro',
      override: { engineVersion: '17.6.1' },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: '17.6.1',
    },
    {
      why: 'a major written with a leading zero',
      base: 'pro',
      override: { engineVersion: '017' },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: '017',
    },
    {
      why: 'a minor written with a leading zero',
      base: 'pro',
      override: { engineVersion: '17.06' },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: '17.06',
    },
    {
      why: 'a trailing dot',
      base: 'pro',
      override: { engineVersion: '17.' },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: '17.',
    },
    {
      why: 'a major past the end of standard support',
      base: 'pro',
      override: { engineVersion: '12' },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: '12',
    },
    {
      why: 'a minor older than the oldest creatable one',
      base: 'pro',
      override: { engineVersion: '14.16' },
      ruleId: 'engine-version',
      field: 'engineVersion',
      received: '14.16',
    },
    {
      why: 'an instance class with a prefix',
      base: 'pro',
      override: { instanceClass: 'xdb.m7g.large' },
      ruleId: 'instance-class-format',
      field: 'instanceClass',
      received: 'xdb.m7g.large',
    },
    {
      why: 'an instance class with a suffix',
      base: 'pro',
      override: { instanceClass: 'db.m7g.large.x' },
      ruleId: 'instance-class-format',
      field: 'instanceClass',
      received: 'db.m7g.large.x',
    },
    {
      why: 'an upper-case instance class',
      base: 'pro',
      override: { instanceClass: 'db.M7G.large' },
      ruleId: 'instance-class-format',
      field: 'instanceClass',
      received: 'db.M7G.large',
    },
    {
      why: 'a size with a leading zero',
      base: 'pro',
      override: { instanceClass: 'db.m7g.02xlarge' },
      ruleId: 'instance-class-format',
      field: 'instanceClass',
      received: 'db.m7g.02xlarge',
    },
    {
      why: 'a metal size without its xl',
      base: 'pro',
      override: { instanceClass: 'db.m7g.metal-48' },
      ruleId: 'instance-class-format',
      field: 'instanceClass',
      received: 'db.m7g.metal-48',
    },
    {
      why: 'a family that merely contains a current one',
      base: 'pro',
      override: { instanceClass: 'db.xm7g.large' },
      ruleId: 'instance-class-generation',
      field: 'instanceClass',
      received: 'db.xm7g.large',
    },
    {
      why: 'a backup window with a prefix',
      base: 'pro',
      override: { backup: { preferredWindow: 'x03:00-03:30' } },
      ruleId: 'backup-window-format',
      field: 'backup.preferredWindow',
      received: 'x03:00-03:30',
    },
    {
      why: 'a backup window with a suffix',
      base: 'pro',
      override: { backup: { preferredWindow: '03:00-03:30x' } },
      ruleId: 'backup-window-format',
      field: 'backup.preferredWindow',
      received: '03:00-03:30x',
    },
    {
      why: 'a maintenance window with a prefix',
      base: 'pro',
      override: { preferredMaintenanceWindow: 'xsun:04:00-sun:04:30' },
      ruleId: 'maintenance-window-format',
      field: 'preferredMaintenanceWindow',
      received: 'xsun:04:00-sun:04:30',
    },
    {
      why: 'a maintenance window with a suffix',
      base: 'pro',
      override: { preferredMaintenanceWindow: 'sun:04:00-sun:04:30x' },
      ruleId: 'maintenance-window-format',
      field: 'preferredMaintenanceWindow',
      received: 'sun:04:00-sun:04:30x',
    },
    // io1 and io2 limits.
    {
      why: 'io2 IOPS above the io2 ceiling',
      base: 'io2',
      override: { storage: { allocatedGiB: 1000, iops: 256001 } },
      ruleId: 'io-iops-required',
      field: 'storage.iops',
      received: 256001,
    },
    {
      why: 'io2 IOPS below 1000',
      base: 'io2',
      override: { storage: { iops: 999 } },
      ruleId: 'io-iops-required',
      field: 'storage.iops',
      received: 999,
    },
    {
      why: 'io2 without IOPS',
      base: 'io2WithoutIops',
      override: {},
      ruleId: 'io-iops-required',
      field: 'storage.iops',
      received: undefined,
    },
    {
      why: 'io2 IOPS as a fraction',
      base: 'io2',
      override: { storage: { iops: 3000.5 } },
      ruleId: 'io-iops-required',
      field: 'storage.iops',
      received: 3000.5,
    },
    {
      why: 'io2 IOPS below half the GiB',
      base: 'io2',
      override: { storage: { allocatedGiB: 2002, maxAllocatedGiB: 4000, iops: 1000 } },
      ruleId: 'io2-iops-ratio',
      field: 'storage.iops',
      received: 1000,
    },
    {
      why: 'io2 IOPS above 1000 per GiB',
      base: 'io2',
      override: { storage: { allocatedGiB: 100, maxAllocatedGiB: 1000, iops: 100001 } },
      ruleId: 'io2-iops-ratio',
      field: 'storage.iops',
      received: 100001,
    },
    {
      why: 'io1 IOPS above the io1 and io2 ceiling',
      base: 'io1',
      override: { storage: { allocatedGiB: 6000, maxAllocatedGiB: 7000, iops: 256001 } },
      ruleId: 'io-iops-required',
      field: 'storage.iops',
      received: 256001,
    },
    {
      why: 'io1 IOPS above 50 per GiB',
      base: 'io1',
      override: { storage: { allocatedGiB: 100, iops: 5001 } },
      ruleId: 'io1-iops-ratio',
      field: 'storage.iops',
      received: 5001,
    },
    {
      why: 'io1 below 100 GiB',
      base: 'io1',
      override: { storage: { allocatedGiB: 99, iops: 1000 } },
      ruleId: 'storage-size-provisioned-iops',
      field: 'storage.allocatedGiB',
      received: 99,
    },
    {
      why: 'throughput on io2',
      base: 'io2',
      override: { storage: { throughputMiBps: 500 } },
      ruleId: 'io-no-throughput',
      field: 'storage.throughputMiBps',
      received: 500,
    },
    {
      why: 'throughput on io1 below the gp3 range',
      base: 'io1',
      override: { storage: { throughputMiBps: 125 } },
      ruleId: 'io-no-throughput',
      field: 'storage.throughputMiBps',
      received: 125,
    },
    {
      why: 'throughput on io1 above a quarter of its IOPS',
      base: 'io1',
      override: { storage: { iops: 3000, throughputMiBps: 1000 } },
      ruleId: 'io-no-throughput',
      field: 'storage.throughputMiBps',
      received: 1000,
    },
    // Provisioned performance where RDS gives a fixed baseline.
    {
      why: 'throughput without IOPS on gp2',
      base: 'gp2',
      override: { storage: { throughputMiBps: 500 } },
      ruleId: 'gp2-no-throughput',
      field: 'storage.throughputMiBps',
      received: 500,
    },
    {
      why: 'IOPS without throughput on gp2',
      base: 'gp2',
      override: { storage: { iops: 12000 } },
      ruleId: 'gp2-no-iops',
      field: 'storage.iops',
      received: 12000,
    },
    {
      why: 'throughput without IOPS on gp3 below 400 GiB',
      base: 'starter',
      override: { storage: { throughputMiBps: 500 } },
      ruleId: 'gp3-throughput-baseline-below-400',
      field: 'storage.throughputMiBps',
      received: 500,
    },
    {
      why: 'IOPS without throughput on gp3 below 400 GiB',
      base: 'starter',
      override: { storage: { iops: 12000 } },
      ruleId: 'gp3-baseline-below-400',
      field: 'storage.iops',
      received: 12000,
    },
    {
      why: 'gp3 throughput above a quarter of the baseline 12000 IOPS when IOPS are not set',
      base: 'gp3At400',
      override: { storage: { throughputMiBps: 3001 } },
      ruleId: 'gp3-throughput-iops-ratio',
      field: 'storage.throughputMiBps',
      received: 3001,
    },
    {
      why: 'gp3 throughput as a fraction',
      base: 'gp3At400',
      override: { storage: { throughputMiBps: 500.5 } },
      ruleId: 'gp3-throughput-range',
      field: 'storage.throughputMiBps',
      received: 500.5,
    },
    {
      why: 'gp3 IOPS as a fraction',
      base: 'gp3At400',
      override: { storage: { iops: 12000.5 } },
      ruleId: 'gp3-iops-range',
      field: 'storage.iops',
      received: 12000.5,
    },
    {
      why: 'an autoscaling ceiling above 65536 GiB',
      base: 'gp3At400',
      override: { storage: { maxAllocatedGiB: 65537 } },
      ruleId: 'storage-autoscaling-ceiling',
      field: 'storage.maxAllocatedGiB',
      received: 65537,
    },
    {
      why: 'a fractional autoscaling ceiling',
      base: 'gp3At400',
      override: { storage: { maxAllocatedGiB: 1000.5 } },
      ruleId: 'storage-autoscaling-ceiling',
      field: 'storage.maxAllocatedGiB',
      received: 1000.5,
    },
    // Zero where zero switches something off or means nothing.
    {
      why: 'zero days of Performance Insights',
      base: 'pro',
      override: { monitoring: { performanceInsightsRetentionDays: 0 } },
      ruleId: 'performance-insights-retention',
      field: 'monitoring.performanceInsightsRetentionDays',
      received: 0,
    },
    {
      why: 'minus 31 days of Performance Insights',
      base: 'pro',
      override: { monitoring: { performanceInsightsRetentionDays: -31 } },
      ruleId: 'performance-insights-retention',
      field: 'monitoring.performanceInsightsRetentionDays',
      received: -31,
    },
    {
      why: 'a Performance Insights retention between 7 and 31 days',
      base: 'pro',
      override: { monitoring: { performanceInsightsRetentionDays: 8 } },
      ruleId: 'performance-insights-retention',
      field: 'monitoring.performanceInsightsRetentionDays',
      received: 8,
    },
    {
      why: 'a Performance Insights retention given as a string',
      base: 'pro',
      override: { monitoring: { performanceInsightsRetentionDays: '7' } },
      ruleId: 'performance-insights-retention',
      field: 'monitoring.performanceInsightsRetentionDays',
      received: '7',
    },
    {
      why: 'Performance Insights given as a string for advanced Database Insights',
      base: 'enterprise',
      override: { monitoring: { performanceInsights: 'true' } },
      ruleId: 'advanced-insights-needs-pi',
      field: 'monitoring.databaseInsightsMode',
      received: 'advanced',
    },
    {
      why: 'advanced Database Insights with 464 days of Performance Insights',
      base: 'enterprise',
      override: { monitoring: { performanceInsightsRetentionDays: 434 } },
      ruleId: 'advanced-insights-needs-pi',
      field: 'monitoring.databaseInsightsMode',
      received: 'advanced',
    },
    {
      why: 'a zero alarm period',
      base: 'pro',
      override: { alarms: { periodSeconds: 0 } },
      ruleId: 'alarm-period',
      field: 'alarms.periodSeconds',
      received: 0,
    },
    {
      why: 'a negative alarm period',
      base: 'pro',
      override: { alarms: { periodSeconds: -60 } },
      ruleId: 'alarm-period',
      field: 'alarms.periodSeconds',
      received: -60,
    },
    {
      why: 'a fractional alarm period that is a multiple of nothing',
      base: 'pro',
      override: { alarms: { periodSeconds: 60.5 } },
      ruleId: 'alarm-period',
      field: 'alarms.periodSeconds',
      received: 60.5,
    },
    {
      why: 'fractional evaluation periods',
      base: 'pro',
      override: { alarms: { evaluationPeriods: 1.5 } },
      ruleId: 'alarm-evaluation-window',
      field: 'alarms.evaluationPeriods',
      received: 1.5,
    },
    {
      why: 'a zero free-storage threshold',
      base: 'pro',
      override: { alarms: { freeStoragePercent: 0 } },
      ruleId: 'alarm-free-storage',
      field: 'alarms.freeStoragePercent',
      received: 0,
    },
    {
      why: 'zero connections',
      base: 'pro',
      override: { alarms: { databaseConnections: 0 } },
      ruleId: 'alarm-connections',
      field: 'alarms.databaseConnections',
      received: 0,
    },
    {
      why: 'zero read latency',
      base: 'pro',
      override: { alarms: { readLatencyMs: 0 } },
      ruleId: 'alarm-read-latency',
      field: 'alarms.readLatencyMs',
      received: 0,
    },
    {
      why: 'zero days of replicated backups',
      base: 'enterprise',
      override: { backup: { replicationRetentionDays: 0 } },
      ruleId: 'replication-retention',
      field: 'backup.replicationRetentionDays',
      received: 0,
    },
    {
      why: 'a 24-hour maintenance window plus one minute',
      base: 'pro',
      override: { preferredMaintenanceWindow: 'mon:04:00-tue:04:01' },
      ruleId: 'maintenance-window-length',
      field: 'preferredMaintenanceWindow',
      received: 'mon:04:00-tue:04:01',
    },
    {
      why: 'a 24-hour maintenance window: long enough, but it crosses a daily backup',
      base: 'pro',
      override: { preferredMaintenanceWindow: 'mon:04:00-tue:04:00' },
      ruleId: 'windows-disjoint',
      field: 'preferredMaintenanceWindow',
      received: 'mon:04:00-tue:04:00',
    },
    {
      why: 'a maintenance window that starts inside the backup window',
      base: 'pro',
      override: { preferredMaintenanceWindow: 'wed:03:29-wed:04:29' },
      ruleId: 'windows-disjoint',
      field: 'preferredMaintenanceWindow',
      received: 'wed:03:29-wed:04:29',
    },
    {
      why: 'a maintenance window that ends inside the backup window',
      base: 'pro',
      override: { preferredMaintenanceWindow: 'wed:02:31-wed:03:01' },
      ruleId: 'windows-disjoint',
      field: 'preferredMaintenanceWindow',
      received: 'wed:02:31-wed:03:01',
    },
    {
      why: "a Sunday-night maintenance window over Monday's backups after midnight",
      base: 'pro',
      override: { preferredMaintenanceWindow: 'sun:23:50-mon:03:10' },
      ruleId: 'windows-disjoint',
      field: 'preferredMaintenanceWindow',
      received: 'sun:23:50-mon:03:10',
    },
    {
      why: 'a Monday maintenance window over the backups that started on Sunday night',
      base: 'pro',
      override: { backup: { preferredWindow: '23:45-00:30' }, preferredMaintenanceWindow: 'mon:00:15-mon:00:45' },
      ruleId: 'windows-disjoint',
      field: 'preferredMaintenanceWindow',
      received: 'mon:00:15-mon:00:45',
    },
    {
      why: "a Sunday maintenance window over Sunday night's backups that end on Monday",
      base: 'pro',
      override: { backup: { preferredWindow: '23:45-00:30' }, preferredMaintenanceWindow: 'sun:23:00-sun:23:50' },
      ruleId: 'windows-disjoint',
      field: 'preferredMaintenanceWindow',
      received: 'sun:23:00-sun:23:50',
    },
  ])('$why', ({ base, override, ruleId, field, received }) => {
    // Act
    const violations = violationsOf(base, override);

    // Assess
    expect(violations.map((v) => ({ ruleId: v.ruleId, field: v.field, received: v.received }))).toEqual([
      { ruleId, field, received },
    ]);
  });
});

describe('validateTier accepts the edges of each range', () => {
  it.each<{ why: string; base: Base; override: Record<string, unknown> }>([
    { why: 'a creatable major', base: 'pro', override: { engineVersion: '14' } },
    { why: 'final snapshots kept one day', base: 'pro', override: { offboarding: { finalSnapshotRetentionDays: 1 } } },
    {
      why: 'final snapshots kept ten years',
      base: 'pro',
      override: { offboarding: { finalSnapshotRetentionDays: 3650 } },
    },
    { why: 'automated backups kept at delete', base: 'pro', override: { offboarding: { keepAutomatedBackups: true } } },
    { why: 'the oldest creatable minor of 14', base: 'pro', override: { engineVersion: '14.17' } },
    { why: 'the oldest creatable minor of 18', base: 'pro', override: { engineVersion: '18.1' } },
    { why: 'a two-digit minor', base: 'pro', override: { engineVersion: '17.10' } },
    { why: 'a metal instance class', base: 'pro', override: { instanceClass: 'db.m7g.metal' } },
    { why: 'a sized metal instance class', base: 'pro', override: { instanceClass: 'db.m7i.metal-48xl' } },
    { why: 'a 16xlarge instance class', base: 'pro', override: { instanceClass: 'db.r7g.16xlarge' } },
    { why: 'an x2iedn instance class', base: 'pro', override: { instanceClass: 'db.x2iedn.xlarge' } },
    { why: 'io2 at 256000 IOPS', base: 'io2', override: { storage: { allocatedGiB: 1000, iops: 256000 } } },
    { why: 'io2 at 1000 IOPS per GiB', base: 'io2', override: { storage: { allocatedGiB: 100, iops: 100000 } } },
    {
      why: 'io2 at half an IOPS per GiB',
      base: 'io2',
      override: { storage: { allocatedGiB: 2000, maxAllocatedGiB: 4000, iops: 1000 } },
    },
    { why: 'io1 at 50 IOPS per GiB', base: 'io1', override: { storage: { allocatedGiB: 100, iops: 5000 } } },
    {
      why: 'io1 at half an IOPS per GiB',
      base: 'io1',
      override: { storage: { allocatedGiB: 2000, maxAllocatedGiB: 4000, iops: 1000 } },
    },
    { why: 'gp3 throughput alone at 400 GiB', base: 'gp3At400', override: { storage: { throughputMiBps: 3000 } } },
    { why: 'gp3 IOPS alone at 400 GiB', base: 'gp3At400', override: { storage: { iops: 12000 } } },
    {
      why: 'gp3 at 12000 IOPS and 500 MiB/s',
      base: 'gp3At400',
      override: { storage: { iops: 12000, throughputMiBps: 500 } },
    },
    {
      why: 'Performance Insights for 31 days',
      base: 'pro',
      override: { monitoring: { performanceInsightsRetentionDays: 31 } },
    },
    {
      why: 'Performance Insights for 731 days',
      base: 'pro',
      override: { monitoring: { performanceInsightsRetentionDays: 731 } },
    },
    {
      why: 'advanced Database Insights with 465 days of Performance Insights',
      base: 'enterprise',
      override: { monitoring: { performanceInsightsRetentionDays: 465 } },
    },
    { why: 'one day of replicated backups', base: 'enterprise', override: { backup: { replicationRetentionDays: 1 } } },
    { why: 'one day of backups', base: 'pro', override: { backup: { retentionDays: 1 } } },
    {
      why: 'a 30-minute maintenance window',
      base: 'pro',
      override: { preferredMaintenanceWindow: 'mon:05:00-mon:05:30' },
    },
    { why: 'a 30-minute backup window', base: 'pro', override: { backup: { preferredWindow: '05:00-05:30' } } },
    {
      why: 'a maintenance window that ends as the backups start',
      base: 'pro',
      override: { preferredMaintenanceWindow: 'wed:02:30-wed:03:00' },
    },
    {
      why: 'backups that end on Monday as the Monday maintenance starts',
      base: 'pro',
      override: { backup: { preferredWindow: '23:45-00:30' }, preferredMaintenanceWindow: 'mon:00:30-mon:01:00' },
    },
    {
      why: 'a Sunday maintenance window that ends as the Sunday-night backups start',
      base: 'pro',
      override: { backup: { preferredWindow: '23:45-00:30' }, preferredMaintenanceWindow: 'sun:23:00-sun:23:45' },
    },
    {
      why: 'a 60-second alarm period',
      base: 'pro',
      override: { alarms: { periodSeconds: 60, evaluationPeriods: 1440 } },
    },
    {
      why: 'one evaluation period of a day',
      base: 'pro',
      override: { alarms: { periodSeconds: 86400, evaluationPeriods: 1 } },
    },
    { why: 'one connection', base: 'pro', override: { alarms: { databaseConnections: 1 } } },
    { why: 'a budget of 15 minutes', base: 'pro', override: { provisioningBudgetMinutes: 15 } },
    { why: 'a CPU threshold just above 0', base: 'pro', override: { alarms: { cpuUtilizationPercent: 0.5 } } },
    { why: 'a free-storage threshold just above 0', base: 'pro', override: { alarms: { freeStoragePercent: 0.5 } } },
  ])('$why', ({ base, override }) => {
    // Act
    const violations = violationsOf(base, override);

    // Assess
    expect(violations).toEqual([]);
  });
});

describe('validateTier at the largest sizes', () => {
  it.each<{ why: string; base: Base; allocatedGiB: number; expected: [string, string, unknown][] }>([
    {
      why: 'gp3 at the largest size that leaves autoscaling its 10 %',
      base: 'starter',
      allocatedGiB: 59578,
      expected: [],
    },
    {
      why: 'gp3 at 65536 GiB: a valid size, with no room left to autoscale',
      base: 'starter',
      allocatedGiB: 65536,
      expected: [['storage-autoscaling-ceiling', 'storage.maxAllocatedGiB', 65536]],
    },
    {
      why: 'gp3 above 65536 GiB',
      base: 'starter',
      allocatedGiB: 65537,
      expected: [
        ['storage-size-general-purpose', 'storage.allocatedGiB', 65537],
        ['storage-autoscaling-ceiling', 'storage.maxAllocatedGiB', 65536],
      ],
    },
    {
      why: 'io1 at 65536 GiB: a valid size, with no room left to autoscale',
      base: 'io1',
      allocatedGiB: 65536,
      expected: [['storage-autoscaling-ceiling', 'storage.maxAllocatedGiB', 65536]],
    },
    {
      why: 'io2 above 65536 GiB',
      base: 'io2',
      allocatedGiB: 65537,
      expected: [
        ['storage-size-provisioned-iops', 'storage.allocatedGiB', 65537],
        ['storage-autoscaling-ceiling', 'storage.maxAllocatedGiB', 65536],
      ],
    },
  ])('$why', ({ base, allocatedGiB, expected }) => {
    // Act
    const violations = violationsOf(base, { storage: { allocatedGiB, maxAllocatedGiB: 65536, iops: 40000 } });

    // Assess
    expect(violations.map((v) => [v.ruleId, v.field, v.received])).toEqual(expected);
  });
});

describe('validateTier', () => {
  it('reports every field it finds broken with its rule text, and the first broken rule of a field only', () => {
    // Prepare: storage.iops breaks gp3-baseline-below-400 and gp3-iops-range; only the first is reported
    const tier = {
      ...pro,
      engineVersion: 17,
      storage: { ...pro.storage, iops: 100 },
      alarms: { ...pro.alarms, periodSeconds: 0 },
    } as unknown as TierDefinition;

    // Act
    const violations = validateTier('team', tier);

    // Assess
    expect(violations).toEqual([
      {
        tier: 'team',
        field: 'engineVersion',
        ruleId: 'engine-version',
        rule: 'must be a PostgreSQL version RDS can still create: major 14, 15, 16, 17, 18, optionally with a supported minor (e.g. 17 or 17.6)',
        received: 17,
      },
      {
        tier: 'team',
        field: 'storage.iops',
        ruleId: 'gp3-baseline-below-400',
        rule: 'gp3 IOPS and throughput can be provisioned only at 400 GiB and above (below that RDS for PostgreSQL gives a fixed 3000 IOPS / 125 MiB/s baseline)',
        received: 100,
      },
      {
        tier: 'team',
        field: 'alarms.periodSeconds',
        ruleId: 'alarm-period',
        rule: 'must be 60 seconds or a multiple of it (RDS publishes metrics every minute)',
        received: 0,
      },
    ]);
  });

  it.each([
    ['ab', []],
    ['a1', []],
    ['abcdefghijklmnopqrst', []],
    ['abcdefghijklmnopqrstu', ['tier-name']],
    ['xpro', []],
    ['pro-', ['tier-name']],
    ['-pro', ['tier-name']],
    ['1pro', ['tier-name']],
    ['Pro', ['tier-name']],
  ])('checks the tier name %j as a whole', (name, expected) => {
    // Act
    const violations = validateTier(name, pro);

    // Assess
    expect(violations.map((v) => v.ruleId)).toEqual(expected);
  });

  it('names the tier-name rule literally', () => {
    // Act
    const violations = validateTier('Gold', pro);

    // Assess
    expect(violations).toEqual([
      {
        tier: 'Gold',
        field: '(name)',
        rule: 'tier names must be 2-20 characters of lower-case letters and digits, starting with a letter',
        ruleId: 'tier-name',
        received: 'Gold',
      },
    ]);
  });
});

describe('window parsing', () => {
  it.each<[string, [number, number] | undefined]>([
    ['00:00-00:30', [0, 30]],
    ['23:30-00:30', [1410, 1470]],
    ['03:00-03:00', [180, 1620]],
    ['19:59-20:29', [1199, 1229]],
    ['24:00-00:30', undefined],
    ['03:60-04:00', undefined],
    [' 03:00-03:30', undefined],
    ['03:00-03:30 ', undefined],
  ])('reads the daily window %j as %j minutes of the day', (window, expected) => {
    // Act
    const minutes = parseDailyWindow(window);

    // Assess
    expect(minutes).toEqual(expected);
  });

  it.each<[string, [number, number] | undefined]>([
    ['mon:00:00-mon:00:30', [0, 30]],
    ['tue:01:00-tue:01:30', [1500, 1530]],
    ['sun:23:30-mon:00:30', [10050, 10110]],
    ['wed:12:00-wed:12:00', [3600, 13680]],
    ['thu:19:59-thu:20:29', [5519, 5549]],
    ['fri:04:00-fri:04:30', [6000, 6030]],
    ['sat:04:00-sat:04:30', [7440, 7470]],
    ['xyz:04:00-sat:04:30', undefined],
    ['sat:24:00-sat:04:30', undefined],
  ])('reads the weekly window %j as %j minutes of the week', (window, expected) => {
    // Act
    const minutes = parseWeeklyWindow(window);

    // Assess
    expect(minutes).toEqual(expected);
  });

  it.each([
    ['17', 17],
    ['17.6', 17],
    ['9.6', 9],
  ])('reads the major version of %j as %i', (version, major) => {
    // Act
    const result = majorVersionOf(version);

    // Assess
    expect(result).toBe(major);
  });
});
