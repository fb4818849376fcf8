import { DEFAULT_TIERS, type TierDefinition } from '../../../lambdas/shared/tiers';
import { priceAge } from '../../../lib/pricing/age';
import { estimateMonthlyCost, vcpusOf } from '../../../lib/pricing/estimate';
import { PRICE_TABLE, PRICES_AS_OF } from '../../../lib/pricing/price-table';

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

  it('leaves a Region the table has no prices for unpriced, with the reason and the priced Regions', () => {
    // Act
    const estimate = estimateMonthlyCost(starter, 'ap-south-2');

    // Assess
    expect(estimate).toMatchObject({ region: 'ap-south-2', regionPriced: false, lines: [], totalMonthlyUsd: 0 });
    expect(estimate.unpricedReason).toBe(
      'the price table has no prices for ap-south-2 (it prices us-east-1, eu-west-1); see the AWS pricing pages, or add the Region to lib/pricing/price-table.ts',
    );
  });

  it.each([
    ['a day after the table date', '2025-06-02T12:00:00Z', 1, false],
    ['exactly a year after', '2026-06-01T00:00:00Z', 365, false],
    ['more than a year after', '2026-12-03T00:00:00Z', 550, true],
  ])('tells the age of prices dated 2025-06-01 %s', (_name, now, days, stale) => {
    // Act / Assess
    expect(priceAge(new Date(now), '2025-06-01')).toEqual({ asOf: '2025-06-01', days, stale });
  });

  it.each([
    ['recent', 1, false],
    ['older than a year', 400, true],
  ])('says so under an estimate whose prices are %s', (_name, daysLater, stale) => {
    // Prepare
    const now = new Date(Date.parse(`${PRICES_AS_OF}T00:00:00Z`) + daysLater * 86_400_000);

    // Act
    const estimate = estimateMonthlyCost(starter, 'us-east-1', now);

    // Assess
    expect(estimate.priceAge.stale).toBe(stale);
    const note = estimate.notes.find((n) => n.startsWith('The price table is more than a year old'));
    expect(note !== undefined).toBe(stale);
  });

  it('has a price for every built-in instance class in every priced Region', () => {
    // Assess
    for (const prices of Object.values(PRICE_TABLE)) {
      for (const tier of Object.values(DEFAULT_TIERS))
        expect(prices.instanceHour[tier.instanceClass]).toBeGreaterThan(0);
    }
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
