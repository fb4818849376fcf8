/**
 * The per-tenant CloudWatch alarms, built from the tier's thresholds. Pure: one PutMetricAlarm request per alarm
 * key, the same on every retry, so re-running the step overwrites each alarm with identical settings.
 *
 * @module
 */
import type { ComparisonOperator, PutMetricAlarmInput, Statistic } from '@aws-sdk/client-cloudwatch';
import { ALARM_KEYS, type AlarmKey, alarmName, type OwnerContext, ownershipTags } from './naming';
import type { TierDefinition } from './tiers';

const BYTES_PER_MIB = 1024 ** 2;
const BYTES_PER_GIB = 1024 ** 3;

/** `missing` keeps the alarm's state through a gap; `notBreaching` counts a gap as healthy. */
type MissingDataTreatment = 'missing' | 'notBreaching';

interface AlarmSpec {
  metricName: string;
  statistic: Statistic;
  comparison: Extract<ComparisonOperator, 'GreaterThanThreshold' | 'LessThanThreshold'>;
  /** Threshold in the unit RDS publishes the metric in (percent, bytes, count, seconds). */
  threshold: (tier: TierDefinition) => number;
  /** The condition in words, for the alarm description. */
  condition: (tier: TierDefinition) => string;
  treatMissingData: MissingDataTreatment;
}

/**
 * Missing data: RDS publishes these metrics every minute while the instance runs, so a gap means the instance is
 * stopped, rebooting or being replaced, not that the condition holds. Capacity and load alarms (CPU, storage,
 * memory, connections) use `missing`: a gap neither raises nor clears them, and a long gap shows as
 * INSUFFICIENT_DATA on the dashboard without paging anyone. In particular `breaching` is not used for storage: it
 * would page on every planned stop and right after creation, and a full disk still reports FreeStorageSpace ≈ 0,
 * so the real condition is caught without it. Latency alarms use `notBreaching`: an idle tenant can have periods
 * without I/O, and those are healthy.
 */
const ALARM_SPECS: Readonly<Record<AlarmKey, AlarmSpec>> = {
  'cpu-utilization': {
    metricName: 'CPUUtilization',
    statistic: 'Average',
    comparison: 'GreaterThanThreshold',
    threshold: (t) => t.alarms.cpuUtilizationPercent,
    condition: (t) => `average CPU utilization above ${t.alarms.cpuUtilizationPercent}%`,
    treatMissingData: 'missing',
  },
  'free-storage': {
    metricName: 'FreeStorageSpace',
    // The lowest sample of the period: storage fills in bursts, an average would hide a near-full minute.
    statistic: 'Minimum',
    comparison: 'LessThanThreshold',
    threshold: (t) => Math.floor((t.storage.allocatedGiB * BYTES_PER_GIB * t.alarms.freeStoragePercent) / 100),
    condition: (t) =>
      `free storage below ${t.alarms.freeStoragePercent}% of the ${t.storage.allocatedGiB} GiB allocated at creation`,
    treatMissingData: 'missing',
  },
  'freeable-memory': {
    metricName: 'FreeableMemory',
    statistic: 'Average',
    comparison: 'LessThanThreshold',
    threshold: (t) => t.alarms.freeableMemoryMiB * BYTES_PER_MIB,
    condition: (t) => `average freeable memory below ${t.alarms.freeableMemoryMiB} MiB`,
    treatMissingData: 'missing',
  },
  'database-connections': {
    metricName: 'DatabaseConnections',
    // Connection storms are short; the peak is what exhausts max_connections.
    statistic: 'Maximum',
    comparison: 'GreaterThanThreshold',
    threshold: (t) => t.alarms.databaseConnections,
    condition: (t) => `more than ${t.alarms.databaseConnections} database connections`,
    treatMissingData: 'missing',
  },
  'read-latency': {
    metricName: 'ReadLatency',
    statistic: 'Average',
    comparison: 'GreaterThanThreshold',
    threshold: (t) => t.alarms.readLatencyMs / 1000,
    condition: (t) => `average read latency above ${t.alarms.readLatencyMs} ms`,
    treatMissingData: 'notBreaching',
  },
  'write-latency': {
    metricName: 'WriteLatency',
    statistic: 'Average',
    comparison: 'GreaterThanThreshold',
    threshold: (t) => t.alarms.writeLatencyMs / 1000,
    condition: (t) => `average write latency above ${t.alarms.writeLatencyMs} ms`,
    treatMissingData: 'notBreaching',
  },
};

function duration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * PutMetricAlarm requests for every key of {@link ALARM_KEYS}, in that order. Every alarm fires after the tier's
 * `evaluationPeriods` consecutive breaching periods (DatapointsToAlarm = EvaluationPeriods: a single spike does not
 * page), notifies `topicArn` on ALARM and on OK, and carries the ownership tags (CloudWatch applies tags only when it
 * creates an alarm; an update keeps the original ones). `Unit` is omitted, as CloudWatch recommends: RDS publishes
 * each metric in one unit, and the thresholds are expressed in it.
 *
 * @example
 * ```ts
 * const requests = buildAlarmRequests('acme', 'tenant-acme', DEFAULT_TIERS.pro, topicArn, owner);
 * requests[0].AlarmName; // 'tenant-db-acme-cpu-utilization'
 * ```
 */
export function buildAlarmRequests(
  tenantId: string,
  instanceId: string,
  tier: TierDefinition,
  topicArn: string,
  owner: OwnerContext,
): PutMetricAlarmInput[] {
  const { periodSeconds, evaluationPeriods } = tier.alarms;
  return ALARM_KEYS.map((key) => {
    const spec = ALARM_SPECS[key];
    return {
      AlarmName: alarmName(tenantId, key),
      AlarmDescription: `Tenant ${tenantId} (${instanceId}, tier ${owner.tier}): ${spec.condition(tier)} for ${evaluationPeriods} consecutive ${duration(periodSeconds)} periods.`,
      Namespace: 'AWS/RDS',
      MetricName: spec.metricName,
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: instanceId }],
      Statistic: spec.statistic,
      Period: periodSeconds,
      EvaluationPeriods: evaluationPeriods,
      DatapointsToAlarm: evaluationPeriods,
      Threshold: spec.threshold(tier),
      ComparisonOperator: spec.comparison,
      TreatMissingData: spec.treatMissingData,
      ActionsEnabled: true,
      AlarmActions: [topicArn],
      OKActions: [topicArn],
      Tags: ownershipTags(owner),
    };
  });
}
