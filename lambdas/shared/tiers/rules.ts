import type { TierDefinition } from './types';

/**
 * Tier rules, one entry per rule, taken from the RDS API reference (CreateDBInstance, ModifyDBInstance,
 * StartDBInstanceAutomatedBackupsReplication) and the RDS User Guide for PostgreSQL, CloudWatch PutMetricAlarm and
 * Secrets Manager RotateSecret. A mock accepts anything; these are what AWS accepts.
 */
export interface TierRule {
  /** Stable id, used by tests and in messages. */
  readonly id: string;
  /** Dotted path of the field the rule constrains, e.g. `storage.iops`. */
  readonly field: string;
  /** The rule in words, as printed when it is broken. */
  readonly rule: string;
  /** True when `tier` satisfies the rule. */
  readonly check: (tier: TierDefinition) => boolean;
}

const isInt = (v: unknown): v is number => Number.isInteger(v);
const intIn = (v: unknown, min: number, max: number): boolean => isInt(v) && v >= min && v <= max;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

/** Longest retention of final snapshots a tier may ask for: ten years. */
const FINAL_SNAPSHOT_RETENTION_MAX_DAYS = 3650;

/** Instance families RDS for PostgreSQL offers that are current generation (Graviton2+ and Intel 6th gen+). */
const CURRENT_GENERATION_FAMILIES = [
  't4g',
  'm6g',
  'm6gd',
  'm6i',
  'm6id',
  'm6in',
  'm6idn',
  'm7g',
  'm7gd',
  'm7i',
  'm8g',
  'm8gd',
  'r6g',
  'r6gd',
  'r6i',
  'r6id',
  'r6in',
  'r6idn',
  'r7g',
  'r7gd',
  'r7i',
  'r8g',
  'r8gd',
  'x2g',
  'x2iedn',
] as const;

const INSTANCE_CLASS = /^db\.([a-z0-9]+)\.(micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal(-[0-9]+xl)?)$/;

/**
 * Oldest minor version of each PostgreSQL major that RDS still lets you create (RDS release calendar, 2026-11).
 * Majors missing here are past the end of standard support and cannot be created without Extended Support.
 */
export const CREATABLE_POSTGRES_VERSIONS: Readonly<Record<number, number>> = { 14: 17, 15: 12, 16: 8, 17: 4, 18: 1 };

/** Major version of an engine version string such as `17` or `17.6`. */
export function majorVersionOf(engineVersion: string): number {
  return Number.parseInt(engineVersion, 10);
}

function isCreatableVersion(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  // RDS names versions without leading zeros (`17.6`, never `017` or `17.06`).
  const match = /^([1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?$/.exec(v);
  if (!match) return false;
  const oldestMinor = CREATABLE_POSTGRES_VERSIONS[Number(match[1])];
  if (oldestMinor === undefined) return false;
  return match[2] === undefined || Number(match[2]) >= oldestMinor;
}

const WINDOW = /^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$/;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const WEEKLY_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])$/;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** A daily `hh24:mi-hh24:mi` window as [start, end) minutes of the day; end may pass midnight. */
export function parseDailyWindow(window: string): [number, number] | undefined {
  const m = WINDOW.exec(window);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  let end = Number(m[3]) * 60 + Number(m[4]);
  if (end <= start) end += MINUTES_PER_DAY;
  return [start, end];
}

/** A weekly `ddd:hh24:mi-ddd:hh24:mi` window as [start, end) minutes of the week; end may pass Sunday. */
export function parseWeeklyWindow(window: string): [number, number] | undefined {
  const m = WEEKLY_WINDOW.exec(window);
  if (!m) return undefined;
  const at = (day: string, h: string, min: string) =>
    DAYS.indexOf(day as (typeof DAYS)[number]) * MINUTES_PER_DAY + Number(h) * 60 + Number(min);
  const start = at(m[1] as string, m[2] as string, m[3] as string);
  let end = at(m[4] as string, m[5] as string, m[6] as string);
  if (end <= start) end += MINUTES_PER_WEEK;
  return [start, end];
}

function windowsOverlap(tier: TierDefinition): boolean {
  const daily = parseDailyWindow(tier.backup.preferredWindow);
  const weekly = parseWeeklyWindow(tier.preferredMaintenanceWindow);
  if (!daily || !weekly) return false;
  const overlaps = (a: [number, number], b: [number, number]) => a[0] < b[1] && b[0] < a[1];
  // The backup window repeats every day: compare each day's occurrence, from Sunday of the week before (a backup that
  // runs past midnight into Monday) to Monday of the week after (a maintenance window that runs past Sunday night).
  for (let day = -1; day <= 7; day += 1) {
    if (overlaps([daily[0] + day * MINUTES_PER_DAY, daily[1] + day * MINUTES_PER_DAY], weekly)) return true;
  }
  return false;
}

/**
 * Days between scheduled rotations Secrets Manager accepts: `RotationRulesType.AutomaticallyAfterDays`, "Valid Range:
 * Minimum value of 1. Maximum value of 1000" (Secrets Manager API reference).
 */
export const ROTATION_DAYS_RANGE = { min: 1, max: 1000 } as const;

/** True when `days` is a rotation interval Secrets Manager accepts (see {@link ROTATION_DAYS_RANGE}). */
export function isRotationDays(days: unknown): days is number {
  return intIn(days, ROTATION_DAYS_RANGE.min, ROTATION_DAYS_RANGE.max);
}

const isProvisionedStorage = (t: TierDefinition) => t.storage.type === 'io1' || t.storage.type === 'io2';
const GP3_PROVISIONING_THRESHOLD_GIB = 400;
const GP3_BASELINE = `gp3 IOPS and throughput can be provisioned only at ${GP3_PROVISIONING_THRESHOLD_GIB} GiB and above (below that RDS for PostgreSQL gives a fixed 3000 IOPS / 125 MiB/s baseline)`;
/** gp3 below the size from which IOPS and throughput can be provisioned. */
const isSmallGp3 = (t: TierDefinition) =>
  t.storage.type === 'gp3' && !(t.storage.allocatedGiB >= GP3_PROVISIONING_THRESHOLD_GIB);
const VALID_PI_RETENTION = (days: unknown) =>
  days === 7 || days === 731 || (isInt(days) && days % 31 === 0 && days >= 31 && days <= 713);
const LOG_TYPES = new Set(['postgresql', 'upgrade', 'iam-db-auth-error']);

/** Every rule a tier must satisfy. Order matters only for which broken rule is reported first per field. */
export const TIER_RULES: readonly TierRule[] = [
  {
    id: 'description',
    field: 'description',
    rule: 'must be a non-empty sentence',
    check: (t) => typeof t.description === 'string' && t.description.trim().length > 0,
  },
  {
    id: 'instance-class-format',
    field: 'instanceClass',
    rule: 'must be a DB instance class such as db.m7g.large',
    check: (t) => INSTANCE_CLASS.test(t.instanceClass),
  },
  {
    id: 'instance-class-generation',
    field: 'instanceClass',
    rule: `must be a current-generation class (families ${CURRENT_GENERATION_FAMILIES.join(', ')})`,
    check: (t) =>
      (CURRENT_GENERATION_FAMILIES as readonly (string | undefined)[]).includes(
        INSTANCE_CLASS.exec(String(t.instanceClass))?.[1],
      ),
  },
  {
    id: 'engine-version',
    field: 'engineVersion',
    rule: `must be a PostgreSQL version RDS can still create: major ${Object.keys(CREATABLE_POSTGRES_VERSIONS).join(', ')}, optionally with a supported minor (e.g. 17 or 17.6)`,
    check: (t) => isCreatableVersion(t.engineVersion),
  },
  {
    id: 'storage-type',
    field: 'storage.type',
    rule: 'must be gp2, gp3, io1 or io2',
    check: (t) => ['gp2', 'gp3', 'io1', 'io2'].includes(t.storage.type),
  },
  {
    id: 'storage-size-general-purpose',
    field: 'storage.allocatedGiB',
    rule: 'must be a whole number of GiB from 20 to 65536 for gp2 and gp3',
    check: (t) => isProvisionedStorage(t) || intIn(t.storage.allocatedGiB, 20, 65536),
  },
  {
    id: 'storage-size-provisioned-iops',
    field: 'storage.allocatedGiB',
    rule: 'must be a whole number of GiB from 100 to 65536 for io1 and io2',
    check: (t) => !isProvisionedStorage(t) || intIn(t.storage.allocatedGiB, 100, 65536),
  },
  {
    id: 'storage-autoscaling-ceiling',
    field: 'storage.maxAllocatedGiB',
    rule: 'must be a whole number of GiB at least 10% above allocatedGiB and at most 65536',
    check: (t) =>
      intIn(t.storage.maxAllocatedGiB, 1, 65536) &&
      // In integers: 1.1 × 100 is 110.00000000000001 in floating point.
      t.storage.maxAllocatedGiB >= Math.ceil((t.storage.allocatedGiB * 11) / 10),
  },
  {
    id: 'gp2-no-iops',
    field: 'storage.iops',
    rule: 'cannot be set for gp2 storage',
    check: (t) => t.storage.type !== 'gp2' || t.storage.iops === undefined,
  },
  {
    id: 'gp3-baseline-below-400',
    field: 'storage.iops',
    rule: GP3_BASELINE,
    check: (t) => !isSmallGp3(t) || t.storage.iops === undefined,
  },
  {
    id: 'gp3-iops-range',
    field: 'storage.iops',
    rule: 'gp3 IOPS must be a whole number from 12000 to 64000',
    check: (t) => t.storage.type !== 'gp3' || t.storage.iops === undefined || intIn(t.storage.iops, 12000, 64000),
  },
  {
    id: 'gp2-no-throughput',
    field: 'storage.throughputMiBps',
    rule: 'cannot be set for gp2 storage',
    check: (t) => t.storage.type !== 'gp2' || t.storage.throughputMiBps === undefined,
  },
  {
    id: 'gp3-throughput-baseline-below-400',
    field: 'storage.throughputMiBps',
    rule: GP3_BASELINE,
    check: (t) => !isSmallGp3(t) || t.storage.throughputMiBps === undefined,
  },
  {
    id: 'gp3-throughput-range',
    field: 'storage.throughputMiBps',
    rule: 'gp3 throughput must be a whole number of MiB/s from 500 to 4000',
    check: (t) =>
      t.storage.type !== 'gp3' ||
      t.storage.throughputMiBps === undefined ||
      intIn(t.storage.throughputMiBps, 500, 4000),
  },
  {
    id: 'gp3-throughput-iops-ratio',
    field: 'storage.throughputMiBps',
    rule: 'gp3 throughput (MiB/s) must be at most 0.25 × IOPS',
    check: (t) =>
      t.storage.type !== 'gp3' ||
      t.storage.throughputMiBps === undefined ||
      t.storage.throughputMiBps <= 0.25 * (t.storage.iops ?? 12000),
  },
  {
    id: 'io-iops-required',
    field: 'storage.iops',
    rule: 'io1 and io2 storage need IOPS, a whole number from 1000 to 256000',
    check: (t) => !isProvisionedStorage(t) || intIn(t.storage.iops, 1000, 256000),
  },
  {
    // CreateDBInstance `Iops`: for RDS for PostgreSQL "a multiple between .5 and 50 of the storage amount".
    id: 'io1-iops-ratio',
    field: 'storage.iops',
    rule: 'io1 IOPS must be from 0.5 to 50 times the allocated GiB',
    check: (t) =>
      t.storage.type !== 'io1' ||
      ((t.storage.iops ?? 0) >= 0.5 * t.storage.allocatedGiB && (t.storage.iops ?? 0) <= 50 * t.storage.allocatedGiB),
  },
  {
    // io2 Block Express raises the ceiling to 1000 IOPS per GiB; the 0.5 floor of `Iops` still applies.
    id: 'io2-iops-ratio',
    field: 'storage.iops',
    rule: 'io2 IOPS must be from 0.5 to 1000 times the allocated GiB',
    check: (t) =>
      t.storage.type !== 'io2' ||
      ((t.storage.iops ?? 0) >= 0.5 * t.storage.allocatedGiB && (t.storage.iops ?? 0) <= 1000 * t.storage.allocatedGiB),
  },
  {
    id: 'io-no-throughput',
    field: 'storage.throughputMiBps',
    rule: 'can be set only for gp3 storage',
    check: (t) => !isProvisionedStorage(t) || t.storage.throughputMiBps === undefined,
  },
  { id: 'multi-az', field: 'multiAz', rule: 'must be true or false', check: (t) => isBool(t.multiAz) },
  {
    id: 'backup-retention',
    field: 'backup.retentionDays',
    rule: 'must be a whole number of days from 1 to 35 (0 would turn automated backups off)',
    check: (t) => intIn(t.backup.retentionDays, 1, 35),
  },
  {
    id: 'backup-window-format',
    field: 'backup.preferredWindow',
    rule: 'must be a UTC window hh24:mi-hh24:mi',
    check: (t) => parseDailyWindow(String(t.backup.preferredWindow)) !== undefined,
  },
  {
    id: 'backup-window-length',
    field: 'backup.preferredWindow',
    rule: 'must last at least 30 minutes',
    check: (t) => {
      const w = parseDailyWindow(String(t.backup.preferredWindow));
      return w === undefined || w[1] - w[0] >= 30;
    },
  },
  {
    id: 'maintenance-window-format',
    field: 'preferredMaintenanceWindow',
    rule: 'must be a UTC window ddd:hh24:mi-ddd:hh24:mi with days mon..sun',
    check: (t) => parseWeeklyWindow(String(t.preferredMaintenanceWindow)) !== undefined,
  },
  {
    id: 'maintenance-window-length',
    field: 'preferredMaintenanceWindow',
    rule: 'must last at least 30 minutes and at most 24 hours',
    check: (t) => {
      const w = parseWeeklyWindow(String(t.preferredMaintenanceWindow));
      return w === undefined || (w[1] - w[0] >= 30 && w[1] - w[0] <= MINUTES_PER_DAY);
    },
  },
  {
    id: 'windows-disjoint',
    field: 'preferredMaintenanceWindow',
    rule: 'must not overlap the backup window',
    check: (t) => !windowsOverlap(t),
  },
  {
    id: 'replication-flag',
    field: 'backup.crossRegionReplication',
    rule: 'must be true or false',
    check: (t) => isBool(t.backup.crossRegionReplication),
  },
  {
    id: 'replication-retention',
    field: 'backup.replicationRetentionDays',
    rule: 'must be a whole number of days from 1 to 35 when crossRegionReplication is on',
    check: (t) => !t.backup.crossRegionReplication || intIn(t.backup.replicationRetentionDays, 1, 35),
  },
  {
    id: 'deletion-protection',
    field: 'deletionProtection',
    rule: 'must be true or false',
    check: (t) => isBool(t.deletionProtection),
  },
  {
    id: 'insights-mode',
    field: 'monitoring.databaseInsightsMode',
    rule: 'must be standard or advanced',
    check: (t) => ['standard', 'advanced'].includes(t.monitoring.databaseInsightsMode),
  },
  {
    id: 'performance-insights-retention',
    field: 'monitoring.performanceInsightsRetentionDays',
    rule: 'must be 7, 731 or a multiple of 31 up to 713 when Performance Insights is on, and unset when it is off',
    check: (t) =>
      t.monitoring.performanceInsights
        ? VALID_PI_RETENTION(t.monitoring.performanceInsightsRetentionDays)
        : t.monitoring.performanceInsightsRetentionDays === undefined,
  },
  {
    id: 'advanced-insights-needs-pi',
    field: 'monitoring.databaseInsightsMode',
    rule: 'advanced needs Performance Insights on with at least 465 days retention',
    check: (t) =>
      t.monitoring.databaseInsightsMode !== 'advanced' ||
      (t.monitoring.performanceInsights === true && (t.monitoring.performanceInsightsRetentionDays ?? 0) >= 465),
  },
  {
    id: 'enhanced-monitoring-interval',
    field: 'monitoring.enhancedMonitoringIntervalSeconds',
    rule: 'must be 0 (off), 1, 5, 10, 15, 30 or 60',
    check: (t) => [0, 1, 5, 10, 15, 30, 60].includes(t.monitoring.enhancedMonitoringIntervalSeconds),
  },
  {
    id: 'log-exports',
    field: 'monitoring.logExports',
    rule: 'must list distinct PostgreSQL log types: postgresql, upgrade, iam-db-auth-error',
    check: (t) =>
      Array.isArray(t.monitoring.logExports) &&
      t.monitoring.logExports.every((l) => LOG_TYPES.has(l)) &&
      new Set(t.monitoring.logExports).size === t.monitoring.logExports.length,
  },
  {
    id: 'alarm-cpu',
    field: 'alarms.cpuUtilizationPercent',
    rule: 'must be a percentage above 0 and at most 100',
    check: (t) =>
      typeof t.alarms.cpuUtilizationPercent === 'number' &&
      t.alarms.cpuUtilizationPercent > 0 &&
      t.alarms.cpuUtilizationPercent <= 100,
  },
  {
    id: 'alarm-free-storage',
    field: 'alarms.freeStoragePercent',
    rule: 'must be a percentage above 0 and below 100',
    check: (t) =>
      typeof t.alarms.freeStoragePercent === 'number' &&
      t.alarms.freeStoragePercent > 0 &&
      t.alarms.freeStoragePercent < 100,
  },
  {
    id: 'alarm-memory',
    field: 'alarms.freeableMemoryMiB',
    rule: 'must be a positive number of MiB',
    check: (t) => typeof t.alarms.freeableMemoryMiB === 'number' && t.alarms.freeableMemoryMiB > 0,
  },
  {
    id: 'alarm-connections',
    field: 'alarms.databaseConnections',
    rule: 'must be a whole number of connections from 1 to 5000 (the RDS for PostgreSQL max_connections ceiling)',
    check: (t) => intIn(t.alarms.databaseConnections, 1, 5000),
  },
  {
    id: 'alarm-read-latency',
    field: 'alarms.readLatencyMs',
    rule: 'must be a positive number of milliseconds',
    check: (t) => typeof t.alarms.readLatencyMs === 'number' && t.alarms.readLatencyMs > 0,
  },
  {
    id: 'alarm-write-latency',
    field: 'alarms.writeLatencyMs',
    rule: 'must be a positive number of milliseconds',
    check: (t) => typeof t.alarms.writeLatencyMs === 'number' && t.alarms.writeLatencyMs > 0,
  },
  {
    id: 'alarm-period',
    field: 'alarms.periodSeconds',
    rule: 'must be 60 seconds or a multiple of it (RDS publishes metrics every minute)',
    check: (t) => isInt(t.alarms.periodSeconds) && t.alarms.periodSeconds >= 60 && t.alarms.periodSeconds % 60 === 0,
  },
  {
    id: 'alarm-evaluation-window',
    field: 'alarms.evaluationPeriods',
    rule: 'must be a whole number of at least 1, with evaluationPeriods × periodSeconds at most 86400 (one day)',
    check: (t) =>
      isInt(t.alarms.evaluationPeriods) &&
      t.alarms.evaluationPeriods >= 1 &&
      t.alarms.evaluationPeriods * t.alarms.periodSeconds <= 86400,
  },
  {
    id: 'provisioning-budget',
    field: 'provisioningBudgetMinutes',
    rule: 'must be a whole number of minutes from 15 to 240',
    check: (t) => intIn(t.provisioningBudgetMinutes, 15, 240),
  },
  {
    id: 'app-secret-rotation',
    field: 'appSecretRotationDays',
    rule: `must be a whole number of days from ${ROTATION_DAYS_RANGE.min} to ${ROTATION_DAYS_RANGE.max} (Secrets Manager's AutomaticallyAfterDays)`,
    check: (t) => isRotationDays(t.appSecretRotationDays),
  },
  {
    id: 'tier-change-timing',
    field: 'tierChangeTiming',
    rule: 'must be now or maintenance-window (or left out: now)',
    check: (t) =>
      t.tierChangeTiming === undefined || t.tierChangeTiming === 'now' || t.tierChangeTiming === 'maintenance-window',
  },
  {
    id: 'final-snapshot-retention',
    field: 'offboarding.finalSnapshotRetentionDays',
    // Manual snapshots never expire in RDS: the bound is ours, so a typo cannot keep snapshots (and their bill) forever.
    rule: `must be a whole number of days from 1 to ${FINAL_SNAPSHOT_RETENTION_MAX_DAYS}`,
    check: (t) => intIn(t.offboarding.finalSnapshotRetentionDays, 1, FINAL_SNAPSHOT_RETENTION_MAX_DAYS),
  },
  {
    id: 'keep-automated-backups',
    field: 'offboarding.keepAutomatedBackups',
    rule: 'must be true or false (DeleteDBInstance DeleteAutomatedBackups is its negation)',
    check: (t) => isBool(t.offboarding.keepAutomatedBackups),
  },
];
