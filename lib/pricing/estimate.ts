/**
 * Monthly on-demand cost estimate of one tenant database, line by line, from {@link PRICE_TABLE}.
 *
 * @module
 */
import { ALARM_KEYS } from '../../lambdas/shared/naming';
import { storagePerformance, type TierDefinition } from '../../lambdas/shared/tiers';
import { type PriceAge, priceAge, staleNote } from './age';
import {
  CURRENCY,
  DAILY_CHANGE_RATE,
  HOURS_PER_MONTH,
  PRICE_SOURCE,
  PRICE_TABLE,
  PRICED_REGIONS,
  PRICES_AS_OF,
  type RegionPrices,
} from './price-table';

/** One priced line of the estimate. */
interface CostLine {
  readonly key: string;
  readonly description: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  /** quantity × unit price, rounded to cents. */
  readonly monthlyUsd: number;
}

export interface CostEstimate {
  readonly region: string;
  /** False when the price table has no prices for the Region: every item is unpriced and the total is 0. */
  readonly regionPriced: boolean;
  /** Why nothing is priced (an unpriced Region). */
  readonly unpricedReason?: string;
  readonly currency: typeof CURRENCY;
  readonly pricesAsOf: string;
  /** How old the prices are at the time of the estimate. */
  readonly priceAge: PriceAge;
  readonly source: string;
  readonly lines: readonly CostLine[];
  /** Items the table has no price for (e.g. an instance class added by a tier override); not in the total. */
  readonly unpriced: readonly string[];
  /** Sum of the lines, in USD. */
  readonly totalMonthlyUsd: number;
  /** What the estimate assumes or leaves out. */
  readonly notes: readonly string[];
}

/** vCPUs of a DB instance class: 2 up to `large`, 4 per `xlarge` step (`db.r7g.2xlarge` → 8). */
export function vcpusOf(instanceClass: string): number {
  const size = instanceClass.split('.')[2] ?? '';
  const xlarge = /^([0-9]*)xlarge$/.exec(size);
  if (!xlarge) return 2;
  return 4 * (xlarge[1] ? Number(xlarge[1]) : 1);
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

function line(key: string, description: string, quantity: number, unit: string, unitPriceUsd: number): CostLine {
  return { key, description, quantity, unit, unitPriceUsd, monthlyUsd: round2(quantity * unitPriceUsd) };
}

/** Why `region` has no estimate. */
function unpricedRegionReason(region: string): string {
  return `the price table has no prices for ${region} (it prices ${PRICED_REGIONS.join(', ')}); see the AWS pricing pages, or add the Region to lib/pricing/price-table.ts`;
}

/** An estimate with nothing priced, for a Region missing from the table. */
function unpricedEstimate(region: string, age: PriceAge): CostEstimate {
  const reason = unpricedRegionReason(region);
  return {
    region,
    regionPriced: false,
    unpricedReason: reason,
    currency: CURRENCY,
    pricesAsOf: PRICES_AS_OF,
    priceAge: age,
    source: PRICE_SOURCE,
    lines: [],
    unpriced: [],
    totalMonthlyUsd: 0,
    notes: [],
  };
}

/**
 * The estimated monthly on-demand cost of one tenant database of `tier` in `region`, as priced lines.
 *
 * Multi-AZ doubles instance hours and storage (a standby of the same size). Automated backups are free up to 100% of
 * the database size; beyond that the estimate assumes {@link DAILY_CHANGE_RATE} of the data changes per retained day.
 * Replicated backups in the backup Region are billed in full, plus the transfer of the changes.
 *
 * A Region the table has no prices for gives an estimate with `regionPriced: false` and the reason, not an error:
 * the plan itself holds in every Region.
 *
 * @param now - when the estimate is made, to tell how old the prices are
 * @example
 * ```ts
 * estimateMonthlyCost(DEFAULT_TIERS.starter, 'us-east-1').totalMonthlyUsd; // ≈ 16
 * ```
 */
export function estimateMonthlyCost(tier: TierDefinition, region: string, now: Date = new Date()): CostEstimate {
  const age = priceAge(now);
  const prices: RegionPrices | undefined = PRICE_TABLE[region];
  if (!prices) return unpricedEstimate(region, age);
  const copies = tier.multiAz ? 2 : 1;
  const azLabel = tier.multiAz ? 'Multi-AZ (primary + standby)' : 'Single-AZ';
  const lines: CostLine[] = [];
  const unpriced: string[] = [];

  const hourly = prices.instanceHour[tier.instanceClass];
  if (hourly === undefined) unpriced.push(`instance class ${tier.instanceClass}`);
  else {
    lines.push(line('instance', `${tier.instanceClass} ${azLabel}`, copies * HOURS_PER_MONTH, 'instance-hour', hourly));
  }

  const { storage } = tier;
  const storagePrices = prices.storage[storage.type];
  lines.push(
    line(
      'storage',
      `${storage.type} storage, ${storage.allocatedGiB} GiB × ${copies}`,
      copies * storage.allocatedGiB,
      'GB-month',
      storagePrices.gbMonth,
    ),
  );
  const performance = storagePerformance(storage);
  if (performance.billedIops > 0 && storagePrices.iopsMonth !== undefined) {
    lines.push(
      line(
        'iops',
        `provisioned IOPS ${storage.type === 'gp3' ? 'above the gp3 baseline ' : ''}× ${copies}`,
        copies * performance.billedIops,
        'IOPS-month',
        storagePrices.iopsMonth,
      ),
    );
  }
  if (performance.billedThroughputMiBps > 0 && storagePrices.throughputMiBpsMonth !== undefined) {
    lines.push(
      line(
        'throughput',
        `gp3 throughput above the baseline × ${copies}`,
        copies * performance.billedThroughputMiBps,
        'MiBps-month',
        storagePrices.throughputMiBpsMonth,
      ),
    );
  }

  const backupBeyondFree = storage.allocatedGiB * DAILY_CHANGE_RATE * tier.backup.retentionDays;
  lines.push(
    line(
      'backup',
      `automated backups beyond 100% of the database size (${tier.backup.retentionDays} days retained)`,
      round2(backupBeyondFree),
      'GB-month',
      prices.backupGbMonth,
    ),
  );
  if (tier.backup.crossRegionReplication) {
    const days = tier.backup.replicationRetentionDays ?? tier.backup.retentionDays;
    const replicated = storage.allocatedGiB * (1 + DAILY_CHANGE_RATE * days);
    const transferred = storage.allocatedGiB * DAILY_CHANGE_RATE * 30;
    lines.push(
      line(
        'backup-replica',
        `replicated backups in the backup Region (${days} days retained)`,
        round2(replicated),
        'GB-month',
        prices.backupGbMonth,
      ),
      line(
        'backup-transfer',
        'cross-Region transfer of daily changes',
        round2(transferred),
        'GB',
        prices.interRegionTransferGb,
      ),
    );
  }

  if (tier.monitoring.databaseInsightsMode === 'advanced') {
    const vcpus = vcpusOf(tier.instanceClass);
    lines.push(
      line(
        'database-insights',
        `Database Insights Advanced, ${vcpus} vCPU`,
        vcpus * HOURS_PER_MONTH,
        'vCPU-hour',
        prices.databaseInsightsAdvancedVcpuHour,
      ),
    );
  }

  // The RDS-managed master user secret and the tenant's application secret.
  lines.push(
    line('secrets', 'Secrets Manager secrets (master user + application)', 2, 'secret-month', prices.secretMonth),
  );
  lines.push(
    line('alarms', 'CloudWatch alarms (standard resolution)', ALARM_KEYS.length, 'alarm-month', prices.alarmMonth),
  );

  const stale = staleNote(age);
  return {
    region,
    regionPriced: true,
    currency: CURRENCY,
    pricesAsOf: PRICES_AS_OF,
    priceAge: age,
    source: PRICE_SOURCE,
    lines,
    unpriced,
    totalMonthlyUsd: round2(lines.reduce((sum, l) => sum + l.monthlyUsd, 0)),
    notes: [
      ...(stale ? [stale] : []),
      `Estimate from on-demand list prices as of ${PRICES_AS_OF} (${PRICE_SOURCE}); not a quote.`,
      `Backups assume ${DAILY_CHANGE_RATE * 100}% of the data changes per day.`,
      'Not included: taxes, discounts, data transfer out, storage growth under autoscaling, CloudWatch Logs for exported logs and Enhanced Monitoring.',
    ],
  };
}
