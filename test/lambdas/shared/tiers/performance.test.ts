import { storagePerformance } from '../../../../lambdas/shared/tiers';

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
