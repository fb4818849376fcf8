import type { TierCatalog } from './types';

/**
 * The built-in tiers. Platform engineers override fields or add tiers through the `tiers` context key in
 * `cdk.json`; the merged catalog passes {@link validateCatalog} at synth time.
 *
 * Windows are UTC. Backups run 03:00–03:30 and maintenance Sunday 04:00–04:30 so they never overlap. The application
 * password rotates more often the more a tier is worth to an attacker: every 90, 60 and 30 days.
 */
export const DEFAULT_TIERS: TierCatalog = {
  starter: {
    description: 'Small single-AZ database for trials and small teams',
    instanceClass: 'db.t4g.micro',
    engineVersion: '17',
    storage: { type: 'gp3', allocatedGiB: 20, maxAllocatedGiB: 100 },
    multiAz: false,
    backup: { retentionDays: 7, preferredWindow: '03:00-03:30', crossRegionReplication: false },
    preferredMaintenanceWindow: 'sun:04:00-sun:04:30',
    deletionProtection: false,
    monitoring: {
      databaseInsightsMode: 'standard',
      performanceInsights: false,
      enhancedMonitoringIntervalSeconds: 60,
      logExports: ['postgresql'],
    },
    alarms: {
      cpuUtilizationPercent: 85,
      freeStoragePercent: 10,
      freeableMemoryMiB: 64,
      databaseConnections: 90,
      readLatencyMs: 25,
      writeLatencyMs: 25,
      periodSeconds: 300,
      evaluationPeriods: 3,
    },
    provisioningBudgetMinutes: 45,
    appSecretRotationDays: 90,
    tierChangeTiming: 'now',
    offboarding: { finalSnapshotRetentionDays: 30, keepAutomatedBackups: false },
  },
  pro: {
    description: 'Multi-AZ general-purpose database for production workloads',
    instanceClass: 'db.m7g.large',
    engineVersion: '17',
    storage: { type: 'gp3', allocatedGiB: 100, maxAllocatedGiB: 1000 },
    multiAz: true,
    backup: { retentionDays: 14, preferredWindow: '03:00-03:30', crossRegionReplication: false },
    preferredMaintenanceWindow: 'sun:04:00-sun:04:30',
    deletionProtection: true,
    monitoring: {
      databaseInsightsMode: 'standard',
      performanceInsights: true,
      performanceInsightsRetentionDays: 7,
      enhancedMonitoringIntervalSeconds: 15,
      logExports: ['postgresql', 'upgrade'],
    },
    alarms: {
      cpuUtilizationPercent: 80,
      freeStoragePercent: 10,
      freeableMemoryMiB: 512,
      databaseConnections: 700,
      readLatencyMs: 20,
      writeLatencyMs: 20,
      periodSeconds: 300,
      evaluationPeriods: 3,
    },
    provisioningBudgetMinutes: 60,
    appSecretRotationDays: 60,
    tierChangeTiming: 'maintenance-window',
    offboarding: { finalSnapshotRetentionDays: 90, keepAutomatedBackups: false },
  },
  enterprise: {
    description: 'Multi-AZ memory-optimised database with provisioned gp3 performance and cross-Region backups',
    instanceClass: 'db.r7g.xlarge',
    engineVersion: '17',
    storage: { type: 'gp3', allocatedGiB: 500, maxAllocatedGiB: 4000, iops: 12000, throughputMiBps: 500 },
    multiAz: true,
    backup: {
      retentionDays: 35,
      preferredWindow: '03:00-03:30',
      crossRegionReplication: true,
      replicationRetentionDays: 14,
    },
    preferredMaintenanceWindow: 'sun:04:00-sun:04:30',
    deletionProtection: true,
    monitoring: {
      databaseInsightsMode: 'advanced',
      performanceInsights: true,
      performanceInsightsRetentionDays: 465,
      enhancedMonitoringIntervalSeconds: 5,
      logExports: ['postgresql', 'upgrade', 'iam-db-auth-error'],
    },
    alarms: {
      cpuUtilizationPercent: 75,
      freeStoragePercent: 15,
      freeableMemoryMiB: 2048,
      databaseConnections: 3000,
      readLatencyMs: 10,
      writeLatencyMs: 10,
      periodSeconds: 60,
      evaluationPeriods: 5,
    },
    provisioningBudgetMinutes: 90,
    appSecretRotationDays: 30,
    tierChangeTiming: 'maintenance-window',
    offboarding: { finalSnapshotRetentionDays: 365, keepAutomatedBackups: true },
  },
};
