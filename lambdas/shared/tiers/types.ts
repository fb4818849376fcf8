/** Storage types RDS for PostgreSQL accepts for a DB instance. */
type StorageType = 'gp2' | 'gp3' | 'io1' | 'io2';

/** Log types RDS for PostgreSQL can export to CloudWatch Logs. */
type PostgresLogType = 'postgresql' | 'upgrade' | 'iam-db-auth-error';

/** Database Insights modes (`DatabaseInsightsMode` in the RDS API). */
type DatabaseInsightsMode = 'standard' | 'advanced';

export interface StorageSpec {
  readonly type: StorageType;
  /** Allocated storage at creation, GiB. */
  readonly allocatedGiB: number;
  /** Storage autoscaling ceiling, GiB (`MaxAllocatedStorage`). */
  readonly maxAllocatedGiB: number;
  /** Provisioned IOPS: io1/io2 always; gp3 only at 400 GiB and above. */
  readonly iops?: number;
  /** Provisioned throughput in MiB/s: gp3 only, at 400 GiB and above. */
  readonly throughputMiBps?: number;
}

export interface BackupSpec {
  /** Days of automated backups (`BackupRetentionPeriod`), 1–35. */
  readonly retentionDays: number;
  /** Daily backup window, UTC `hh24:mi-hh24:mi`, at least 30 minutes. */
  readonly preferredWindow: string;
  /** Replicate automated backups to the platform's backup Region. */
  readonly crossRegionReplication: boolean;
  /** Days the replicated backups are kept in the backup Region, 1–35. Required when replication is on. */
  readonly replicationRetentionDays?: number;
}

export interface MonitoringSpec {
  /** `standard` (free, 7 days) or `advanced` (Performance Insights retained 15 months). */
  readonly databaseInsightsMode: DatabaseInsightsMode;
  /** Turn on Performance Insights. Required for `advanced` Database Insights. */
  readonly performanceInsights: boolean;
  /** Performance Insights retention: 7, 31 × months (1–23), or 731 days. */
  readonly performanceInsightsRetentionDays?: number;
  /** Enhanced Monitoring interval in seconds: 0 (off), 1, 5, 10, 15, 30 or 60. */
  readonly enhancedMonitoringIntervalSeconds: number;
  /** Log types exported to CloudWatch Logs. */
  readonly logExports: readonly PostgresLogType[];
}

/** What offboarding keeps of a tenant's database, and for how long. */
export interface OffboardingSpec {
  /**
   * Days the final snapshots (and retained automated backups) are kept after offboarding, 1–3650: the purge job
   * deletes them after that. Until then an offboarded tenant can be restored.
   */
  readonly finalSnapshotRetentionDays: number;
  /**
   * Keep the instance's automated backups when it is deleted (`DeleteAutomatedBackups: false`): point-in-time restore
   * stays possible within their retention, at their storage price. Off drops them at delete (the final snapshot is kept).
   */
  readonly keepAutomatedBackups: boolean;
}

/** Per-tenant CloudWatch alarm thresholds. */
export interface AlarmThresholds {
  /** Alarm when average CPU is above this percentage. */
  readonly cpuUtilizationPercent: number;
  /** Alarm when free storage falls below this percentage of allocated storage. */
  readonly freeStoragePercent: number;
  /** Alarm when freeable memory falls below this many MiB. */
  readonly freeableMemoryMiB: number;
  /** Alarm when database connections exceed this count. */
  readonly databaseConnections: number;
  /** Alarm when average read latency exceeds this many milliseconds. */
  readonly readLatencyMs: number;
  /** Alarm when average write latency exceeds this many milliseconds. */
  readonly writeLatencyMs: number;
  /** Metric period, seconds: 60 or a multiple of 60. */
  readonly periodSeconds: number;
  /** Consecutive breaching periods before the alarm fires. */
  readonly evaluationPeriods: number;
}

/** Everything that differs between tiers. One object per tier in the catalog. */
export interface TierDefinition {
  /** A sentence for `tenantctl plan` and the README. */
  readonly description: string;
  /** Current-generation DB instance class, e.g. `db.t4g.micro`. */
  readonly instanceClass: string;
  /** PostgreSQL version RDS can still create: a major (`17`) or major.minor (`17.6`). */
  readonly engineVersion: string;
  readonly storage: StorageSpec;
  /** Standby in a second Availability Zone. */
  readonly multiAz: boolean;
  readonly backup: BackupSpec;
  /** Weekly maintenance window, UTC `ddd:hh24:mi-ddd:hh24:mi`, at least 30 minutes, not overlapping backups. */
  readonly preferredMaintenanceWindow: string;
  /** Refuse deletion until the flag is turned off. */
  readonly deletionProtection: boolean;
  readonly monitoring: MonitoringSpec;
  readonly alarms: AlarmThresholds;
  /** Minutes from CreateDBInstance to `available` after which the onboarding is rolled back. */
  readonly provisioningBudgetMinutes: number;
  /**
   * Days between automatic rotations of the tenant's application password (Secrets Manager `RotationRules`
   * `AutomaticallyAfterDays`), 1–1000. Provisioning turns rotation on with it; `tenantctl rotation enable` applies it
   * to existing tenants.
   */
  readonly appSecretRotationDays: number;
  /**
   * When a change *to* this tier applies unless `tenantctl change-tier --when` says otherwise: `now`
   * (ApplyImmediately: class, storage and Multi-AZ change within minutes, with the outage the plan shows) or
   * `maintenance-window` (RDS keeps them pending until the tier's weekly window; the tenant stays MODIFYING meanwhile).
   * Optional so tiers defined before tier changes existed stay valid.
   * @default 'now'
   */
  readonly tierChangeTiming?: 'now' | 'maintenance-window';
  /** What offboarding keeps: the final snapshots' retention and the automated backups at delete. */
  readonly offboarding: OffboardingSpec;
}

/** Tier name → definition. */
export type TierCatalog = Readonly<Record<string, TierDefinition>>;

/** A tier override from `cdk.json` context: any subset of fields, nested objects merged field by field. */
export type TierOverride = {
  readonly [K in keyof TierDefinition]?: TierDefinition[K] extends readonly unknown[]
    ? TierDefinition[K]
    : TierDefinition[K] extends object
      ? Partial<TierDefinition[K]>
      : TierDefinition[K];
};
