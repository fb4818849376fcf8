import { ValidationError } from '../../lambdas/shared/errors';
import { DEFAULT_TIERS, type TierDefinition } from '../../lambdas/shared/tiers';
import { estimateMonthlyCost, storagePerformance, vcpusOf } from '../../lib/pricing/estimate';
import { PRICE_TABLE, PRICES_AS_OF } from '../../lib/pricing/price-table';

const starter = DEFAULT_TIERS.starter as TierDefinition;

describe('estimateMonthlyCost', () => {
  it.each([
    // Hand-computed from the us-east-1 table: 730 h × $0.016; 20 GB × $0.115; 20 × 5% × 7 days = 7 GB × $0.095; ...
    ['starter', 'us-east-1', { instance: 11.68, storage: 2.3, backup: 0.67, secrets: 0.8, alarms: 0.6 }, 16.05],
    ['pro', 'us-east-1', { instance: 245.28, storage: 23, backup: 6.65, secrets: 0.8, alarms: 0.6 }, 276.33],
    [
      'enterprise',
      'us-east-1',
      {
        instance: 697.88,
        storage: 115,
        backup: 83.13,
        'backup-replica': 80.75,
        'backup-transfer': 15,
        'database-insights': 36.5,
        secrets: 0.8,
        alarms: 0.6,
      },
      1029.66,
    ],
    ['starter', 'eu-west-1', { instance: 13.14, storage: 2.54, backup: 0.67, secrets: 0.8, alarms: 0.6 }, 17.75],
  ])('prices the %s tier in %s line by line', (name, region, expectedLines, expectedTotal) => {
    // Act
    const estimate = estimateMonthlyCost(DEFAULT_TIERS[name] as TierDefinition, region);

    // Assess
    const lines = Object.fromEntries(estimate.lines.map((l) => [l.key, l.monthlyUsd]));
    expect(Object.keys(lines)).toEqual(Object.keys(expectedLines));
    for (const [key, usd] of Object.entries(expectedLines)) expect(lines[key]).toBeCloseTo(usd, 2);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(expectedTotal, 2);
    expect(estimate.unpriced).toEqual([]);
  });

  it('states the price date, the source and that it is an estimate', () => {
    // Act
    const estimate = estimateMonthlyCost(starter, 'us-east-1');

    // Assess
    expect(estimate.pricesAsOf).toBe(PRICES_AS_OF);
    expect(estimate.source).toMatch(/AWS public pricing pages/);
    expect(estimate.notes.join(' ')).toMatch(/not a quote/);
  });

  it.each([
    ['Multi-AZ doubles instance hours and storage', { multiAz: true }, { instance: 23.36, storage: 4.6 }],
    [
      'io1 bills every provisioned IOPS, on both copies',
      { multiAz: true, storage: { type: 'io1', allocatedGiB: 100, maxAllocatedGiB: 200, iops: 3000 } },
      { iops: 600 },
    ],
    [
      'gp3 bills IOPS and throughput above the large-volume baseline',
      { storage: { type: 'gp3', allocatedGiB: 400, maxAllocatedGiB: 800, iops: 16000, throughputMiBps: 1000 } },
      { iops: 80, throughput: 40 },
    ],
  ])('%s', (_name, change, expectedLines) => {
    // Prepare
    const tier = { ...starter, ...change } as TierDefinition;

    // Act
    const lines = Object.fromEntries(estimateMonthlyCost(tier, 'us-east-1').lines.map((l) => [l.key, l.monthlyUsd]));

    // Assess
    for (const [key, usd] of Object.entries(expectedLines)) expect(lines[key]).toBeCloseTo(usd, 2);
  });

  it('lists an instance class missing from the table as unpriced and leaves it out of the total', () => {
    // Prepare
    const tier = { ...starter, instanceClass: 'db.x2g.16xlarge' };

    // Act
    const estimate = estimateMonthlyCost(tier, 'us-east-1');

    // Assess
    expect(estimate.unpriced).toEqual(['instance class db.x2g.16xlarge']);
    expect(estimate.lines.map((l) => l.key)).not.toContain('instance');
    expect(estimate.totalMonthlyUsd).toBeCloseTo(2.3 + 0.67 + 0.8 + 0.6, 2);
  });

  it('refuses a Region the table has no prices for, naming the field and the priced Regions', () => {
    // Act / Assess
    expect(() => estimateMonthlyCost(starter, 'ap-south-2')).toThrow(ValidationError);
    expect(() => estimateMonthlyCost(starter, 'ap-south-2')).toThrow(
      /region: must be a Region of the price table: us-east-1, eu-west-1/,
    );
  });

  it('has a price for every built-in instance class in every priced Region', () => {
    // Assess
    for (const prices of Object.values(PRICE_TABLE)) {
      for (const tier of Object.values(DEFAULT_TIERS))
        expect(prices.instanceHour[tier.instanceClass]).toBeGreaterThan(0);
    }
  });
});

describe('storagePerformance', () => {
  it.each([
    [
      'gp3 below 400 GiB: 3000 IOPS / 125 MiB/s baseline',
      { type: 'gp3', allocatedGiB: 100, maxAllocatedGiB: 200 },
      { iops: 3000, throughputMiBps: 125, billedIops: 0, baseline: true },
    ],
    [
      'gp3 from 400 GiB: 12000 IOPS / 500 MiB/s baseline',
      { type: 'gp3', allocatedGiB: 400, maxAllocatedGiB: 800 },
      { iops: 12000, throughputMiBps: 500, billedIops: 0, baseline: true },
    ],
    [
      'gp3 provisioned above the baseline',
      { type: 'gp3', allocatedGiB: 500, maxAllocatedGiB: 800, iops: 15000, throughputMiBps: 600 },
      { iops: 15000, billedIops: 3000, billedThroughputMiBps: 100, baseline: false },
    ],
    ['gp2: 3 IOPS per GiB', { type: 'gp2', allocatedGiB: 200, maxAllocatedGiB: 400 }, { iops: 600, billedIops: 0 }],
    [
      'io2: every IOPS billed',
      { type: 'io2', allocatedGiB: 100, maxAllocatedGiB: 200, iops: 5000 },
      { iops: 5000, billedIops: 5000 },
    ],
  ] as const)('%s', (_name, storage, expected) => {
    // Act / Assess
    expect(storagePerformance(storage)).toMatchObject(expected);
  });
});

describe('vcpusOf', () => {
  it.each([
    ['db.t4g.micro', 2],
    ['db.m7g.large', 2],
    ['db.r7g.xlarge', 4],
    ['db.r7g.2xlarge', 8],
    ['db.m6i.16xlarge', 64],
  ])('%s has %i vCPUs', (instanceClass, vcpus) => {
    // Act / Assess
    expect(vcpusOf(instanceClass)).toBe(vcpus);
  });
});
