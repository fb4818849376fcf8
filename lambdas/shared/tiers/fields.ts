/**
 * Every field a tier may set, so an override with a misspelt field (`backup.retentionDay`) fails validation instead
 * of being merged in and ignored. The `satisfies` clauses keep the lists in step with the types: a field added to a
 * type and not here fails the type check.
 *
 * @module
 */
import { didYouMean } from './did-you-mean';
import type {
  AlarmThresholds,
  BackupSpec,
  MonitoringSpec,
  OffboardingSpec,
  StorageSpec,
  TierDefinition,
} from './types';

type AllKeys<T> = { readonly [K in keyof Required<T>]: true };

const STORAGE_FIELDS = {
  type: true,
  allocatedGiB: true,
  maxAllocatedGiB: true,
  iops: true,
  throughputMiBps: true,
} as const satisfies AllKeys<StorageSpec>;
const BACKUP_FIELDS = {
  retentionDays: true,
  preferredWindow: true,
  crossRegionReplication: true,
  replicationRetentionDays: true,
} as const satisfies AllKeys<BackupSpec>;
const MONITORING_FIELDS = {
  databaseInsightsMode: true,
  performanceInsights: true,
  performanceInsightsRetentionDays: true,
  enhancedMonitoringIntervalSeconds: true,
  logExports: true,
} as const satisfies AllKeys<MonitoringSpec>;
const ALARM_FIELDS = {
  cpuUtilizationPercent: true,
  freeStoragePercent: true,
  freeableMemoryMiB: true,
  databaseConnections: true,
  readLatencyMs: true,
  writeLatencyMs: true,
  periodSeconds: true,
  evaluationPeriods: true,
} as const satisfies AllKeys<AlarmThresholds>;
const OFFBOARDING_FIELDS = {
  finalSnapshotRetentionDays: true,
  keepAutomatedBackups: true,
} as const satisfies AllKeys<OffboardingSpec>;
const TIER_FIELDS = {
  description: true,
  instanceClass: true,
  engineVersion: true,
  storage: true,
  multiAz: true,
  backup: true,
  preferredMaintenanceWindow: true,
  deletionProtection: true,
  monitoring: true,
  alarms: true,
  provisioningBudgetMinutes: true,
  appSecretRotationDays: true,
  tierChangeTiming: true,
  offboarding: true,
} as const satisfies AllKeys<TierDefinition>;

/** Field names of a tier, and of each of its nested objects. */
const FIELDS_OF: Readonly<
  Record<'' | 'storage' | 'backup' | 'monitoring' | 'alarms' | 'offboarding', readonly string[]>
> = {
  '': Object.keys(TIER_FIELDS),
  storage: Object.keys(STORAGE_FIELDS),
  backup: Object.keys(BACKUP_FIELDS),
  monitoring: Object.keys(MONITORING_FIELDS),
  alarms: Object.keys(ALARM_FIELDS),
  offboarding: Object.keys(OFFBOARDING_FIELDS),
};

/** A field of an override that no tier has. */
export interface UnknownTierField {
  /** Dotted path, e.g. `backup.retentionDay`. */
  readonly field: string;
  readonly rule: string;
  readonly received: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field of `override` (a tier or a partial one) that tiers do not have, with the closest known names. */
export function unknownTierFields(override: unknown): UnknownTierField[] {
  if (!isObject(override)) return [];
  const unknown: UnknownTierField[] = [];
  const check = (value: Record<string, unknown>, path: '' | keyof typeof FIELDS_OF) => {
    const known = FIELDS_OF[path];
    for (const [key, nested] of Object.entries(value)) {
      const field = path ? `${path}.${key}` : key;
      if (!known.includes(key)) {
        const where = path ? `fields of ${path}` : 'tier fields';
        unknown.push({
          field,
          rule: `is not a tier field${didYouMean(key, known)}; ${where}: ${known.join(', ')}`,
          received: nested,
        });
      } else if (key in FIELDS_OF && isObject(nested)) {
        // Only tier fields name field groups: a field of a group never does.
        check(nested, key as keyof typeof FIELDS_OF);
      }
    }
  };
  check(override, '');
  return unknown;
}
