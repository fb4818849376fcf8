import {
  CreateDBSnapshotCommand,
  DBSnapshotNotFoundFault,
  DescribeDBSnapshotsCommand,
  RDSClient,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { createFinalSnapshot, executionDigest } from '../../../lambdas/final-snapshot/snapshot';
import { ERROR_NAMES } from '../../../lambdas/shared/error-names';
import type { OffboardingState } from '../../../lambdas/shared/lifecycle/offboarding';

const rds = mockClient(RDSClient);
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:tenant-db-workflow-offboarding:x';
const state: OffboardingState = {
  lock: {
    outcome: 'TAKEN',
    tenantId: 'acme',
    operation: 'offboard',
    executionArn: EXECUTION,
    instanceId: 'tenant-acme',
    region: 'us-east-1',
    tier: 'pro',
  },
};
const deps = { rdsIn: () => new RDSClient({ region: 'us-east-1' }), defaultRegion: 'us-east-1' };
const SNAPSHOT_ID = `tenant-acme-final-${executionDigest(EXECUTION)}`;
const notFound = () => new DBSnapshotNotFoundFault({ message: 'not found', $metadata: {} });

beforeEach(() => rds.reset());

describe('executionDigest', () => {
  it('is twelve hex digits, the same for the same execution and different for another', () => {
    expect(executionDigest(EXECUTION)).toMatch(/^[0-9a-f]{12}$/);
    expect(executionDigest(EXECUTION)).toBe(executionDigest(EXECUTION));
    expect(executionDigest(`${EXECUTION}2`)).not.toBe(executionDigest(EXECUTION));
  });
});

describe('createFinalSnapshot', () => {
  it('asks RDS for a snapshot named after the tenant and the execution, tagged for the purge job', async () => {
    // Prepare
    rds.on(DescribeDBSnapshotsCommand).rejects(notFound());
    rds.on(CreateDBSnapshotCommand).resolves({ DBSnapshot: { DBSnapshotArn: 'arn:snap' } });

    // Act
    const result = await createFinalSnapshot(deps, state);

    // Assess
    expect(result).toEqual({ action: 'requested', snapshotId: SNAPSHOT_ID, arn: 'arn:snap', region: 'us-east-1' });
    expect(rds.commandCalls(CreateDBSnapshotCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'tenant-acme',
      DBSnapshotIdentifier: SNAPSHOT_ID,
      Tags: [
        { Key: 'tenant-db:tenant-id', Value: 'acme' },
        { Key: 'tenant-db:tier', Value: 'pro' },
        { Key: 'tenant-db:execution-arn', Value: EXECUTION },
        { Key: 'tenant-db:managed-by', Value: 'tenant-db-platform' },
        { Key: 'tenant-db:purpose', Value: 'final-snapshot' },
      ],
    });
  });

  it.each<[string, { Key: string; Value: string }[], string | undefined]>([
    [
      'its own snapshot of an earlier attempt',
      [
        { Key: 'tenant-db:managed-by', Value: 'tenant-db-platform' },
        { Key: 'tenant-db:tenant-id', Value: 'acme' },
      ],
      undefined,
    ],
    [
      'a snapshot of another tenant under that name',
      [
        { Key: 'tenant-db:managed-by', Value: 'tenant-db-platform' },
        { Key: 'tenant-db:tenant-id', Value: 'other' },
      ],
      ERROR_NAMES.ownershipConflict,
    ],
    ['an untagged snapshot under that name', [], ERROR_NAMES.ownershipConflict],
  ])('finds %s instead of creating one', async (_case, tags, error) => {
    // Prepare
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [{ DBSnapshotIdentifier: SNAPSHOT_ID, DBSnapshotArn: 'arn:snap', TagList: tags }],
    });

    // Act
    const result = createFinalSnapshot(deps, state);

    // Assess
    if (error) await expect(result).rejects.toMatchObject({ name: error });
    else await expect(result).resolves.toMatchObject({ action: 'found', snapshotId: SNAPSHOT_ID });
    expect(rds.commandCalls(CreateDBSnapshotCommand)).toEqual([]);
  });

  it('fails loudly, not retried, when RDS says the snapshot quota is full', async () => {
    // Prepare
    rds.on(DescribeDBSnapshotsCommand).rejects(notFound());
    rds.on(CreateDBSnapshotCommand).rejects(new SnapshotQuotaExceededFault({ message: 'quota', $metadata: {} }));

    // Act / Assess
    await expect(createFinalSnapshot(deps, state)).rejects.toMatchObject({
      name: ERROR_NAMES.snapshotQuota,
      retryable: false,
    });
  });
});
