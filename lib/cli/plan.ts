/**
 * `tenantctl plan`: what onboarding a tenant creates, from the tier catalog alone. Validation uses the workflow's
 * own functions, so a plan that passes here passes the ValidateInput step.
 *
 * @module
 */
import {
  alarmName,
  appSecretName,
  instanceIdentifier,
  MASTER_USERNAME,
  POSTGRES_PORT,
} from '../../lambdas/shared/naming';
import { assertTenantId } from '../../lambdas/shared/tenant-id';
import { storagePerformance, type TierDefinition, tierFromCatalog } from '../../lambdas/shared/tiers';
import { type CostEstimate, estimateMonthlyCost } from '../pricing/estimate';
import type { DeploymentSettings } from './deployment';
import { describeRestore, type RestoreSource } from './restore-source';

interface AlarmPlan {
  readonly name: string;
  readonly metric: string;
  readonly condition: string;
}

export interface OnboardingPlan {
  readonly tenantId: string;
  readonly tier: string;
  readonly tierDescription: string;
  readonly catalogSource: string;
  readonly instance: {
    readonly identifier: string;
    readonly instanceClass: string;
    readonly engine: 'postgres';
    readonly engineVersion: string;
    readonly multiAz: boolean;
    readonly port: number;
    readonly masterUsername: string;
    readonly deletionProtection: boolean;
    readonly preferredMaintenanceWindow: string;
  };
  readonly storage: {
    readonly type: string;
    readonly allocatedGiB: number;
    readonly maxAllocatedGiB: number;
    readonly iops: number;
    readonly throughputMiBps?: number;
    readonly baselinePerformance: boolean;
  };
  readonly backups: {
    readonly retentionDays: number;
    readonly preferredWindow: string;
    readonly crossRegionReplication: boolean;
    readonly replicationRetentionDays?: number;
  };
  readonly monitoring: TierDefinition['monitoring'];
  readonly alarms: readonly AlarmPlan[];
  readonly secretName: string;
  /** Days between rotations of the application password. */
  readonly secretRotationDays: number;
  readonly provisioningBudgetMinutes: number;
  readonly estimate: CostEstimate;
  /** Set when the registry says the tenant was offboarded: onboarding restores this snapshot (an undelete). */
  readonly restore?: RestoreSource;
}

function alarmPlans(tenantId: string, tier: TierDefinition): AlarmPlan[] {
  const a = tier.alarms;
  const window = `for ${a.evaluationPeriods} × ${a.periodSeconds} s`;
  const freeStorageGiB = Math.round((tier.storage.allocatedGiB * a.freeStoragePercent) / 100);
  return [
    {
      name: alarmName(tenantId, 'cpu-utilization'),
      metric: 'CPUUtilization',
      condition: `> ${a.cpuUtilizationPercent}% ${window}`,
    },
    {
      name: alarmName(tenantId, 'free-storage'),
      metric: 'FreeStorageSpace',
      condition: `< ${a.freeStoragePercent}% of allocated (${freeStorageGiB} GiB) ${window}`,
    },
    {
      name: alarmName(tenantId, 'freeable-memory'),
      metric: 'FreeableMemory',
      condition: `< ${a.freeableMemoryMiB} MiB ${window}`,
    },
    {
      name: alarmName(tenantId, 'database-connections'),
      metric: 'DatabaseConnections',
      condition: `> ${a.databaseConnections} ${window}`,
    },
    {
      name: alarmName(tenantId, 'read-latency'),
      metric: 'ReadLatency',
      condition: `> ${a.readLatencyMs} ms ${window}`,
    },
    {
      name: alarmName(tenantId, 'write-latency'),
      metric: 'WriteLatency',
      condition: `> ${a.writeLatencyMs} ms ${window}`,
    },
  ];
}

/**
 * The plan of onboarding `tenantId` on `tierName`.
 *
 * @throws ValidationError naming `tenantId` or `tier` and the rule broken. Every Region plans; one the price table
 * does not cover is reported as unpriced in the estimate.
 */
export function buildPlan(
  tenantId: unknown,
  tierName: unknown,
  region: string,
  settings: DeploymentSettings,
  now: Date = new Date(),
  restore?: RestoreSource,
): OnboardingPlan {
  const id = assertTenantId(tenantId);
  const tier = tierFromCatalog(settings.catalog, tierName);
  const performance = storagePerformance(tier.storage);
  return {
    tenantId: id,
    tier: tierName as string,
    tierDescription: tier.description,
    catalogSource: settings.source,
    instance: {
      identifier: instanceIdentifier(id),
      instanceClass: tier.instanceClass,
      engine: 'postgres',
      engineVersion: tier.engineVersion,
      multiAz: tier.multiAz,
      port: POSTGRES_PORT,
      masterUsername: MASTER_USERNAME,
      deletionProtection: tier.deletionProtection,
      preferredMaintenanceWindow: tier.preferredMaintenanceWindow,
    },
    storage: {
      type: tier.storage.type,
      allocatedGiB: tier.storage.allocatedGiB,
      maxAllocatedGiB: tier.storage.maxAllocatedGiB,
      iops: performance.iops,
      throughputMiBps: performance.throughputMiBps,
      baselinePerformance: performance.baseline,
    },
    backups: {
      retentionDays: tier.backup.retentionDays,
      preferredWindow: tier.backup.preferredWindow,
      crossRegionReplication: tier.backup.crossRegionReplication,
      replicationRetentionDays: tier.backup.replicationRetentionDays,
    },
    monitoring: tier.monitoring,
    alarms: alarmPlans(id, tier),
    secretName: appSecretName(id, settings.secretNamePattern),
    secretRotationDays: tier.appSecretRotationDays,
    provisioningBudgetMinutes: tier.provisioningBudgetMinutes,
    estimate: estimateMonthlyCost(tier, region, now),
    ...(restore ? { restore } : {}),
  };
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');
const usd = (value: number): string => `$${value.toFixed(2)}`;
/** A unit price with all its decimals, at least cents: $0.40, $0.0125. */
const unitUsd = (value: number): string => `$${value.toFixed(Math.max(2, (String(value).split('.')[1] ?? '').length))}`;

function monitoringSummary(m: TierDefinition['monitoring']): string {
  const insights = m.performanceInsights
    ? `Performance Insights on (${m.performanceInsightsRetentionDays} days)`
    : 'Performance Insights off';
  const enhanced =
    m.enhancedMonitoringIntervalSeconds > 0
      ? `Enhanced Monitoring every ${m.enhancedMonitoringIntervalSeconds} s`
      : 'Enhanced Monitoring off';
  return `Database Insights ${m.databaseInsightsMode}, ${insights}, ${enhanced}, logs: ${m.logExports.join(', ')}`;
}

/** The plan as text for a terminal. */
export function renderPlan(plan: OnboardingPlan): string {
  const { instance, storage, backups, estimate } = plan;
  const performance =
    storage.throughputMiBps === undefined
      ? `${storage.iops} IOPS`
      : `${storage.iops} IOPS, ${storage.throughputMiBps} MiB/s`;
  const backupLine = backups.crossRegionReplication
    ? `${backups.retentionDays} days, window ${backups.preferredWindow} UTC, replicated to the backup Region (${backups.replicationRetentionDays} days)`
    : `${backups.retentionDays} days, window ${backups.preferredWindow} UTC, no cross-Region copy`;
  const lines = [
    `Plan: onboard tenant "${plan.tenantId}" on tier "${plan.tier}" (${plan.tierDescription})`,
    `Tier catalog: ${plan.catalogSource}`,
    ...(plan.restore ? [`Source: ${describeRestore(plan.restore)}`] : []),
    '',
    'DB instance',
    `  identifier           ${instance.identifier}`,
    `  class                ${instance.instanceClass}`,
    `  engine               PostgreSQL ${instance.engineVersion} (port ${instance.port}, master user ${instance.masterUsername})`,
    `  Multi-AZ             ${yesNo(instance.multiAz)}`,
    `  storage              ${storage.type}, ${storage.allocatedGiB} GiB, autoscaling up to ${storage.maxAllocatedGiB} GiB, ${performance}${storage.baselinePerformance ? ' (baseline)' : ''}`,
    `  encryption           platform KMS key, TLS required, private subnets only`,
    `  deletion protection  ${yesNo(instance.deletionProtection)}`,
    `  maintenance window   ${instance.preferredMaintenanceWindow} UTC`,
    `  backups              ${backupLine}`,
    `  monitoring           ${monitoringSummary(plan.monitoring)}`,
    `  secret               ${plan.secretName} (application user, password rotated every ${plan.secretRotationDays} days; the master user secret is managed by RDS)`,
    `  time budget          ${plan.provisioningBudgetMinutes} min until available, else rolled back`,
    '',
    'Alarms (to the platform alert topic)',
    ...plan.alarms.map((a) => `  ${a.name.padEnd(44)} ${a.metric} ${a.condition}`),
    '',
    ...renderEstimate(estimate),
  ];
  return `${lines.join('\n')}\n`;
}

/** The estimate's lines, or why there is none. */
function renderEstimate(estimate: CostEstimate): string[] {
  if (!estimate.regionPriced) {
    return [`Estimated monthly cost in ${estimate.region}: unpriced`, `  ${estimate.unpricedReason}`];
  }
  return [
    `Estimated monthly cost in ${estimate.region} (on-demand, ${estimate.currency})`,
    ...estimate.lines.map(
      (l) =>
        `  ${usd(l.monthlyUsd).padStart(10)}  ${l.description} (${l.quantity} ${l.unit} × ${unitUsd(l.unitPriceUsd)})`,
    ),
    ...estimate.unpriced.map((item) => `  ${'?'.padStart(10)}  ${item}: not in the price table`),
    `  ${usd(estimate.totalMonthlyUsd).padStart(10)}  total${estimate.unpriced.length > 0 ? ' of the priced items' : ''}`,
    ...estimate.notes.map((n) => `  ${n}`),
  ];
}
