/**
 * On-demand list prices used by `tenantctl plan` for its monthly estimate. Estimates only: they leave out taxes,
 * discounts (Reserved Instances, Savings Plans), data transfer to the internet, storage growth under autoscaling and
 * CloudWatch Logs ingestion of exported logs and Enhanced Monitoring. Check the pricing pages before quoting a price
 * to a customer, and update {@link PRICES_AS_OF} with the table.
 *
 * @module
 */

/** When the prices below were read from the pricing pages. */
export const PRICES_AS_OF = '2025-06-01';

/** Where the prices come from. */
export const PRICE_SOURCE =
  'AWS public pricing pages (Amazon RDS for PostgreSQL, AWS Secrets Manager, Amazon CloudWatch, Database Insights)';

export const CURRENCY = 'USD';

/** Hours in a month, as AWS bills them. */
export const HOURS_PER_MONTH = 730;

/**
 * Share of the allocated storage that changes per day, used to estimate automated-backup storage beyond the free
 * 100% of the database size. An assumption, not a price: busy OLTP tenants change more, archives less.
 */
export const DAILY_CHANGE_RATE = 0.05;

/** Storage prices of one volume type, per month, for a Single-AZ instance (Multi-AZ doubles them). */
interface StoragePrices {
  readonly gbMonth: number;
  /** Per provisioned IOPS-month: every IOPS for io1/io2, IOPS above the baseline for gp3. */
  readonly iopsMonth?: number;
  /** Per MiB/s-month of throughput above the gp3 baseline. */
  readonly throughputMiBpsMonth?: number;
}

export interface RegionPrices {
  /** Display name of the Region. */
  readonly name: string;
  /** Single-AZ on-demand price per instance-hour, by DB instance class (Multi-AZ doubles it). */
  readonly instanceHour: Readonly<Record<string, number>>;
  readonly storage: Readonly<Record<'gp2' | 'gp3' | 'io1' | 'io2', StoragePrices>>;
  /** Automated backup and replicated backup storage beyond the free allowance, per GB-month. */
  readonly backupGbMonth: number;
  /** Data transfer to another Region (cross-Region backup replication), per GB. */
  readonly interRegionTransferGb: number;
  /** Database Insights Advanced mode (Performance Insights with 15 months retention), per vCPU-hour. */
  readonly databaseInsightsAdvancedVcpuHour: number;
  /** Secrets Manager, per secret-month. */
  readonly secretMonth: number;
  /** CloudWatch standard-resolution metric alarm, per alarm-month. */
  readonly alarmMonth: number;
}

/** Prices by Region code. */
export const PRICE_TABLE: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': {
    name: 'US East (N. Virginia)',
    instanceHour: {
      'db.t4g.micro': 0.016,
      'db.t4g.small': 0.032,
      'db.t4g.medium': 0.065,
      'db.t4g.large': 0.129,
      'db.m6g.large': 0.159,
      'db.m6g.xlarge': 0.318,
      'db.m6i.large': 0.178,
      'db.m6i.xlarge': 0.356,
      'db.m7g.large': 0.168,
      'db.m7g.xlarge': 0.337,
      'db.m7g.2xlarge': 0.674,
      'db.r6g.large': 0.225,
      'db.r6g.xlarge': 0.45,
      'db.r7g.large': 0.239,
      'db.r7g.xlarge': 0.478,
      'db.r7g.2xlarge': 0.956,
    },
    storage: {
      gp2: { gbMonth: 0.115 },
      gp3: { gbMonth: 0.115, iopsMonth: 0.02, throughputMiBpsMonth: 0.08 },
      io1: { gbMonth: 0.125, iopsMonth: 0.1 },
      io2: { gbMonth: 0.125, iopsMonth: 0.1 },
    },
    backupGbMonth: 0.095,
    interRegionTransferGb: 0.02,
    databaseInsightsAdvancedVcpuHour: 0.0125,
    secretMonth: 0.4,
    alarmMonth: 0.1,
  },
  'eu-west-1': {
    name: 'Europe (Ireland)',
    instanceHour: {
      'db.t4g.micro': 0.018,
      'db.t4g.small': 0.036,
      'db.t4g.medium': 0.072,
      'db.t4g.large': 0.144,
      'db.m6g.large': 0.176,
      'db.m6g.xlarge': 0.352,
      'db.m6i.large': 0.197,
      'db.m6i.xlarge': 0.394,
      'db.m7g.large': 0.186,
      'db.m7g.xlarge': 0.373,
      'db.m7g.2xlarge': 0.746,
      'db.r6g.large': 0.25,
      'db.r6g.xlarge': 0.5,
      'db.r7g.large': 0.266,
      'db.r7g.xlarge': 0.531,
      'db.r7g.2xlarge': 1.062,
    },
    storage: {
      gp2: { gbMonth: 0.127 },
      gp3: { gbMonth: 0.127, iopsMonth: 0.022, throughputMiBpsMonth: 0.088 },
      io1: { gbMonth: 0.138, iopsMonth: 0.11 },
      io2: { gbMonth: 0.138, iopsMonth: 0.11 },
    },
    backupGbMonth: 0.095,
    interRegionTransferGb: 0.02,
    databaseInsightsAdvancedVcpuHour: 0.0138,
    secretMonth: 0.4,
    alarmMonth: 0.1,
  },
};

/** Region codes the table prices. */
export const PRICED_REGIONS: readonly string[] = Object.keys(PRICE_TABLE);
