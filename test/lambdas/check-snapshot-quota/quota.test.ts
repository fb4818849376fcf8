import {
  DBInstanceNotFoundFault,
  DescribeAccountAttributesCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { planOffboarding } from '../../../lambdas/check-snapshot-quota/quota';
import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import type { OffboardingState } from '../../../lambdas/shared/lifecycle/offboarding';
import { DEFAULT_TIERS } from '../../../lambdas/shared/tiers';

const rds = mockClient(RDSClient);
const deps = {
  rdsIn: () => new RDSClient({ region: 'us-east-1' }),
  catalog: DEFAULT_TIERS,
  backupRegion: 'us-west-2',
  defaultRegion: 'us-east-1',
};
const stateOf = (tier: string, fields: Record<string, unknown> = {}): OffboardingState => ({
  lock: {
    outcome: 'TAKEN',
    tenantId: 'acme',
    operation: 'offboard',
    executionArn: 'arn:x',
    instanceId: 'tenant-acme',
    region: 'us-east-1',
    tier,
    ...fields,
  },
});
const quota = (used: number, max = 100) => ({
  AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: used, Max: max }],
});

beforeEach(() => {
  rds.reset();
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
});

describe('planOffboarding', () => {
  it.each<[string, string, number, number]>([
    ['starter: one Region', 'starter', 1, 30],
    ['enterprise: the tenant Region and the backup Region', 'enterprise', 2, 365],
  ])('checks the quota of %s and plans by tier policy', async (_case, tier, regions, days) => {
    // Prepare
    rds.on(DescribeAccountAttributesCommand).resolves(quota(10));

    // Act
    const plan = await planOffboarding(deps, stateOf(tier));

    // Assess
    expect(plan.quota).toHaveLength(regions);
    expect(plan.retentionDays).toBe(days);
    expect(plan.copyRegion).toBe(regions === 2 ? 'us-west-2' : undefined);
  });

  it.each<[string, number, number, string | undefined]>([
    ['with room', 99, 100, undefined],
    ['when full', 100, 100, ERROR_NAMES.snapshotQuota],
  ])('refuses, or not, %s', async (_case, used, max, error) => {
    // Prepare
    rds.on(DescribeAccountAttributesCommand).resolves(quota(used, max));

    // Act
    const planning = planOffboarding(deps, stateOf('pro'));

    // Assess
    if (error) await expect(planning).rejects.toMatchObject({ name: error, retryable: false });
    else await expect(planning).resolves.toMatchObject({ instanceStatus: 'available' });
  });

  it.each(['constructor', '__proto__', 'toString'])('refuses the prototype-named tier %s as unknown', async (tier) => {
    await expect(planOffboarding(deps, stateOf(tier))).rejects.toMatchObject({ name: ERROR_NAMES.configuration });
  });

  it('plans only the clean-up of an instance already deleted, when the registry records its snapshots', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: 'gone', $metadata: {} }));
    const recorded = [{ arn: 'arn:snap', snapshotId: 'tenant-acme-final-abc', region: 'us-east-1', takenAt: 'x' }];

    // Act / Assess
    await expect(planOffboarding(deps, stateOf('pro', { finalSnapshots: recorded }))).resolves.toMatchObject({
      instanceStatus: 'deleted',
      quota: [],
    });
    await expect(planOffboarding(deps, stateOf('pro'))).rejects.toThrow(/records no final snapshot/);
    expect(rds.commandCalls(DescribeAccountAttributesCommand)).toEqual([]);
  });
});
